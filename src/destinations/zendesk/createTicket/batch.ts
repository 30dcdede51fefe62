import { BatchResults, chunk, mapWithConcurrency } from '../batch/results'
import type { ZendeskClient } from '../client'
import { followJob } from '../client/jobs'
import { describeTicket, type NewTicket } from '../client/tickets'
import type { Payload } from './generated-types'
import { createdResult, draftOf, existingResult, Requesters, type TicketDraft } from './ticket'
import { quote } from '../fields/quote'
import { bulkSize } from '../batch/fields'

/** Parallel duplicate checks and requester lookups: well inside Zendesk's list limits, yet not serial. */
const LOOKUP_CONCURRENCY = 5

/** The events of a batch that share one external_id: the first creates the ticket, the others report it. */
interface Group {
  externalId: string
  indexes: number[]
}

interface ToCreate {
  group: Group
  ticket: NewTicket
}

/**
 * Creates the batch's tickets with `tickets/create_many`, after the same duplicate check as a single event:
 * every distinct external_id is looked up first (an existing ticket is the result, nothing is created), and
 * events of one batch with the same external_id create one ticket.
 */
export async function createTicketsInBatch(client: ZendeskClient, payloads: Payload[]): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const groups = draftGroups(payloads, results)
  const requesters = new Requesters(client)
  await requesters.resolveAll([...groups.values()].map(({ draft }) => draft.requester))
  const prepared = await mapWithConcurrency([...groups.values()], LOOKUP_CONCURRENCY, async ({ group, draft }) => {
    try {
      const existing = await client.tickets.findByExternalId(group.externalId)
      if (existing.length) {
        const result = existingResult(existing, group.externalId)
        group.indexes.forEach((index) => results.succeed(index, result))
        return undefined
      }
      return { group, ticket: { ...draft.ticket, ...(await requesters.fields(draft.requester)) } }
    } catch (error) {
      group.indexes.forEach((index) => results.fail(index, error))
      return undefined
    }
  })
  const toCreate = prepared.filter((item): item is ToCreate => item !== undefined)
  const size = bulkSize(payloads)
  for (const part of chunk(toCreate, size)) await createChunk(client, part, results)
  return results
}

/** Checks every payload (failures settle at once) and groups the valid ones by external_id, in batch order. */
function draftGroups(payloads: Payload[], results: BatchResults<Payload>) {
  const groups = new Map<string, { group: Group; draft: TicketDraft }>()
  payloads.forEach((payload, index) => {
    try {
      const draft = draftOf(payload)
      const known = groups.get(draft.ticket.external_id)
      if (known) known.group.indexes.push(index)
      else
        groups.set(draft.ticket.external_id, {
          group: { externalId: draft.ticket.external_id, indexes: [index] },
          draft
        })
    } catch (error) {
      results.fail(index, error)
    }
  })
  return groups
}

async function createChunk(client: ZendeskClient, part: ToCreate[], results: BatchResults<Payload>): Promise<void> {
  let outcomes
  try {
    const job = await client.tickets.createMany(part.map((item) => item.ticket))
    outcomes = await followJob(client.http, job, part.length)
  } catch (error) {
    part.forEach(({ group }) => group.indexes.forEach((index) => results.fail(index, error)))
    return
  }
  outcomes.forEach((outcome, position) => {
    const { externalId, indexes } = part[position].group
    const [first, ...repeats] = indexes
    if (!outcome.ok) {
      outcome.error.message = `${describeTicket(externalId)}: ${outcome.error.message}`
      indexes.forEach((index) => results.fail(index, outcome.error))
      return
    }
    results.succeed(first, createdResult(outcome, externalId))
    for (const index of repeats) {
      results.succeed(index, {
        id: outcome.id ?? null,
        external_id: externalId,
        created: false,
        message: `An earlier event of this batch with external_id ${quote(externalId)} created ticket ${outcome.id}, so no second ticket was created.`
      })
    }
  })
}
