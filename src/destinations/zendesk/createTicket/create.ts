import { bulkSize } from '../batch/fields'
import { BatchResults, chunk, mapWithConcurrency } from '../batch/results'
import type { ZendeskClient } from '../client'
import { describeTicket, type NewTicket } from '../client/tickets'
import { quote } from '../fields/quote'
import type { Payload } from './generated-types'
import { createdResult, draftOf, existingResult, Requesters, type TicketDraft } from './ticket'
import { FEWEST_FOR_A_JOB } from '../client/constants'

/** Parallel duplicate checks: well inside Zendesk's list limits, yet not serial. */
const LOOKUP_CONCURRENCY = 5
/** The events of a batch that share one external_id: the first creates the ticket, the others report it. */
interface Group {
  externalId: string
  indexes: number[]
  draft: TicketDraft
}

interface ToCreate {
  group: Group
  ticket: NewTicket
}

/** What creating one group's ticket gave. */
type Creation = { ok: true; id?: number | null } | { ok: false; error: unknown }

/**
 * Create Ticket for a batch (perform runs it on one payload). Every distinct external_id is looked up first: an
 * existing ticket is the result and nothing is created, and events of one batch with the same external_id create
 * one ticket. Requesters known by external_id are then looked up together, and the new tickets go as one
 * `POST tickets` each when there are too few to pay for a job, else to `tickets/create_many` in jobs of up to 100.
 */
export async function createTickets(client: ZendeskClient, payloads: Payload[]): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const groups = draftGroups(results)
  const fresh = await withoutDuplicates(client, groups, results)
  const toCreate = await withRequesters(client, fresh, results)
  if (toCreate.length < FEWEST_FOR_A_JOB) await createOneByOne(client, toCreate, results)
  else for (const part of chunk(toCreate, bulkSize(payloads))) await createInJob(client, part, results)
  return results
}

/** Checks every payload (failures settle at once) and groups the valid ones by external_id, in batch order. */
function draftGroups(results: BatchResults<Payload>): Group[] {
  const groups = new Map<string, Group>()
  for (const [index, draft] of results.checkEach(draftOf)) {
    const externalId = draft.ticket.external_id
    const known = groups.get(externalId)
    if (known) known.indexes.push(index)
    else groups.set(externalId, { externalId, indexes: [index], draft })
  }
  return [...groups.values()]
}

/** The groups no ticket has the external_id of yet; the others settle with the ticket found, or the lookup's error. */
async function withoutDuplicates(client: ZendeskClient, groups: Group[], results: BatchResults<Payload>) {
  const checked = await mapWithConcurrency(groups, LOOKUP_CONCURRENCY, async (group) => {
    try {
      const existing = await client.tickets.findByExternalId(group.externalId)
      if (!existing.length) return group
      const result = existingResult(existing, group.externalId)
      group.indexes.forEach((index) => results.succeed(index, result))
    } catch (error) {
      group.indexes.forEach((index) => results.fail(index, error))
    }
    return undefined
  })
  return checked.filter((group): group is Group => group !== undefined)
}

/** The tickets to create, with their requesters; a requester that cannot be resolved fails its group. */
async function withRequesters(client: ZendeskClient, groups: Group[], results: BatchResults<Payload>) {
  const requesters = new Requesters(client)
  await requesters.resolveAll(groups.map(({ draft }) => draft.requester))
  const toCreate: ToCreate[] = []
  for (const group of groups) {
    try {
      toCreate.push({ group, ticket: { ...group.draft.ticket, ...(await requesters.fields(group.draft.requester)) } })
    } catch (error) {
      settle(results, group, { ok: false, error })
    }
  }
  return toCreate
}

/** One `POST tickets` per ticket, one at a time. */
async function createOneByOne(client: ZendeskClient, toCreate: ToCreate[], results: BatchResults<Payload>) {
  await mapWithConcurrency(toCreate, 1, async ({ group, ticket }) => {
    try {
      const created = await client.tickets.create(ticket)
      settle(results, group, { ok: true, id: created.id })
    } catch (error) {
      settle(results, group, { ok: false, error })
    }
  })
}

async function createInJob(client: ZendeskClient, part: ToCreate[], results: BatchResults<Payload>) {
  let outcomes
  try {
    outcomes = await client.tickets.createMany(part.map((item) => item.ticket))
  } catch (error) {
    part.forEach(({ group }) => settle(results, group, { ok: false, error }))
    return
  }
  outcomes.forEach((outcome, position) => {
    const { group } = part[position]
    if (!outcome.ok) outcome.error.message = `${describeTicket(group.externalId)}: ${outcome.error.message}`
    settle(results, group, outcome)
  })
}

/** Settles every event of a group: the first created the ticket, the repeats report it. */
function settle(results: BatchResults<Payload>, { externalId, indexes }: Group, creation: Creation): void {
  if (!creation.ok) {
    indexes.forEach((index) => results.fail(index, creation.error))
    return
  }
  const [first, ...repeats] = indexes
  results.succeed(first, createdResult(creation, externalId))
  for (const index of repeats) {
    results.succeed(index, {
      id: creation.id ?? null,
      external_id: externalId,
      created: false,
      message: `An earlier event of this batch with external_id ${quote(externalId)} created ticket ${creation.id}, so no second ticket was created.`
    })
  }
}
