import { cloneDeep } from 'lodash'
import { addBrand, addCustomTicketField, addGroup, addTicketForm } from './model/catalog'
import { addCustomObject, insertRecord, presentRecord } from './model/custom-objects'
import { createField } from './model/fields'
import { insertOrganization, presentOrganization } from './model/organizations'
import { insertTicket } from './model/tickets'
import { insertUser, userView } from './model/users'
import type { Store } from './state'
import type { SimulatorSeed } from './types'

type Field = Parameters<SimulatorSeed['userField']>[0]

function fieldInput(f: Field) {
  const { options, ...rest } = f
  return { title: f.key, ...rest, ...(options ? { custom_field_options: options } : {}) }
}

/** Direct inserts for tests; each returns a copy of what was stored. */
export function createSeed(store: Store): SimulatorSeed {
  return {
    userField: (f) => cloneDeep(createField(store, store.userFields, 'user_fields', fieldInput(f))),
    organizationField: (f) =>
      cloneDeep(createField(store, store.organizationFields, 'organization_fields', fieldInput(f))),
    user: (u) => cloneDeep(userView(store, insertUser(store, u))),
    organization: (o) => cloneDeep(presentOrganization(store, insertOrganization(store, o))),
    ticket: (t) => cloneDeep(insertTicket(store, t)),
    ticketField: (f) => cloneDeep(addCustomTicketField(store, f)),
    group: (name, more) => cloneDeep(addGroup(store, name, more)),
    brand: (name, more) => cloneDeep(addBrand(store, name, more)),
    ticketForm: (name, more) => cloneDeep(addTicketForm(store, name, more)),
    customObject: (o) => cloneDeep(addCustomObject(store, o)),
    customRecord: (objectKey, r) =>
      cloneDeep(presentRecord(store.customObjects.get(objectKey)!, insertRecord(store, objectKey, r)))
  }
}
