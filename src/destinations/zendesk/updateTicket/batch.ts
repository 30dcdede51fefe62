import { BatchResults, chunk, mapWithConcurrency } from '../batch/results'
import type { ZendeskClient } from '../client'
import { followJob } from '../client/jobs'
import type { TicketUpdate } from '../client/tickets'
import type { Payload } from './generated-types'
import { resolveTicket, updatedResult, updateDraftOf, type ResolvedTicket, type UpdateDraft } from './target'
import { bulkSize } from '../batch/fields'

/** Parallel external_id lookups: well inside Zendesk's list limits, yet not serial. */
const LOOKUP_CONCURRENCY = 5

interface ToUpdate {
  index: number
  ticket: ResolvedTicket
  update: TicketUpdate
}

/**
 * Updates the batch's tickets with `tickets/update_many` (`{"tickets":[{id, ...}]}`) and follows its job.
 * Each distinct external_id is looked up once; an unknown one fails only the events that name it.
 */
export async function updateTicketsInBatch(client: ZendeskClient, payloads: Payload[]): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const drafts = new Map<number, UpdateDraft>()
  payloads.forEach((payload, index) => {
    try {
      drafts.set(index, updateDraftOf(payload))
    } catch (error) {
      results.fail(index, error)
    }
  })
  const lookups = new Map<string, Promise<ResolvedTicket>>()
  const resolve = (draft: UpdateDraft) => {
    if (draft.ref.kind === 'id') return resolveTicket(client, draft.ref)
    let lookup = lookups.get(draft.ref.externalId)
    if (!lookup) {
      lookup = resolveTicket(client, draft.ref)
      lookups.set(draft.ref.externalId, lookup)
    }
    return lookup
  }
  const resolved = await mapWithConcurrency([...drafts], LOOKUP_CONCURRENCY, async ([index, draft]) => {
    try {
      const ticket = await resolve(draft)
      return { index, ticket, update: { id: ticket.id, ...draft.changes } }
    } catch (error) {
      results.fail(index, error)
      return undefined
    }
  })
  const toUpdate = resolved.filter((item): item is ToUpdate => item !== undefined)
  const size = bulkSize(payloads)
  for (const part of chunk(toUpdate, size)) await updateChunk(client, part, results)
  return results
}

async function updateChunk(client: ZendeskClient, part: ToUpdate[], results: BatchResults<Payload>): Promise<void> {
  let outcomes
  try {
    const job = await client.tickets.updateMany(part.map((item) => item.update))
    outcomes = await followJob(client.http, job, part.length)
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
