import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import { chunk, mapWithConcurrency, statusOf, type Settled } from '../batch/results'
import type { ZendeskClient } from '../client'
import { fieldRefused, refusalOf } from '../client/errors'
import type { JobItemOutcome } from '../client/jobs'
import { describeOrganization } from '../client/organizations'
import { BULK_LIMIT, FEWEST_FOR_A_JOB, MEMBERSHIP_PAGES_TO_CHECK } from '../client/constants'
import type { EventClock, MissingRecord } from '../lookups/grace'
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

const settle = <T>(work: Promise<T>): Promise<Settled<T>> =>
  work.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error })
  )

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
 * young (the event that creates it may still be on its way), then a final error saying what to send first. When there are enough adds, they go to Zendesk as
 * `organization_memberships/create_many` jobs of up to 100, fewer as one POST each. A job item refused with a
 * duplicate error code is 'already a member'; the other refused items are checked against the organization's
 * memberships, and those still open are sent again alone: a job's refusals are not documented, and the single
 * request's answer is definitive. A failed job request (403, 429) or job is
 * the error of each of its events.
 */
export async function addMemberships(
  client: ZendeskClient,
  adds: readonly MembershipAdd[]
): Promise<Settled<MembershipResult<AddOutcome>>[]> {
  const settled: Settled<MembershipResult<AddOutcome>>[] = new Array(adds.length)
  const ready: number[] = []
  adds.forEach((add, index) => {
    if (add.member.id !== undefined && add.organization.id !== undefined) ready.push(index)
    else settled[index] = { ok: false, error: notYet(client, add) }
  })
  const worthAJob = ready.length >= FEWEST_FOR_A_JOB
  const alone = worthAJob ? [] : ready
  const refused: number[] = []
  for (const part of chunk(worthAJob ? ready : [], BULK_LIMIT)) {
    const outcomes = await createInJob(
      client,
      part.map((index) => adds[index])
    )
    outcomes.forEach((outcome, position) => {
      const index = part[position]
      const { organization } = adds[index]
      if (outcome.ok) settled[index] = { ok: true, value: resultOf(organization, 'added') }
      else if (duplicate(outcome.error))
        settled[index] = { ok: true, value: resultOf(organization, 'already a member') }
      else if (outcome.error instanceof PayloadValidationError) refused.push(index)
      else settled[index] = { ok: false, error: outcome.error }
    })
  }
  for (const index of await membersAlready(client, adds, refused)) {
    settled[index] = { ok: true, value: resultOf(adds[index].organization, 'already a member') }
  }
  alone.push(...refused.filter((index) => !settled[index]))
  await mapWithConcurrency(alone, CONCURRENCY, async (index) => {
    settled[index] = await settle(addFor(client, adds[index]))
  })
  return settled
}

/**
 * The refused job items whose user already is a member, read from the first pages of each organization's
 * memberships (repeated identifies make these the usual refusal). What the pages do not show is sent alone.
 */
async function membersAlready(
  client: ZendeskClient,
  adds: readonly MembershipAdd[],
  refused: number[]
): Promise<number[]> {
  const byOrganization = new Map<number, number[]>()
  for (const index of refused) {
    const organizationId = adds[index].organization.id!
    byOrganization.set(organizationId, [...(byOrganization.get(organizationId) ?? []), index])
  }
  const members: number[] = []
  await mapWithConcurrency([...byOrganization], CONCURRENCY, async ([organizationId, indexes]) => {
    try {
      const memberships = await client.organizations.membershipsOfOrganization(
        organizationId,
        MEMBERSHIP_PAGES_TO_CHECK
      )
      const userIds = new Set(memberships.map((membership) => membership.user_id))
      members.push(...indexes.filter((index) => userIds.has(adds[index].member.id!)))
    } catch {
      // Each refused item is then sent alone, whose answer settles it.
    }
  })
  return members
}

async function createInJob(client: ZendeskClient, adds: MembershipAdd[]): Promise<JobItemOutcome[]> {
  try {
    return await client.organizations.createManyMemberships(
      adds.map(({ member, organization }) => ({ user_id: member.id!, organization_id: organization.id! }))
    )
  } catch (error) {
    return adds.map(() => ({ ok: false, error: error as Error }))
  }
}

async function addFor(client: ZendeskClient, add: MembershipAdd): Promise<MembershipResult<AddOutcome>> {
  const { member, organization } = add
  if (member.id === undefined || organization.id === undefined) throw notYet(client, add)
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
      throw notYet(client, {
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
function notYet(client: ZendeskClient, { member, organization, clock }: MembershipAdd): Error {
  const missing: MissingRecord[] = []
  if (member.id === undefined) missing.push({ kind: 'user', description: describeReference(member.ref) })
  if (organization.id === undefined) {
    missing.push({ kind: 'organization', description: describeOrganization(organization.externalId) })
  }
  if (clock) return client.grace.missing(clock, missing, 'the membership was not added')
  return new RetryableError(
    `Zendesk has no ${missing.map((record) => record.description).join(' and no ')} yet, so the membership was not added; it will be added when the event is retried`
  )
}
