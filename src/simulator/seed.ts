import { cloneDeep } from 'lodash'
import { fieldOptions, createField } from './model/fields'
import { insertOrganization, presentOrganization } from './model/organizations'
import { insertTicket } from './model/tickets'
import { insertUser, userView } from './model/users'
import { timestamp, type Store } from './state'
import type { NamedRecord, SimulatorSeed, TicketFieldRecord } from './types'

function named(store: Store, list: NamedRecord[], resource: string, name: string): NamedRecord {
  const id = store.nextId()
  const now = timestamp()
  const record = {
    id,
    url: store.apiUrl(`${resource}/${id}`),
    name,
    active: true,
    default: false,
    created_at: now,
    updated_at: now
  }
  list.push(record)
  return cloneDeep(record)
}

/** Direct inserts for tests; each returns a copy of what was stored. */
export function createSeed(store: Store): SimulatorSeed {
  return {
    userField: (f) => cloneDeep(createField(store, store.userFields, 'user_fields', { title: f.key, ...f })),
    organizationField: (f) =>
      cloneDeep(createField(store, store.organizationFields, 'organization_fields', { title: f.key, ...f })),
    user: (u) => cloneDeep(userView(store, insertUser(store, u))),
    organization: (o) => cloneDeep(presentOrganization(store, insertOrganization(store, o))),
    ticket: (t) => cloneDeep(insertTicket(store, t)),
    ticketField(f) {
      const id = store.nextId()
      const now = timestamp()
      const field: TicketFieldRecord = {
        id,
        url: store.apiUrl(`ticket_fields/${id}`),
        type: f.type,
        title: f.title,
        raw_title: f.title,
        description: '',
        active: true,
        required: false,
        ...(f.options ? { custom_field_options: fieldOptions(store, f.options) } : {}),
        created_at: now,
        updated_at: now
      }
      store.ticketFields.push(field)
      return cloneDeep(field)
    },
    group: (name) => named(store, store.groups, 'groups', name),
    brand: (name) => named(store, store.brands, 'brands', name),
    ticketForm: (name) => named(store, store.ticketForms, 'ticket_forms', name)
  }
}
