import type { InputField } from '@segment/actions-core'

/**
 * `received_at`: when the CDP received the event, the clock of the grace window (batch/grace.ts) for a user
 * or organization the event needs and Zendesk does not have yet. `receivedAt`, else the event's `timestamp`.
 */
export function receivedAtField(needs: string): InputField {
  return {
    label: 'Received At',
    description: `When the CDP received the event. While the event is less than 15 minutes old, ${needs} that Zendesk does not have yet is retried (the identify or group that creates it may still be on its way); after that it is a final error. Default: receivedAt, else timestamp.`,
    type: 'datetime',
    default: {
      '@if': {
        exists: { '@path': '$.receivedAt' },
        then: { '@path': '$.receivedAt' },
        else: { '@path': '$.timestamp' }
      }
    }
  }
}
