import type { JSONLikeObject } from '@segment/actions-core'
import { statusOf } from '../batch'
import type { ZendeskClient } from '../client'
import { describeOrganization } from '../client/organizations'
import { addMembership } from '../organization-membership'
import type { Payload } from './generated-types'
import { memberOf } from './organization-input'
import type { OrganizationFieldPlan } from './organization-fields'

export type UpsertStatus = 'Created' | 'Updated'

/** Deletes the organization with this external_id; none (or already gone) is success. */
export async function deleteOrganization(client: ZendeskClient, externalId: string): Promise<JSONLikeObject> {
  const organization = await client.organizations.findByExternalId(externalId)
  if (!organization) return { id: null, status: 'Not found, nothing to delete' }
  try {
    await client.organizations.delete(organization.id)
  } catch (error) {
    if (statusOf(error) !== 404) throw error
  }
  return { id: organization.id, status: 'Deleted' }
}

/**
 * The event's result once its organization is saved: the user it names is made a member first. That user
 * not existing yet fails the event (retryable) although the organization is saved, so the retry adds it.
 */
export async function completeUpsert(
  client: ZendeskClient,
  payload: Payload,
  externalId: string,
  saved: { id?: number; status: UpsertStatus },
  fields: OrganizationFieldPlan
): Promise<JSONLikeObject> {
  const body: JSONLikeObject = { id: saved.id ?? null, status: saved.status }
  if (fields.notSent.length) body.traits_not_sent = fields.notSent
  const member = memberOf(payload)
  if (!member) return body
  try {
    body.membership = await addMembership(client, member, { externalId, id: saved.id })
  } catch (error) {
    if (error instanceof Error) {
      error.message = `${describeOrganization(externalId)} was ${saved.status.toLowerCase()}, but: ${error.message}`
    }
    throw error
  }
  return body
}
