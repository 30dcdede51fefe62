import type { ZendeskClient } from './client'
import { statusOf } from './client/errors'
import { DELETED_USER_PAGES, type DeletedUsersSearch, type ZendeskUser } from './client/users'
import { forgetUser } from './lookups/users'

/** What a deletion request did with one Zendesk user that had the external_id. */
export interface ErasedUser {
  id: number
  /** as the request found it: still active, or soft-deleted (by an earlier try, a sync-mode delete or an agent) */
  found: 'active' | 'soft_deleted'
  /** deleted for good by this request, or already gone for good when this request came to delete it */
  outcome: 'permanently_deleted' | 'already_gone'
}

/** A deletion request's result: what was done, or why there was nothing to do. */
export type DeletionResult =
  | { deleted: true; outcome: 'permanently_deleted' | 'already_gone'; users: ErasedUser[] }
  | { deleted: false; outcome: 'not_found'; reason: string }

type Candidate = Pick<ZendeskUser, 'id' | 'active'>

/**
 * A host's deletion request: every Zendesk user with this external_id is removed for good. A request that failed
 * between the soft delete and the permanent deletion is finished when it is retried: the user is found active or
 * soft-deleted, and only the step left is sent.
 */
export async function deleteUserByExternalId(client: ZendeskClient, userId: unknown): Promise<DeletionResult> {
  const externalId = typeof userId === 'number' ? String(userId) : typeof userId === 'string' ? userId.trim() : ''
  if (!externalId) {
    return { deleted: false, outcome: 'not_found', reason: 'the deletion request has no userId to look for' }
  }
  let candidates = await searchedOrRemembered(client, externalId)
  if (candidates.length === 0) {
    // Only when neither knows any: a search of deleted_users costs a request even when it cannot tell.
    const deletedUsers = await client.users.deletedByExternalId(externalId)
    if (deletedUsers.ids.length === 0) {
      return { deleted: false, outcome: 'not_found', reason: notFoundReason(deletedUsers.reach) }
    }
    candidates = deletedUsers.ids.map((id) => ({ id, active: false }))
  }
  const users: ErasedUser[] = []
  for (const candidate of candidates) users.push(await erase(client, externalId, candidate))
  forgetUser(client, { external_id: externalId })
  const outcome = users.some((user) => user.outcome === 'permanently_deleted') ? 'permanently_deleted' : 'already_gone'
  return { deleted: true, outcome, users }
}

/**
 * The users with the external_id, active or soft-deleted, that `users/search` lists or that this instance
 * soft-deleted and has not seen deleted for good.
 */
async function searchedOrRemembered(client: ZendeskClient, externalId: string): Promise<Candidate[]> {
  const candidates = new Map<number, Candidate>()
  for (const user of await client.users.allByExternalId(externalId)) candidates.set(user.id, user)
  for (const id of await client.softDeletedUsers.of(client.account, externalId)) {
    if (!candidates.has(id)) candidates.set(id, { id, active: false })
  }
  return [...candidates.values()]
}

/** Deletes one user for good; a user Zendesk no longer has (404 on either step) is already gone. */
async function erase(client: ZendeskClient, externalId: string, user: Candidate): Promise<ErasedUser> {
  const found = user.active === false ? 'soft_deleted' : 'active'
  let outcome: ErasedUser['outcome'] = 'permanently_deleted'
  try {
    await client.users.deletePermanently(user, (id) => client.softDeletedUsers.remember(client.account, externalId, id))
  } catch (error) {
    if (statusOf(error) !== 404) throw error
    outcome = 'already_gone'
  }
  await client.softDeletedUsers.forget(client.account, externalId, user.id)
  return { id: user.id, found, outcome }
}

function notFoundReason(reach: DeletedUsersSearch['reach']): string {
  const seen = {
    all: 'deleted_users lists none',
    'first pages': `deleted_users lists none among its first ${DELETED_USER_PAGES * 100} users`,
    'no external_ids': 'deleted_users shows no external_ids to search by'
  }[reach]
  return `no Zendesk user has this external_id: users/search lists none, this destination instance soft-deleted none, and ${seen}`
}
