import { defaultValues } from '@segment/actions-core'
import definition from '../../src'
import type { NewCustomObject, RunningSimulator } from '../../src/simulator'

export const CUSTOM_OBJECT_ACTION = 'upsertCustomObjectRecord'

/**
 * The mapping a user gives Upsert Custom Object Record for orders: the action's defaults, the `order` object, its
 * amount and status from the properties and its customer from the userId; `mapping` changes any of it.
 */
export function orderMapping(mapping: Record<string, unknown> = {}, syncMode?: string): Record<string, unknown> {
  return {
    ...defaultValues(definition.actions[CUSTOM_OBJECT_ACTION].fields),
    custom_object_key: 'order',
    custom_object_fields: {
      amount: { '@path': '$.properties.total' },
      status: { '@path': '$.properties.status' },
      customer: { '@path': '$.userId' }
    },
    ...mapping,
    ...(syncMode ? { __segment_internal_sync_mode: syncMode } : {})
  }
}

/** The subscription a user adds for "Order Completed" events (the action is no preset). */
export function orderSubscription(mapping: Record<string, unknown> = {}, syncMode?: string) {
  return {
    partnerAction: CUSTOM_OBJECT_ACTION,
    subscribe: definition.actions[CUSTOM_OBJECT_ACTION].defaultSubscription!,
    mapping: orderMapping(mapping, syncMode)
  }
}

/**
 * An `order` object as an admin would make it: an amount, a status drop-down, a lookup to the customer user, and
 * `more` fields.
 */
export function seedOrderObject(simulator: RunningSimulator, more: NonNullable<NewCustomObject['fields']> = []): void {
  simulator.seed.customObject({
    key: 'order',
    title: 'Order',
    fields: [
      { key: 'amount', type: 'decimal' },
      { key: 'status', type: 'dropdown', options: ['pending', 'paid', 'shipped'].map((v) => ({ name: v, value: v })) },
      { key: 'customer', type: 'lookup', relationship_target_type: 'zen:user' },
      ...more
    ]
  })
}
