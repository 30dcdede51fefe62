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
 * What a host received as one event: the event to run, or — when it can never be delivered — why, with what can
 * be said of it. Nothing runs a rejected one; it is recorded and answered as rejected at once.
 */
export type ReceivedEvent =
  | { event: SegmentEvent; rejected?: undefined }
  | { event?: undefined; rejected: string; messageId: string; type?: string; description: string }

/**
 * Why actions-core can never run this event, or undefined. It reads `context.personas` of every event before the
 * destination runs and fails on a null there (a TypeError, the same on every try).
 */
export function undeliverableBecause(event: SegmentEvent): string | undefined {
  const { context } = event as { context?: unknown }
  const path =
    context === null ? 'context' : isObject(context) && context.personas === null ? 'context.personas' : undefined
  if (path === undefined) return undefined
  return `${path} is null: Segment's spec makes it an object, and actions-core cannot run an event whose ${path} is null (it reads context.personas before any action). Send an object, or leave ${path} out.`
}

/** An event received on its own (`/v1/identify`, …): one that is not an object is a bad request (EventInputError). */
export function receiveEvent(input: unknown, type: EventType, now = new Date()): ReceivedEvent {
  return judged(normaliseEvent(input, type, now))
}

/**
 * The events of a `/v1/batch` body `{ batch: [...] }`, each judged alone: an element that is not an event, or that
 * can never be delivered, is rejected without touching the others. As in Segment's batch API, a top-level `context`
 * and `integrations` apply to every event, under the event's own values.
 */
export function receiveBatch(body: unknown, now = new Date()): ReceivedEvent[] {
  if (!isObject(body) || !Array.isArray(body.batch)) {
    throw new EventInputError('A batch is a JSON object { "batch": [ event, … ] }.')
  }
  const shared = { context: body.context, integrations: body.integrations }
  return body.batch.map((item, index) => {
    const at = `batch[${index}]`
    if (!isObject(item)) {
      const what = item === null ? 'null' : Array.isArray(item) ? 'a list' : `a ${typeof item}`
      return rejectedElement(at, `${at} is ${what}, not an event: each element of "batch" is a JSON object.`)
    }
    const merged: JsonObject = { ...item }
    for (const [key, value] of Object.entries(shared)) {
      if (isObject(value)) merged[key] = { ...value, ...(isObject(item[key]) ? item[key] : {}) }
    }
    try {
      return judged(normaliseEvent(merged, undefined, now))
    } catch (error) {
      return rejectedElement(at, `${at}: ${(error as Error).message}`, merged)
    }
  })
}

function judged(event: SegmentEvent): ReceivedEvent {
  const rejected = undeliverableBecause(event)
  if (rejected === undefined) return { event }
  return { rejected, messageId: String(event.messageId), type: event.type, description: describeEvent(event) }
}

/** A batch element that is no event: its own messageId when it has one, else one made up as for any event. */
function rejectedElement(at: string, rejected: string, item?: JsonObject): ReceivedEvent {
  const messageId = typeof item?.messageId === 'string' && item.messageId ? item.messageId : `api-${randomUUID()}`
  return { rejected, messageId, description: at }
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
