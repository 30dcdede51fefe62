import type { RunningSimulator } from '../../../src/simulator'
import { is, list, oneOf, type Shape } from '../shape'
import type { Contract } from './contract'
import { cursorPage, JOB_QUEUED, jobDone, NOT_FOUND, recordInvalid } from './shapes'

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

/** A custom object (documented: the OpenAPI example of List Custom Objects). */
const CUSTOM_OBJECT: Shape = {
  key: 'string',
  url: /^https:\/\/[a-z0-9-]+\.zendesk\.com\/api\/v2\/custom_objects\/\w+\.json$/,
  title: 'string',
  title_pluralized: 'string',
  include_in_list_view: 'boolean',
  created_at: ISO_TIME,
  updated_at: ISO_TIME
}

/** A field of a custom object (documented: List Custom Object Fields). */
const OBJECT_FIELD: Shape = {
  id: 'integer',
  url: /^https:\/\/[a-z0-9-]+\.zendesk\.com\/api\/v2\/custom_objects\/\w+\/fields/,
  key: 'string',
  type: 'string',
  title: 'string',
  active: 'boolean',
  position: 'integer',
  system: 'boolean',
  regexp_for_validation: 'string|null',
  created_at: ISO_TIME,
  updated_at: ISO_TIME
}

/** The name field of an object: its properties say whether names are numbered (documented). */
const NAME_FIELD: Shape = {
  ...(OBJECT_FIELD as object),
  key: is('standard::name'),
  properties: { autoincrement_enabled: 'boolean', is_unique: 'boolean' }
}

/** A lookup field names what it points at (documented: relationship_target_type). */
const LOOKUP_FIELD: Shape = {
  ...(OBJECT_FIELD as object),
  type: is('lookup'),
  relationship_target_type: oneOf(is('zen:user'), is('zen:organization'), is('zen:ticket'), /^zen:custom_object:\w+$/)
}

/** A record (documented: the OpenAPI examples of record answers); its id is text. */
const RECORD: Shape = {
  id: /^[0-9A-Z]{26}$/,
  url: /^https:\/\/[a-z0-9-]+\.zendesk\.com\/api\/v2\/custom_objects\/\w+\/records\/[0-9A-Z]+\.json$/,
  custom_object_key: 'string',
  name: 'string',
  external_id: 'string|null',
  custom_object_fields: 'object',
  created_at: ISO_TIME,
  updated_at: ISO_TIME,
  created_by_user_id: 'string',
  updated_by_user_id: 'string'
}

const recordWith = (more: Record<string, unknown>): Shape => ({ ...(RECORD as object), ...more })

/** An `order` object: an amount, a status drop-down and a lookup to the user who ordered. */
function seedOrders(sim: RunningSimulator, numberedNames?: { prefix: string; padding: number }): void {
  sim.seed.customObject({
    key: 'order',
    title: 'Order',
    fields: [
      { key: 'amount', type: 'decimal' },
      { key: 'status', type: 'dropdown', options: [{ name: 'Paid', value: 'paid' }] },
      { key: 'customer', type: 'lookup', relationship_target_type: 'zen:user' }
    ],
    numberedNames
  })
}

const order = { name: 'Order 1', external_id: 'o-1', custom_object_fields: { amount: 12.5, status: 'paid' } }

export const customObjectContracts: Contract[] = [
  {
    route: 'GET custom_objects',
    answer: "the account's objects, all at once",
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim),
    request: { method: 'GET', path: 'custom_objects' },
    status: 200,
    body: { custom_objects: list(CUSTOM_OBJECT, 1) }
  },
  {
    route: 'GET custom_objects/:id/fields',
    answer: 'cursor page: the standard name and external ID fields first, then the lookup and other fields',
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim),
    request: { method: 'GET', path: 'custom_objects/order/fields?include_standard_fields=true&page[size]=100' },
    status: 200,
    body: {
      ...(cursorPage('custom_object_fields', 'object') as object),
      custom_object_fields: [
        NAME_FIELD,
        { ...(OBJECT_FIELD as object), key: is('standard::external_id') },
        OBJECT_FIELD,
        { ...(OBJECT_FIELD as object), custom_field_options: list({ name: 'string', value: 'string' }, 1) },
        LOOKUP_FIELD
      ]
    }
  },
  {
    route: 'GET custom_objects/:id/fields',
    answer: 'an object the account does not have: 404',
    source: 'assumed',
    request: { method: 'GET', path: 'custom_objects/nothing/fields' },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'PATCH custom_objects/:id/records',
    answer: '?external_id= that no record has: 200, the record created with it',
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim),
    request: {
      method: 'PATCH',
      path: 'custom_objects/order/records?external_id=o-1',
      body: { custom_object_record: { name: 'Order 1', custom_object_fields: { amount: 12.5 } } }
    },
    status: 200,
    body: { custom_object_record: recordWith({ external_id: is('o-1'), name: is('Order 1') }) }
  },
  {
    route: 'PATCH custom_objects/:id/records',
    answer: '?external_id= of a record: 200, only what is given changed',
    source: 'documented',
    given: async ({ sim }) => {
      seedOrders(sim)
      sim.seed.customRecord('order', order)
    },
    request: {
      method: 'PATCH',
      path: 'custom_objects/order/records?external_id=o-1',
      body: { custom_object_record: { custom_object_fields: { amount: 20 } } }
    },
    status: 200,
    body: {
      custom_object_record: recordWith({
        name: is('Order 1'),
        custom_object_fields: { amount: 20, status: is('paid') }
      })
    }
  },
  {
    route: 'PATCH custom_objects/:id/records',
    answer: 'a value of the wrong type: 422 RecordInvalid on that field',
    source: 'assumed',
    given: async ({ sim }) => seedOrders(sim),
    request: {
      method: 'PATCH',
      path: 'custom_objects/order/records?external_id=o-1',
      body: { custom_object_record: { name: 'Order 1', custom_object_fields: { amount: 'lots' } } }
    },
    status: 422,
    body: recordInvalid('amount', 'InvalidValue')
  },
  {
    route: 'PATCH custom_objects/:id/records',
    answer: 'a name for an object whose names are numbered: 422',
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim, { prefix: 'ORD-', padding: 4 }),
    request: {
      method: 'PATCH',
      path: 'custom_objects/order/records?external_id=o-1',
      body: { custom_object_record: { name: 'Order 1', custom_object_fields: {} } }
    },
    status: 422,
    body: recordInvalid('name', 'InvalidValue')
  },
  {
    route: 'POST custom_objects/:id/records',
    answer: 'Create Custom Object Record: 201 with the record',
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim),
    request: { method: 'POST', path: 'custom_objects/order/records', body: { custom_object_record: order } },
    status: 201,
    body: { custom_object_record: recordWith({ external_id: is('o-1') }) }
  },
  {
    route: 'POST custom_objects/:id/records',
    answer: 'numbered names: the record named by prefix and sequence',
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim, { prefix: 'ORD-', padding: 4 }),
    request: {
      method: 'POST',
      path: 'custom_objects/order/records',
      body: { custom_object_record: { external_id: 'o-1', custom_object_fields: {} } }
    },
    status: 201,
    body: { custom_object_record: recordWith({ name: is('ORD-0001') }) }
  },
  {
    route: 'POST custom_objects/:id/records',
    answer: 'an external_id another record has: 422 DuplicateValue on external_id',
    source: 'assumed',
    given: async ({ sim }) => {
      seedOrders(sim)
      sim.seed.customRecord('order', order)
    },
    request: { method: 'POST', path: 'custom_objects/order/records', body: { custom_object_record: order } },
    status: 422,
    body: recordInvalid('external_id', 'DuplicateValue')
  },
  {
    route: 'PATCH custom_objects/:id/records/:id',
    answer: 'Update Custom Object Record: 200 with the record',
    source: 'documented',
    given: async ({ sim }) => {
      seedOrders(sim)
      return { id: sim.seed.customRecord('order', order).id }
    },
    request: {
      method: 'PATCH',
      path: 'custom_objects/order/records/{id}',
      body: { custom_object_record: { custom_object_fields: { amount: 3 } } }
    },
    status: 200,
    body: { custom_object_record: recordWith({ external_id: is('o-1'), custom_object_fields: { amount: 3 } }) }
  },
  {
    route: 'PATCH custom_objects/:id/records/:id',
    answer: 'a record deleted meanwhile: 404',
    source: 'assumed',
    given: async ({ sim }) => seedOrders(sim),
    request: {
      method: 'PATCH',
      path: 'custom_objects/order/records/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      body: { custom_object_record: { custom_object_fields: { amount: 3 } } }
    },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'DELETE custom_objects/:id/records',
    answer: '?external_id= of a record: 204',
    source: 'documented',
    given: async ({ sim }) => {
      seedOrders(sim)
      sim.seed.customRecord('order', order)
    },
    request: { method: 'DELETE', path: 'custom_objects/order/records?external_id=o-1' },
    status: 204,
    content: 'none'
  },
  {
    route: 'DELETE custom_objects/:id/records',
    answer: '?external_id= that no record has: 404',
    source: 'assumed',
    given: async ({ sim }) => seedOrders(sim),
    request: { method: 'DELETE', path: 'custom_objects/order/records?external_id=o-1' },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'GET custom_objects/:id/records',
    answer: 'filter[external_ids]=: cursor page of the records that have them, compared with case',
    source: 'documented',
    given: async ({ sim }) => {
      seedOrders(sim)
      sim.seed.customRecord('order', order)
      sim.seed.customRecord('order', { ...order, name: 'Other', external_id: 'O-1' })
    },
    request: { method: 'GET', path: 'custom_objects/order/records?filter[external_ids]=o-1,o-2&page[size]=100' },
    status: 200,
    body: cursorPage('custom_object_records', recordWith({ external_id: is('o-1') }), 1)
  },
  {
    route: 'POST custom_objects/:id/records/search',
    answer: 'a filter on external_id: cursor page of the record',
    source: 'documented',
    given: async ({ sim }) => {
      seedOrders(sim)
      sim.seed.customRecord('order', { ...order, external_id: 'a,b' })
    },
    request: {
      method: 'POST',
      path: 'custom_objects/order/records/search',
      body: { filter: { external_id: { $eq: 'a,b' } } }
    },
    status: 200,
    body: cursorPage('custom_object_records', recordWith({ external_id: is('a,b') }), 1)
  },
  {
    route: 'POST custom_objects/:id/jobs',
    answer: 'a create_or_update_by_external_id job: 201 with the queued job',
    source: 'documented',
    given: async ({ sim }) => seedOrders(sim),
    request: {
      method: 'POST',
      path: 'custom_objects/order/jobs',
      body: { job: { action: 'create_or_update_by_external_id', items: [order] } }
    },
    status: 201,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'POST custom_objects/:id/jobs',
    answer: 'more than 100 items: 400 TooManyValues',
    source: 'assumed',
    given: async ({ sim }) => seedOrders(sim),
    request: {
      method: 'POST',
      path: 'custom_objects/order/jobs',
      body: { job: { action: 'delete_by_external_id', items: Array.from({ length: 101 }, (_, n) => `o-${n}`) } }
    },
    status: 400,
    body: { error: is('TooManyValues'), description: 'string' }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'a record job done: the records written, without index or status; a refused item {index, error, details}',
    source: 'assumed',
    given: async ({ sim, job }) => {
      seedOrders(sim)
      const items = [order, { ...order, external_id: 'o-2', custom_object_fields: { amount: 'lots' } }]
      return {
        job: await job('POST', 'custom_objects/order/jobs', {
          job: { action: 'create_or_update_by_external_id', items }
        })
      }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: {
      job_status: {
        ...(jobDone('object') as object),
        results: [
          recordWith({ external_id: is('o-1'), $absent: ['index', 'status'] }),
          { index: 1, error: is('RecordInvalid'), details: 'string' }
        ]
      }
    }
  }
]
