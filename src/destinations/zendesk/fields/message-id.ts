import type { InputField } from '@segment/actions-core'

/**
 * `message_id`: what makes a write that is not an upsert safe to repeat. actions-core runs an event again after
 * renewing the connection, and hosts redeliver; what Zendesk accepted lately for this id is not sent again.
 */
export function messageIdField(written: string): InputField {
  return {
    label: 'Message ID',
    description: `The event's unique id. ${written} that Zendesk accepted for this id in the last 10 minutes is not sent again, so an event delivered twice (retried by the host, or run again after the Zendesk connection was renewed) is written once. Empty: always sent. Default: messageId.`,
    type: 'string',
    default: { '@path': '$.messageId' }
  }
}
