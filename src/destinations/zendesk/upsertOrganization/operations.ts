import type { JSONLikeObject } from '@segment/actions-core'
import { deleteByIds } from '../batch/deletes'
import { withMessagePrefix, type Settled } from '../batch/results'
import type { ZendeskClient } from '../client'
import { BULK_LIMIT } from '../client/constants'
import { describeOrganization, externalIdKey } from '../client/organizations'
import { BatchLookups } from '../lookups/batch-lookups'
import { findUserIds, type UserReference } from '../lookups/users'
import { forgetOrganization, rememberOrganization } from '../lookups/organizations'
import type { PipelineContext } from '../batch/pipeline'
import { addMemberships, type MembershipAdd } from '../memberships/memberships'
import type { Payload } from './generated-types'
import { memberOf } from './organization-input'
import { describeNotSent, type OrganizationFieldPlan } from './organization-fields'

export type UpsertStatus = 'Created' | 'Updated'

/** An event whose organization Zendesk saved: what remains is its result, and its member. */
export interface SavedEvent {
  payload: Payload
  externalId: string
  saved: { id?: number; status: UpsertStatus }
  fields: OrganizationFieldPlan
}

/**
 * Deletes the organizations with these external_ids, one result per external_id in order: they are looked up
 * together (`show_many`, 100 per request), and the ones found deleted in `destroy_many` jobs of up to `size` (one
 * DELETE each when too few to pay for a job). One that does not exist, or no longer does, is already as asked.
 * Each is forgotten from the id cache once Zendesk said where it stands.
 */
export async function deleteOrganizations(
  client: ZendeskClient,
  externalIds: readonly string[],
  size: number
): Promise<Settled<JSONLikeObject>[]> {
  const found = await new BatchLookups().listed(
    externalIds,
    BULK_LIMIT,
    (list) => client.organizations.findManyByExternalIds(list),
    (externalId) => client.organizations.findByExternalId(externalId)
  )
  const lookupOf = (externalId: string) => found.get(externalIdKey(externalId))!
  const ids = externalIds.flatMap((externalId) => {
    const lookup = lookupOf(externalId)
    return lookup.ok && lookup.value ? [lookup.value.id] : []
  })
  const deleted = await deleteByIds(ids, size, {
    one: (id) => client.organizations.delete(id),
    many: (part) => client.organizations.destroyMany(part)
  })
  return externalIds.map((externalId) => {
    const lookup = lookupOf(externalId)
    if (!lookup.ok) return lookup
    forgetOrganization(client, externalId)
    if (!lookup.value) return { ok: true, value: { id: null, status: 'Not found, nothing to delete' } }
    const { id } = lookup.value
    const outcome = deleted.get(id)!
    return outcome.ok ? { ok: true, value: { id, status: 'Deleted' } } : outcome
  })
}

/**
 * The results of events whose organization Zendesk saved: the users they name are looked up together and made
 * members in bulk first. A user that does not exist yet fails its event although the organization is saved:
 * retryable while the event is young (the grace window), so the retry adds it, then final.
 */
export async function completeUpserts(
  client: ZendeskClient,
  events: SavedEvent[],
  clockOf: PipelineContext['clockOf']
): Promise<Settled<JSONLikeObject>[]> {
  const settled: Settled<JSONLikeObject>[] = events.map((event) => ({ ok: true, value: savedResult(client, event) }))
  const members: { position: number; member: UserReference }[] = []
  events.forEach((event, position) => {
    const member = memberOf(event.payload)
    if (member) members.push({ position, member })
  })
  const lookups = await findUserIds(
    client,
    members.map(({ member }) => member)
  )
  const adds: { position: number; add: MembershipAdd }[] = []
  members.forEach(({ position, member }, i) => {
    const lookup = lookups[i]
    const { externalId, saved } = events[position]
    if (!lookup.ok) {
      settled[position] = { ok: false, error: savedBut(lookup.error, events[position]) }
      return
    }
    const organization = { externalId, id: saved.id }
    const { payload } = events[position]
    const clock = clockOf('upsertOrganization', payload)
    adds.push({ position, add: { member: { ref: member, id: lookup.id }, organization, clock } })
  })
  const added = await addMemberships(
    client,
    adds.map(({ add }) => add)
  )
  added.forEach((outcome, i) => {
    const { position } = adds[i]
    const result = settled[position]
    if (!outcome.ok) settled[position] = { ok: false, error: savedBut(outcome.error, events[position]) }
    else if (result.ok) result.value.membership = outcome.value.membership
  })
  return settled
}

/** The result of a saved organization, whose id is remembered for the memberships that follow. */
function savedResult(client: ZendeskClient, { externalId, saved, fields }: SavedEvent): JSONLikeObject {
  if (saved.id !== undefined) rememberOrganization(client, externalId, saved.id)
  const body: JSONLikeObject = { id: saved.id ?? null, status: saved.status }
  if (fields.notSent.length) body.traits_not_sent = fields.notSent.map(describeNotSent)
  return body
}

/** A membership failure of an event whose organization was saved says so. */
function savedBut(error: unknown, { externalId, saved }: SavedEvent): unknown {
  return withMessagePrefix(error, `${describeOrganization(externalId)} was ${saved.status.toLowerCase()}, but: `)
}
