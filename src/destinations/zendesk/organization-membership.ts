import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import { statusOf } from './batch'
import type { ZendeskClient } from './client'
import { describeOrganization } from './client/organizations'
import { describeReference, findUserId, forgetUser, type UserReference } from './find-user'

/** An organization named by its external_id, with its Zendesk id when it exists. */
export interface OrganizationTarget {
  externalId: string
  id?: number
}

export type AddOutcome = 'added' | 'already a member'
export type RemoveOutcome = 'removed' | 'not a member' | 'no such user' | 'no such organization'

const ALREADY_MEMBER = /already (been taken|a member|assigned)|duplicate/i
const MISSING = /blank|not found|invalid|does not exist/i

/**
 * Makes the user a member of the organization; being one already is success. A user or organization that
 * does not exist yet is a RetryableError naming which: the event that creates it may still be on its way.
 */
export async function addMembership(
  client: ZendeskClient,
  user: UserReference,
  organization: OrganizationTarget
): Promise<AddOutcome> {
  const userId = await findUserId(client, user)
  if (userId === undefined || organization.id === undefined) {
    throw notYet(user, organization, { user: userId === undefined, organization: organization.id === undefined })
  }
  try {
    await client.organizations.addMembership(userId, organization.id)
    return 'added'
  } catch (error) {
    if (!(error instanceof PayloadValidationError)) throw error
    const said = zendeskSaid(error)
    if (said.some((m) => ALREADY_MEMBER.test(m))) return 'already a member'
    const missingUser = said.some((m) => /^user\b/i.test(m) && MISSING.test(m))
    const missingOrganization = said.some((m) => /^organization\b/i.test(m) && MISSING.test(m))
    if (missingUser) forgetUser(client, user)
    if (missingUser || missingOrganization) {
      throw notYet(user, organization, { user: missingUser, organization: missingOrganization })
    }
    // The wording of Zendesk's duplicate answer is not documented, so any other 422 is checked against the list.
    if (await isMember(client, userId, organization.id)) return 'already a member'
    throw error
  }
}

/** Ends the membership; a missing user, organization or membership is success (nothing to remove). */
export async function removeMembership(
  client: ZendeskClient,
  user: UserReference,
  organization: OrganizationTarget
): Promise<RemoveOutcome> {
  if (organization.id === undefined) return 'no such organization'
  const userId = await findUserId(client, user)
  if (userId === undefined) return 'no such user'
  try {
    await client.organizations.removeMembership(userId, organization.id)
    return 'removed'
  } catch (error) {
    if (statusOf(error) === 404) return 'not a member'
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

function notYet(
  user: UserReference,
  organization: OrganizationTarget,
  missing: { user: boolean; organization: boolean }
): RetryableError {
  const names = [
    missing.user ? describeReference(user) : undefined,
    missing.organization ? describeOrganization(organization.externalId) : undefined
  ].filter(Boolean)
  return new RetryableError(
    `Zendesk has no ${names.join(' and no ')} yet, so the membership was not added; it will be added when the event is retried`
  )
}
