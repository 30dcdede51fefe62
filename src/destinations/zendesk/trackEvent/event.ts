import { PayloadValidationError } from '@segment/actions-core'
import type { ZendeskEvent } from '../client/events'
import { hasReference, type UserReference } from '../lookups/users'
import type { Payload } from './generated-types'
import { quote } from '../client/quote'
import { text } from '../fields/text'

/** Zendesk reserves this event source for its own events. */
const RESERVED_SOURCE = 'zendesk'

export function referenceOf(payload: Payload): UserReference {
  return { zendesk_user_id: payload.zendesk_user_id, external_id: payload.external_id, email: payload.email }
}

/** Checks what Zendesk would reject (or what would send the event nowhere) before any request is made. */
export function validate(payload: Payload): void {
  if (!hasReference(referenceOf(payload))) {
    throw new PayloadValidationError(
      'Track Event needs zendesk_user_id, external_id or email to find the Zendesk user, and all are empty (map context.zendesk_user_id, userId or properties.email).'
    )
  }
  const source = text(payload.source)
  if (!source) throw new PayloadValidationError('source is empty; Zendesk needs an event source such as "segment".')
  if (source.toLowerCase() === RESERVED_SOURCE) {
    throw new PayloadValidationError('source "zendesk" is reserved by Zendesk; choose another value, e.g. "segment".')
  }
  if (!text(payload.event_type)) throw new PayloadValidationError('event_type is empty (map the event name).')
  createdAt(payload.created_at)
}

/** ISO-8601 form of the event time, or undefined to let Zendesk use the time it receives the event. */
function createdAt(value: Payload['created_at']): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) {
    throw new PayloadValidationError(`created_at must be a date and time, got ${quote(value)}`)
  }
  return date.toISOString()
}

/** The Events API `event` for a validated payload. */
export function eventOf(payload: Payload): ZendeskEvent {
  const event: ZendeskEvent = {
    source: text(payload.source) as string,
    type: text(payload.event_type) as string,
    properties: payload.properties ?? {}
  }
  const description = text(payload.description)
  if (description) event.description = description
  const time = createdAt(payload.created_at)
  if (time) event.created_at = time
  return event
}
