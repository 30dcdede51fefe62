import { randomUUID } from 'crypto'
import type { SegmentEvent } from '@segment/actions-core'
import { isObject } from './objects'

export type EventType = 'identify' | 'track' | 'group'

export class EventInputError extends Error {}

type JsonObject = Record<string, unknown>

/**
 * What Segment's tracking API adds to an event it receives: a `messageId` and a `timestamp` when the sender gave
 * none, and `receivedAt`. `type` comes from the route (`/v1/identify`) when one is given.
 */
export function normaliseEvent(input: unknown, type?: EventType, now = new Date()): SegmentEvent {
  if (!isObject(input)) throw new EventInputError('An event is a JSON object.')
  const event: JsonObject = { ...input }
  if (type) event.type = type
  if (typeof event.type !== 'string' || event.type.trim() === '') {
    throw new EventInputError('An event needs a "type" (identify, track, group, …).')
  }
  if (typeof event.messageId !== 'string' || event.messageId === '') event.messageId = `api-${randomUUID()}`
  if (typeof event.timestamp !== 'string' || event.timestamp === '') event.timestamp = now.toISOString()
  event.receivedAt = now.toISOString()
  return event as unknown as SegmentEvent
}

/**
 * The events of a `/v1/batch` body `{ batch: [...] }`. As in Segment's batch API, a top-level `context` and
 * `integrations` apply to every event, under the event's own values.
 */
export function normaliseBatch(body: unknown, now = new Date()): SegmentEvent[] {
  if (!isObject(body) || !Array.isArray(body.batch)) {
    throw new EventInputError('A batch is a JSON object { "batch": [ event, … ] }.')
  }
  const shared = { context: body.context, integrations: body.integrations }
  return body.batch.map((item, index) => {
    if (!isObject(item)) throw new EventInputError(`batch[${index}] is not a JSON object.`)
    const merged: JsonObject = { ...item }
    for (const [key, value] of Object.entries(shared)) {
      if (isObject(value)) merged[key] = { ...value, ...(isObject(item[key]) ? item[key] : {}) }
    }
    try {
      return normaliseEvent(merged, undefined, now)
    } catch (error) {
      throw new EventInputError(`batch[${index}]: ${(error as Error).message}`)
    }
  })
}

/** A short description of an event for reports, e.g. `identify userId=12345` or `track "Article Read"`. */
export function describeEvent(event: SegmentEvent): string {
  const parts: string[] = [event.type]
  if (event.type === 'track' && event.event) parts.push(JSON.stringify(event.event))
  if (event.type === 'group' && event.groupId) parts.push(`groupId=${event.groupId}`)
  if (event.userId) parts.push(`userId=${event.userId}`)
  else if (event.anonymousId) parts.push(`anonymousId=${event.anonymousId}`)
  return parts.join(' ')
}
