import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { runsPipeline } from '../batch/pipeline'
import { syncModesOf } from '../batch/sync-modes'
import { dynamicFieldsOf } from '../fields/dynamic-fields'
import type { Instance } from '../instance'
import { fields } from './fields'
import { upsertCustomObjectRecords } from './upsert-records'

/**
 * Not a preset: the records go to an object the user picks, for the event they name (the default subscription is
 * a suggestion for the subscription they add).
 */
export default function upsertCustomObjectRecord(instance: Instance): ActionDefinition<Settings, Payload> {
  const dynamic = dynamicFieldsOf(instance)
  return {
    title: 'Upsert Custom Object Record',
    description:
      "Create or update a record of a Zendesk custom object (an order, a subscription, a device), found by its external ID, with its fields checked against the object's; lookup fields point at the user or organization the event names.",
    defaultSubscription: 'type = "track" and event = "Order Completed"',
    fields,
    syncMode: syncModesOf('records', 'Delete records'),
    dynamicFields: {
      custom_object_key: dynamic.customObjectChoices,
      custom_object_fields: dynamic.customObjectFields
    },
    ...runsPipeline(instance, upsertCustomObjectRecords)
  }
}
