import { cloneDeep } from 'lodash'
import { presentRecord } from './model/custom-objects'
import { presentOrganization } from './model/organizations'
import { userView } from './model/users'
import type { Store } from './state'
import type { SimulatorState } from './types'

/** A deep copy of the account as plain arrays; users keep the simulator-only verification_email_sent flag. */
export function snapshot(store: Store): SimulatorState {
  return cloneDeep({
    users: [...store.users.values()].map((u) => userView(store, u)),
    identities: [...store.identities.values()],
    organizations: [...store.organizations.values()].map((o) => presentOrganization(store, o)),
    memberships: [...store.memberships.values()],
    tickets: [...store.tickets.values()],
    events: store.events,
    userFields: store.userFields,
    organizationFields: store.organizationFields,
    jobs: [...store.jobs.values()].map((j) => j.record),
    ticketFields: store.ticketFields,
    groups: store.groups,
    brands: store.brands,
    ticketForms: store.ticketForms,
    customObjects: [...store.customObjects.values()].map((object) => object.definition),
    customObjectFields: Object.fromEntries([...store.customObjects].map(([key, object]) => [key, object.fields])),
    customObjectRecords: [...store.customObjects.values()].flatMap((object) =>
      [...object.records.values()].map((record) => presentRecord(object, record))
    )
  })
}
