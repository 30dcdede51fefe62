import type { Payload } from './generated-types'
import { BatchResults, mapWithConcurrency } from '../batch/results'
import type { ZendeskClient } from '../client'
import { eventOf, referenceOf, validate } from './event'
import { EventRecipients } from './recipients'
import { eventClockOf } from '../lookups/grace'
import { text } from '../fields/text'

/** Parallel event requests per batch: well inside Zendesk's per-minute limits, yet a batch of 100 is not serial. */
const CONCURRENCY = 5

/**
 * Track Event for a batch (perform runs it on one payload): every distinct user is looked up once, together,
 * then the events are sent a few at a time. One result per event: the user's id and Zendesk's receipt status,
 * or the event's own error.
 */
export async function trackEvents(client: ZendeskClient, payloads: Payload[]): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const indexes = [...results.checkEach(validate).keys()]
  const recipients = new EventRecipients(client)
  await recipients.resolveAll(indexes.map((index) => referenceOf(payloads[index])))
  await mapWithConcurrency(indexes, CONCURRENCY, async (index) => {
    try {
      const payload = payloads[index]
      const clock = eventClockOf('trackEvent', client.account, payload, payload.received_at)
      const messageId = text(payload.message_id)
      const { userId, receipt } = await recipients.send(referenceOf(payload), eventOf(payload), clock, messageId)
      results.succeed(index, { user_id: userId, status: receipt.status ?? null })
    } catch (error) {
      results.fail(index, error)
    }
  })
  return results
}
