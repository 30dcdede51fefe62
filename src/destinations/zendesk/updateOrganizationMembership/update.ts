import { PayloadValidationError } from '@segment/actions-core'
import type { Payload } from './generated-types'
import { eachAlone } from '../batch/bulk-writes'
import { BatchResults } from '../batch/results'
import { planRounds } from '../batch/rounds'
import type { ZendeskClient } from '../client'
import { idSegment } from '../client/http'
import { externalIdKey } from '../client/organizations'
import { text } from '../fields/text'
import { findOrganizations, type OrganizationTarget } from '../lookups/organizations'
import type { EventClock } from '../batch/grace'
import type { PipelineContext } from '../batch/pipeline'
import { findUserIds, hasReference, type UserReference } from '../lookups/users'
import { addMemberships, removeMembership, type Member } from '../memberships/memberships'

const CONCURRENCY = 4

interface Change {
  organizationExternalId: string
  user: UserReference
  remove: boolean
  clock: EventClock
}

/** One event's membership change, its user looked up and its organization found (or not). */
interface Membership {
  index: number
  remove: boolean
  member: Member
  organization: OrganizationTarget
  clock: EventClock
}

function validate(payload: Payload, clock: EventClock): Change {
  const organizationExternalId = text(payload.organization_external_id)
  if (!organizationExternalId) {
    throw new PayloadValidationError(
      'Update Organization Membership needs organization_external_id (traits.company.id), and it is empty.'
    )
  }
  const user = { zendesk_user_id: payload.zendesk_user_id, external_id: payload.external_id, email: payload.email }
  if (text(payload.zendesk_user_id)) idSegment(payload.zendesk_user_id, 'zendesk_user_id')
  if (!hasReference(user)) {
    throw new PayloadValidationError(
      'Update Organization Membership needs a user: zendesk_user_id (context.zendesk_user_id), external_id (userId) or email (traits.email), and all are empty.'
    )
  }
  return { organizationExternalId, user, remove: payload.remove === true, clock }
}

/**
 * Update Organization Membership for a batch (perform runs it on one payload): the organizations are looked up
 * together (cached, `show_many`), then the users that matter, then the changes are applied. One result per
 * event: the organization's id and what happened to the membership, or the event's own error.
 */
export async function updateMemberships(
  client: ZendeskClient,
  payloads: Payload[],
  { clockOf }: PipelineContext
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const changes = results.checkEach((payload) => validate(payload, clockOf('updateOrganizationMembership', payload)))
  const organizations = await findOrganizations(
    client,
    [...changes.values()].map((change) => change.organizationExternalId)
  )
  const found: (Change & { index: number; organization: OrganizationTarget })[] = []
  for (const [index, change] of changes) {
    const organization = organizations.get(externalIdKey(change.organizationExternalId))!
    if (organization.ok) found.push({ ...change, index, organization: organization.value })
    else results.fail(index, organization.error)
  }
  // A remove from an organization Zendesk does not have needs no user: there is nothing to remove.
  const needUser = found.filter((change) => !change.remove || change.organization.id !== undefined)
  const lookups = await findUserIds(
    client,
    needUser.map((change) => change.user)
  )
  const userOf = new Map(needUser.map((change, position) => [change.index, lookups[position]]))
  const memberships: Membership[] = []
  for (const { index, remove, user, organization, clock } of found) {
    const lookup = userOf.get(index) ?? { ok: true, id: undefined }
    if (lookup.ok) {
      const member = { ref: user, id: lookup.id, cached: lookup.cached }
      memberships.push({ index, remove, member, organization, clock })
    } else results.fail(index, lookup.error)
  }
  await apply(client, memberships, results)
  return results
}

/**
 * The adds of a round in bulk, the removes one DELETE each. The changes of one user in one organization run in
 * batch order, one per round, so an add followed by a remove ends removed.
 */
async function apply(client: ZendeskClient, memberships: Membership[], results: BatchResults<Payload>): Promise<void> {
  for (const round of rounds(memberships)) {
    const adds = round.filter((m) => !m.remove)
    const removes = round.filter((m) => m.remove)
    const [added, removed] = await Promise.all([
      addMemberships(client, adds),
      eachAlone(removes, ({ member, organization }) => removeMembership(client, member, organization), CONCURRENCY)
    ])
    adds.forEach(({ index }, position) => results.settle(index, added[position]))
    removes.forEach(({ index }, position) => results.settle(index, removed[position]))
  }
}

/** Round n holds the n-th change of every (user, organization) pair; a user Zendesk lacks changes nothing. */
function rounds(memberships: Membership[]): Membership[][] {
  const pairOf = (position: number) => {
    const { member, organization, index } = memberships[position]
    return member.id === undefined ? `event ${index}` : `${member.id} ${externalIdKey(organization.externalId)}`
  }
  const planned = planRounds(memberships.keys(), pairOf, () => false)
  return planned.map((round) => round.map(([position]) => memberships[position]))
}
