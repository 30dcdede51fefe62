import type { PipelineContext } from '../batch/pipeline'
import { BatchResults, mapWithConcurrency, statusOf } from '../batch/results'
import type { ZendeskClient } from '../client'
import { refusalOf } from '../client/errors'
import type { NewTicket, TicketCreation } from '../client/tickets'
import { quote } from '../client/quote'
import type { Payload } from './generated-types'
import { createdResult, draftOf, existingResult, replayedResult, Requesters, type TicketDraft } from './ticket'

/** Parallel duplicate checks and creates: well inside Zendesk's limits, yet not serial. */
const CONCURRENCY = 5
/** Refusal statuses of a create that may mean Zendesk has the ticket under its key with another body. */
const REFUSALS_TO_CHECK = new Set([400, 422])

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
type Creation = { ok: true; id?: number | null; replayed?: boolean } | { ok: false; error: unknown }

/**
 * Create Ticket for a batch (perform runs it on one payload). Every distinct external_id is looked up first: an
 * existing ticket is the result and nothing is created, and events of one batch with the same external_id create
 * one ticket. Requesters known by external_id are then looked up together, and each new ticket is one
 * `POST tickets` with an `Idempotency-Key` derived from the account and its external_id, so deliveries that race
 * (in this process or another) create it once. Tickets never go to `create_many`, which has no such key.
 */
export async function createTickets(
  client: ZendeskClient,
  payloads: Payload[],
  { clockOf }: PipelineContext
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const groups = draftGroups(results, clockOf)
  const fresh = await withoutDuplicates(client, groups, results)
  const requesters = new Requesters(client)
  const toCreate = await withRequesters(requesters, fresh, results)
  await mapWithConcurrency(toCreate, CONCURRENCY, async ({ group, ticket }) => {
    settle(results, group, await createForCurrentRequester(client, requesters, group, ticket))
  })
  return results
}

/**
 * Creates the ticket; where Zendesk refuses its requester and the requester's id came from the cache (the user
 * may have been deleted, and perhaps made again, since), the requester is looked up afresh and the ticket sent
 * once more.
 */
async function createForCurrentRequester(
  client: ZendeskClient,
  requesters: Requesters,
  { draft }: Group,
  ticket: NewTicket
): Promise<Creation> {
  const creation = await createOnce(client, ticket)
  if (creation.ok || !requesterRefused(creation.error) || !(await requesters.cachedId(draft.requester))) {
    return creation
  }
  try {
    return await createOnce(client, { ...ticket, ...(await requesters.refreshed(draft.requester, draft.clock)) })
  } catch (error) {
    return { ok: false, error }
  }
}

const requesterRefused = (error: unknown): boolean =>
  Object.keys(refusalOf(error)?.fields ?? {}).some((field) => field === 'requester' || field === 'requester_id')

/** Checks every payload (failures settle at once) and groups the valid ones by external_id, in batch order. */
function draftGroups(results: BatchResults<Payload>, clockOf: PipelineContext['clockOf']): Group[] {
  const groups = new Map<string, Group>()
  for (const [index, draft] of results.checkEach((payload) => draftOf(payload, clockOf('createTicket', payload)))) {
    const externalId = draft.ticket.external_id
    const known = groups.get(externalId)
    if (known) known.indexes.push(index)
    else groups.set(externalId, { externalId, indexes: [index], draft })
  }
  return [...groups.values()]
}

/** The groups no ticket has the external_id of yet; the others settle with the ticket found, or the lookup's error. */
async function withoutDuplicates(client: ZendeskClient, groups: Group[], results: BatchResults<Payload>) {
  const checked = await mapWithConcurrency(groups, CONCURRENCY, async (group) => {
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
async function withRequesters(requesters: Requesters, groups: Group[], results: BatchResults<Payload>) {
  await requesters.resolveAll(groups.map(({ draft }) => draft.requester))
  const toCreate: ToCreate[] = []
  for (const group of groups) {
    try {
      const requester = await requesters.fields(group.draft.requester, group.draft.clock)
      toCreate.push({ group, ticket: { ...group.draft.ticket, ...requester } })
    } catch (error) {
      settle(results, group, { ok: false, error })
    }
  }
  return toCreate
}

/**
 * One `POST tickets`. Where Zendesk refuses it other than for the ticket's fields (RecordInvalid), it may be
 * refusing a key used before with another body (two events with one external_id, a body built differently):
 * the ticket is looked up by external_id; found, it is the result and no second one is created; not found, the
 * refusal stands.
 */
async function createOnce(client: ZendeskClient, ticket: NewTicket): Promise<Creation> {
  let created: TicketCreation
  try {
    created = await client.tickets.create(ticket)
  } catch (error) {
    if (!REFUSALS_TO_CHECK.has(statusOf(error)) || refusalOf(error)?.error === 'RecordInvalid') {
      return { ok: false, error }
    }
    try {
      const existing = await client.tickets.findByExternalId(ticket.external_id)
      return existing.length ? { ok: true, id: existing[0].id, replayed: true } : { ok: false, error }
    } catch {
      return { ok: false, error }
    }
  }
  return { ok: true, id: created.ticket.id, replayed: created.replayed }
}

/** Settles every event of a group: the first created the ticket, the repeats report it. */
function settle(results: BatchResults<Payload>, { externalId, indexes }: Group, creation: Creation): void {
  if (!creation.ok) {
    indexes.forEach((index) => results.fail(index, creation.error))
    return
  }
  const [first, ...repeats] = indexes
  results.succeed(first, creation.replayed ? replayedResult(creation, externalId) : createdResult(creation, externalId))
  for (const index of repeats) {
    results.succeed(index, {
      id: creation.id ?? null,
      external_id: externalId,
      created: false,
      message: `An earlier event of this batch with external_id ${quote(externalId)} created ticket ${creation.id}, so no second ticket was created.`
    })
  }
}
