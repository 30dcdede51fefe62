import { mapWithConcurrency, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import { externalIdKey } from '../client/organizations'
import type { OrganizationTarget } from '../lookups/organizations'
import { addMemberships, removeMembershipFor, type Member } from '../memberships/memberships'
import type { Payload } from './generated-types'

const CONCURRENCY = 4

/** One event's membership change, its user looked up and its organization found (or not). */
export interface Membership {
  index: number
  remove: boolean
  member: Member
  organization: OrganizationTarget
}

/**
 * Applies a batch's membership changes: the adds of a round in bulk, the removes one DELETE each. The changes
 * of one user in one organization run in batch order, one per round, so an add followed by a remove ends removed.
 */
export async function applyInBatch(
  client: ZendeskClient,
  memberships: Membership[],
  results: BatchResults<Payload>
): Promise<void> {
  for (const round of rounds(memberships)) {
    const adds = round.filter((m) => !m.remove)
    const removes = round.filter((m) => m.remove)
    await Promise.all([
      addMemberships(client, adds).then((settled) =>
        settled.forEach((outcome, position) => {
          if (outcome.ok) results.succeed(adds[position].index, outcome.value)
          else results.fail(adds[position].index, outcome.error)
        })
      ),
      mapWithConcurrency(removes, CONCURRENCY, async ({ index, member, organization }) => {
        try {
          results.succeed(index, await removeMembershipFor(client, member, organization))
        } catch (error) {
          results.fail(index, error)
        }
      })
    ])
  }
}

/** Round n holds the n-th change of every (user, organization) pair; a user Zendesk lacks changes nothing. */
function rounds(memberships: Membership[]): Membership[][] {
  const byPair = new Map<string, Membership[]>()
  for (const membership of memberships) {
    const { member, organization, index } = membership
    const pair = member.id === undefined ? `event ${index}` : `${member.id} ${externalIdKey(organization.externalId)}`
    byPair.set(pair, [...(byPair.get(pair) ?? []), membership])
  }
  const ordered: Membership[][] = []
  for (const changes of byPair.values()) {
    changes.forEach((change, position) => (ordered[position] ??= []).push(change))
  }
  return ordered
}
