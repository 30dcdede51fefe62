import { bulkSize } from '../batch/fields'
import { BatchResults, chunk, mapWithConcurrency, type Settled } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { TicketChanges } from '../client/tickets'
import type { Payload } from './generated-types'
import { ticketWithExternalId, updatedResult, updateDraftOf, type ResolvedTicket, type UpdateDraft } from './target'
import { FEWEST_FOR_A_JOB } from '../client/constants'

/** Parallel external_id lookups: well inside Zendesk's list limits, yet not serial. */
const LOOKUP_CONCURRENCY = 5
interface ToUpdate {
  index: number
  ticket: ResolvedTicket
  changes: TicketChanges
  messageId?: string
}

/**
 * Update Ticket for a batch (perform runs it on one payload). Each distinct external_id is looked up once; an
 * unknown one fails only the events that name it. The updates go as one `PUT tickets/{id}` each when there are
 * too few to pay for a job, else to `tickets/update_many` (`{"tickets":[{id, ...}]}`) in jobs of up to 100.
 */
export async function updateTickets(client: ZendeskClient, payloads: Payload[]): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const drafts = results.checkEach(updateDraftOf)
  const toUpdate = await resolved(client, drafts, results)
  if (toUpdate.length < FEWEST_FOR_A_JOB) await updateOneByOne(client, toUpdate, results)
  else for (const part of chunk(toUpdate, bulkSize(payloads))) await updateInJob(client, part, results)
  return results
}

/** The ticket of every draft: ticket_ids as given, external_ids looked up (each once); a failed lookup fails its events. */
async function resolved(
  client: ZendeskClient,
  drafts: Map<number, UpdateDraft>,
  results: BatchResults<Payload>
): Promise<ToUpdate[]> {
  const externalIds = [
    ...new Set([...drafts.values()].flatMap(({ ref }) => (ref.kind === 'external_id' ? [ref.externalId] : [])))
  ]
  const found = new Map<string, Settled<ResolvedTicket>>()
  await mapWithConcurrency(externalIds, LOOKUP_CONCURRENCY, async (externalId) => {
    try {
      found.set(externalId, { ok: true, value: await ticketWithExternalId(client, externalId) })
    } catch (error) {
      found.set(externalId, { ok: false, error })
    }
  })
  const toUpdate: ToUpdate[] = []
  for (const [index, { ref, changes, messageId }] of drafts) {
    const lookup: Settled<ResolvedTicket> =
      ref.kind === 'id' ? { ok: true, value: { id: ref.id } } : found.get(ref.externalId)!
    if (lookup.ok) toUpdate.push({ index, ticket: lookup.value, changes, messageId })
    else results.fail(index, lookup.error)
  }
  return toUpdate
}

/** One `PUT tickets/{id}` per ticket, one at a time. */
async function updateOneByOne(client: ZendeskClient, toUpdate: ToUpdate[], results: BatchResults<Payload>) {
  await mapWithConcurrency(toUpdate, 1, async ({ index, ticket, changes, messageId }) => {
    try {
      await client.tickets.update(ticket.id, changes, messageId)
      results.succeed(index, updatedResult(ticket))
    } catch (error) {
      results.fail(index, error)
    }
  })
}

async function updateInJob(client: ZendeskClient, part: ToUpdate[], results: BatchResults<Payload>) {
  let outcomes
  try {
    outcomes = await client.tickets.updateMany(
      part.map(({ ticket, changes }) => ({ id: ticket.id, ...changes })),
      part.map(({ messageId }) => messageId)
    )
  } catch (error) {
    part.forEach(({ index }) => results.fail(index, error))
    return
  }
  outcomes.forEach((outcome, position) => {
    const { index, ticket } = part[position]
    if (outcome.ok) {
      results.succeed(index, updatedResult(ticket))
    } else {
      outcome.error.message = `ticket ${ticket.id}: ${outcome.error.message}`
      results.fail(index, outcome.error)
    }
  })
}
