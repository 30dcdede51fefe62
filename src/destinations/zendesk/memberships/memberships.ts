import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import { eachAlone, writeInBulk, type BulkWrite } from '../batch/bulk-writes'
import { inOrderOf, mapWithConcurrency, statusOf, type Settled } from '../batch/results'
import type { ZendeskClient } from '../client'
import { fieldRefused, refusalOf } from '../client/errors'
import { describeOrganization } from '../client/organizations'
import { BULK_LIMIT, MEMBERSHIP_PAGES_TO_CHECK } from '../client/constants'
import type { EventClock, MissingRecord } from '../batch/grace'
import { describeReference, findUserIdAfresh, forgetUser, type UserReference } from '../lookups/users'
import { forgetOrganization, refreshOrganization, type OrganizationTarget } from '../lookups/organizations'

export type AddOutcome = 'added' | 'already a member'
export type RemoveOutcome = 'removed' | 'not a member' | 'no such user' | 'no such organization'

/** What an event's membership change did: the organization's Zendesk id (null: none) and the outcome. */
export type MembershipResult<Outcome> = {
  organization_id: number | null
  membership: Outcome
}

/** A user reference and the Zendesk user id it resolved to (undefined: Zendesk has no such user). */
export interface Member {
  ref: UserReference
  id: number | undefined
  /** The id came from the cache: the user may have been deleted and made again under a new id since. */
  cached?: boolean
}

export interface MembershipAdd {
  member: Member
  organization: OrganizationTarget
  /** When the CDP received the event: a missing user or organization is retryable while it is young. */
  clock?: EventClock
}

const CONCURRENCY = 4
/** Zendesk's error codes for a membership that exists already (the exact duplicate answer is not documented). */
const DUPLICATE_CODES = new Set(['DuplicateValue', 'AlreadyExists', 'RecordNotUnique'])
/** Zendesk's error codes for a user or organization it does not have ("User cannot be blank", BlankValue). */
const MISSING_CODES = ['BlankValue', 'InvalidValue', 'NotFound', 'RecordNotFound']

const resultOf = <Outcome>(organization: OrganizationTarget, membership: Outcome): MembershipResult<Outcome> => ({
  organization_id: organization.id ?? null,
  membership
})

/** Ends the membership of a user already looked up; a missing user, organization or membership is success. */
export async function removeMembership(
  client: ZendeskClient,
  member: Member,
  organization: OrganizationTarget
): Promise<MembershipResult<RemoveOutcome>> {
  if (organization.id === undefined) return resultOf(organization, 'no such organization')
  if (member.id === undefined) return resultOf(organization, 'no such user')
  try {
    await client.organizations.removeMembership(member.id, organization.id)
    return resultOf(organization, 'removed')
  } catch (error) {
    if (statusOf(error) !== 404) throw error
    if (member.cached) {
      // The cached user may have been deleted and made again under a new id: ask which one is current.
      const fresh = await findUserIdAfresh(client, member.ref)
      if (!fresh.ok) throw fresh.error
      if (fresh.id !== member.id) return removeMembership(client, { ref: member.ref, id: fresh.id }, organization)
    }
    if (!organization.cached) return resultOf(organization, 'not a member')
    // The cached organization may have been deleted and made again under a new id: ask which one is current.
    const fresh = await refreshOrganization(client, organization.externalId)
    if (fresh.id === organization.id) return resultOf(fresh, 'not a member')
    return removeMembership(client, member, fresh)
  }
}

/**
 * Makes users already looked up members of organizations, one result per add in order; being one already is
 * success. A user or organization that does not exist yet is a RetryableError naming which while the event is
 * young (the event that creates it may still be on its way), then a final error saying what to send first. The
 * others are added in bulk (`membershipAdds`).
 */
export async function addMemberships(
  client: ZendeskClient,
  adds: readonly MembershipAdd[]
): Promise<Settled<MembershipResult<AddOutcome>>[]> {
  const isReady = (add: MembershipAdd) => add.member.id !== undefined && add.organization.id !== undefined
  const ready = adds.filter(isReady)
  const waiting = adds.filter((add) => !isReady(add))
  const added = await writeInBulk(ready, membershipAdds(client), { size: BULK_LIMIT })
  return inOrderOf(adds, [
    [ready, added],
    [waiting, waiting.map((add) => ({ ok: false, error: notYet(add) }))]
  ])
}

/**
 * Adds in `organization_memberships/create_many` jobs of up to 100, fewer than a job pays for as one POST each. A
 * refused submission (403, 429) is the refusal of each of its items. An item refused with a duplicate error code
 * is 'already a member'; the other refused items are checked against the organization's memberships, and those
 * still open are sent again alone: a job's refusals are not documented, and the single request's answer is
 * definitive.
 */
function membershipAdds(client: ZendeskClient): BulkWrite<MembershipAdd, MembershipResult<AddOutcome>> {
  return {
    job: async (adds) => {
      const memberships = adds.map(({ member, organization }) => ({
        user_id: member.id!,
        organization_id: organization.id!
      }))
      try {
        return await client.organizations.createManyMemberships(memberships)
      } catch (error) {
        return adds.map(() => ({ ok: false, error: error as Error }))
      }
    },
    written: ({ organization }) => resultOf(organization, 'added'),
    refused: ({ organization }, error) => {
      if (duplicate(error)) return { ok: true, value: resultOf(organization, 'already a member') }
      return error instanceof PayloadValidationError ? 'alone' : { ok: false, error }
    },
    alone: async (adds, why) => {
      const members = why === 'refused by the job' ? await membersAlready(client, adds) : []
      const open = adds.filter((add) => !members.includes(add))
      return inOrderOf(adds, [
        [members, members.map(({ organization }) => ({ ok: true, value: resultOf(organization, 'already a member') }))],
        [open, await eachAlone(open, (add) => addFor(client, add), CONCURRENCY)]
      ])
    }
  }
}

/**
 * The refused job items whose user already is a member, read from the first pages of each organization's
 * memberships (repeated identifies make these the usual refusal). What the pages do not show is sent alone.
 */
async function membersAlready(client: ZendeskClient, refused: MembershipAdd[]): Promise<MembershipAdd[]> {
  const byOrganization = new Map<number, MembershipAdd[]>()
  for (const add of refused) {
    const organizationId = add.organization.id!
    byOrganization.set(organizationId, [...(byOrganization.get(organizationId) ?? []), add])
  }
  const members: MembershipAdd[] = []
  await mapWithConcurrency([...byOrganization], CONCURRENCY, async ([organizationId, adds]) => {
    try {
      const memberships = await client.organizations.membershipsOfOrganization(
        organizationId,
        MEMBERSHIP_PAGES_TO_CHECK
      )
      const userIds = new Set(memberships.map((membership) => membership.user_id))
      members.push(...adds.filter((add) => userIds.has(add.member.id!)))
    } catch {
      // Each refused item is then sent alone, whose answer settles it.
    }
  })
  return members
}

async function addFor(client: ZendeskClient, add: MembershipAdd): Promise<MembershipResult<AddOutcome>> {
  const { member, organization } = add
  if (member.id === undefined || organization.id === undefined) throw notYet(add)
  try {
    await client.organizations.addMembership(member.id, organization.id)
    return resultOf(organization, 'added')
  } catch (error) {
    if (!(error instanceof PayloadValidationError)) throw error
    if (duplicate(error)) return resultOf(organization, 'already a member')
    const missingUser = refusedAsMissing(error, ['user', 'user_id'])
    const missingOrganization = refusedAsMissing(error, ['organization', 'organization_id'])
    if (missingUser) forgetUser(client, member.ref)
    if (missingOrganization && organization.cached && !missingUser) {
      // The cached organization may have been deleted and made again under a new id: ask which one is current.
      const fresh = await refreshOrganization(client, organization.externalId)
      if (fresh.id !== undefined && fresh.id !== organization.id) return addFor(client, { ...add, organization: fresh })
    } else if (missingOrganization) forgetOrganization(client, organization.externalId)
    if (missingUser || missingOrganization) {
      throw notYet({
        ...add,
        member: { ref: member.ref, id: missingUser ? undefined : member.id },
        organization: { externalId: organization.externalId, id: missingOrganization ? undefined : organization.id }
      })
    }
    // Zendesk's duplicate answer is not documented, so any other 422 is checked against the user's memberships.
    if (await isMember(client, member.id, organization.id)) return resultOf(organization, 'already a member')
    throw error
  }
}

/** A refusal that says, by its code on one of these fields, that the record is missing. */
function refusedAsMissing(error: unknown, fields: string[]): boolean {
  return fields.some((field) => MISSING_CODES.some((code) => fieldRefused(error, field, code)))
}

/** A refusal whose error code (at the top or on a field) says the membership exists already. */
function duplicate(error: unknown): boolean {
  const refusal = refusalOf(error)
  if (!refusal) return false
  const codes = [
    refusal.error,
    ...Object.values(refusal.fields)
      .flat()
      .map((problem) => problem.error)
  ]
  return codes.some((code) => code !== undefined && DUPLICATE_CODES.has(code))
}

async function isMember(client: ZendeskClient, userId: number, organizationId: number): Promise<boolean> {
  try {
    const memberships = await client.organizations.membershipsOfUser(userId)
    return memberships.some((m) => m.organization_id === organizationId)
  } catch (error) {
    if (statusOf(error) === 404) return false
    throw error
  }
}

/**
 * The error for an add whose user or organization (those without an id) Zendesk does not have yet: bounded by
 * the event's age when the add knows when the CDP received it, else retryable.
 */
function notYet({ member, organization, clock }: MembershipAdd): Error {
  const missing: MissingRecord[] = []
  if (member.id === undefined) missing.push({ kind: 'user', description: describeReference(member.ref) })
  if (organization.id === undefined) {
    missing.push({ kind: 'organization', description: describeOrganization(organization.externalId) })
  }
  if (clock) return clock.missing(missing, 'the membership was not added')
  return new RetryableError(
    `Zendesk has no ${missing.map((record) => record.description).join(' and no ')} yet, so the membership was not added; it will be added when the event is retried`
  )
}
