import type { InputField } from '@segment/actions-core'
import { batchSizeField, enableBatchingField } from '../batch/fields'
import { receivedAtField } from '../fields/received-at'

export const fields: Record<string, InputField> = {
  custom_object_key: {
    label: 'Custom Object',
    description:
      "The key of the Zendesk custom object the records belong to, e.g. order: pick one of the account's objects. Required.",
    type: 'string',
    required: true,
    dynamic: true
  },
  external_id: {
    label: 'External ID',
    description:
      "Your ID for the record, stored as its Zendesk external ID: the record with this external ID is updated, or created when there is none, so a redelivered event writes the same record. Required. Default: properties.id, else the event's messageId.",
    type: 'string',
    required: true,
    default: {
      '@if': {
        exists: { '@path': '$.properties.id' },
        then: { '@path': '$.properties.id' },
        else: { '@path': '$.messageId' }
      }
    }
  },
  name: {
    label: 'Name',
    description:
      "The record's name, which Zendesk needs for a new record. Not sent to an object that numbers its records' names itself. Default: properties.name.",
    type: 'string',
    default: { '@path': '$.properties.name' }
  },
  custom_object_fields: {
    label: 'Record Fields',
    description:
      "Values for the object's fields, keyed by field key: pick the fields and, for drop-downs and checkboxes, their values from the account. Each value is checked against its field's type before anything is sent (text, true/false, whole or decimal numbers, YYYY-MM-DD dates, an option's value or name, a list of them for a multi-select); null clears a field. A lookup field to users or organizations takes an external ID (a user's also an email), e.g. userId, traits.email or context.groupId, and points at that user or organization. A key the object has no field for (as given, in snake_case or in camelCase) is not sent and is reported. Default: all properties.",
    type: 'object',
    additionalProperties: true,
    dynamic: true,
    default: { '@path': '$.properties' }
  },
  received_at: receivedAtField('a user or organization a lookup field points at'),
  enable_batching: enableBatchingField(
    "each object's records are written in jobs of up to 100 (one request for one or two), and the users and organizations of lookup fields are looked up together."
  ),
  batch_size: batchSizeField('records')
}
