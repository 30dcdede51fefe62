import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import { chunk, mapWithConcurrency, statusOf, type Settled } from '../batch/results'
import type { ZendeskClient } from '../client'
import { followJob, type JobItemOutcome } from '../client/jobs'
import { describeOrganization } from '../client/organizations'
import { BULK_LIMIT } from '../client/users'
import { describeReference, findUserId, forgetUser, type UserReference } from '../lookups/users'
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
}

export interface MembershipAdd {
  member: Member
  organization: OrganizationTarget
}

const CONCURRENCY = 4
/** A job costs its submission and at least one status poll, so fewer memberships than this go as one POST each. */
const FEWEST_FOR_A_JOB = 4
const ALREADY_MEMBER = /already (been taken|a member|assigned)|duplicate/i
const MISSING = /blank|not found|invalid|does not exist/i

const resultOf = <Outcome>(organization: OrganizationTarget, membership: Outcome): MembershipResult<Outcome> => ({
  organization_id: organization.id ?? null,
  membership
})

const settle = <T>(work: Promise<T>): Promise<Settled<T>> =>
  work.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error })
  )

/**
 * Makes the user a member of the organization; being one already is success. A user or organization that
 * does not exist yet is a RetryableError naming which: the event that creates it may still be on its way.
 */
export async function addMembership(
  client: ZendeskClient,
  user: UserReference,
  organization: OrganizationTarget
): Promise<MembershipResult<AddOutcome>> {
  return addFor(client, { ref: user, id: await findUserId(client, user) }, organization)
}

/** Ends the membership; a missing user, organization or membership is success (nothing to remove). */
export async function removeMembership(
  client: ZendeskClient,
  user: UserReference,
  organization: OrganizationTarget
): Promise<MembershipResult<RemoveOutcome>> {
  if (organization.id === undefined) return resultOf(organization, 'no such organization')
  return removeMembershipFor(client, { ref: user, id: await findUserId(client, user) }, organization)
}

/** `removeMembership` for a user already looked up. */
export async function removeMembershipFor(
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
    if (!organization.cached) return resultOf(organization, 'not a member')
    // The cached organization may have been deleted and made again under a new id: ask which one is current.
    const fresh = await refreshOrganization(client, organization.externalId)
    if (fresh.id === organization.id) return resultOf(fresh, 'not a member')
    return removeMembershipFor(client, member, fresh)
  }
}

/**
 * `addMembership` for many users already looked up, one result per add in order. When there are enough of
 * them, they go to Zendesk as `organization_memberships/create_many` jobs of up to 100. A job item refused as
 * a duplicate is 'already a member'; any other refused item is sent again alone, since the wording of a job's
 * refusals is not documented and the single request's answer is definitive. A failed job request (403, 429)
 * or job is the error of each of its events.
 */
export async function addMemberships(
  client: ZendeskClient,
  adds: readonly MembershipAdd[]
): Promise<Settled<MembershipResult<AddOutcome>>[]> {
  const settled: Settled<MembershipResult<AddOutcome>>[] = new Array(adds.length)
  const ready: number[] = []
  adds.forEach(({ member, organization }, index) => {
    if (member.id !== undefined && organization.id !== undefined) ready.push(index)
    else settled[index] = { ok: false, error: notYet(member, organization) }
  })
  const worthAJob = ready.length >= FEWEST_FOR_A_JOB
  const alone = worthAJob ? [] : ready
  for (const part of chunk(worthAJob ? ready : [], BULK_LIMIT)) {
    const outcomes = await createInJob(
      client,
      part.map((index) => adds[index])
    )
    outcomes.forEach((outcome, position) => {
      const index = part[position]
      const { organization } = adds[index]
      if (outcome.ok) settled[index] = { ok: true, value: resultOf(organization, 'added') }
      else if (ALREADY_MEMBER.test(outcome.error.message)) {
        settled[index] = { ok: true, value: resultOf(organization, 'already a member') }
      } else if (outcome.error instanceof PayloadValidationError) alone.push(index)
      else settled[index] = { ok: false, error: outcome.error }
    })
  }
  await mapWithConcurrency(alone, CONCURRENCY, async (index) => {
    settled[index] = await settle(addFor(client, adds[index].member, adds[index].organization))
  })
  return settled
}

async function createInJob(client: ZendeskClient, adds: MembershipAdd[]): Promise<JobItemOutcome[]> {
  try {
    const job = await client.organizations.createManyMemberships(
      adds.map(({ member, organization }) => ({ user_id: member.id!, organization_id: organization.id! }))
    )
    return await followJob(client.http, job, adds.length)
  } catch (error) {
    return adds.map(() => ({ ok: false, error: error as Error }))
  }
}

async function addFor(
  client: ZendeskClient,
  member: Member,
  organization: OrganizationTarget
): Promise<MembershipResult<AddOutcome>> {
  if (member.id === undefined || organization.id === undefined) throw notYet(member, organization)
  try {
    await client.organizations.addMembership(member.id, organization.id)
    return resultOf(organization, 'added')
  } catch (error) {
    if (!(error instanceof PayloadValidationError)) throw error
    const said = zendeskSaid(error)
    if (said.some((m) => ALREADY_MEMBER.test(m))) return resultOf(organization, 'already a member')
    const missingUser = said.some((m) => /^user\b/i.test(m) && MISSING.test(m))
    const missingOrganization = said.some((m) => /^organization\b/i.test(m) && MISSING.test(m))
    if (missingUser) forgetUser(client, member.ref)
    if (missingOrganization && organization.cached && !missingUser) {
      // The cached organization may have been deleted and made again under a new id: ask which one is current.
      const fresh = await refreshOrganization(client, organization.externalId)
      if (fresh.id !== undefined && fresh.id !== organization.id) return addFor(client, member, fresh)
    } else if (missingOrganization) forgetOrganization(client, organization.externalId)
    if (missingUser || missingOrganization) {
      throw notYet(
        { ref: member.ref, id: missingUser ? undefined : member.id },
        { externalId: organization.externalId, id: missingOrganization ? undefined : organization.id }
      )
    }
    // The wording of Zendesk's duplicate answer is not documented, so any other 422 is checked against the list.
    if (await isMember(client, member.id, organization.id)) return resultOf(organization, 'already a member')
    throw error
  }
}

/** Zendesk's own messages in a mapped refusal: "Zendesk rejected <record>: <message>; <message>". */
function zendeskSaid(error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error)
  const start = message.indexOf(': ')
  return start < 0 ? [] : message.slice(start + 2).split('; ')
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

/** The error for an add whose user or organization (those without an id) Zendesk does not have yet. */
function notYet(member: Member, organization: OrganizationTarget): RetryableError {
  const names = [
    member.id === undefined ? describeReference(member.ref) : undefined,
    organization.id === undefined ? describeOrganization(organization.externalId) : undefined
  ].filter(Boolean)
  return new RetryableError(
    `Zendesk has no ${names.join(' and no ')} yet, so the membership was not added; it will be added when the event is retried`
  )
}
