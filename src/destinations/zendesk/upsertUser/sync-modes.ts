import type { JSONLikeObject } from '@segment/actions-core'
import { eachAlone, writeInBulk } from '../batch/bulk-writes'
import { deleteByIds } from '../batch/deletes'
import { inOrderOf, statusOf, type Settled } from '../batch/results'
import { leftUntouched, skippedMissing, unsupportedSyncMode, type SyncMode } from '../batch/sync-modes'
import type { ZendeskClient } from '../client'
import { describeUser, type UserInput, type ZendeskUser } from '../client/users'
import { forgetUser } from '../lookups/users'
import { createMany, createOrUpdateMany, updateMany, type KnownUser, type UserBatch } from './user-writes'
import { upsertWithoutBulkImport } from './without-bulk-import'

type Written = Settled<JSONLikeObject>

/**
 * One round's users written as the sync mode asks (each user at most once in a round): one outcome per user, in
 * order. Upsert (a missing mode too) creates or updates, update only updates, add only creates, delete deletes.
 */
export async function writeRound(batch: UserBatch, mode: SyncMode, users: UserInput[]): Promise<Written[]> {
  if (mode === 'upsert') return upsert(batch, users)
  if (mode === 'update') return updateExisting(batch, users)
  if (mode === 'add') return addNew(batch, users)
  if (mode === 'delete') return deleteUsers(batch, users)
  return users.map(() => ({ ok: false, error: unsupportedSyncMode('Upsert User', mode) }))
}

/**
 * Upsert mode: `users/create_or_update_many` jobs of up to the batch size, or one `users/create_or_update` each
 * when there are too few to pay for a job; an account without bulk import (403, remembered a while) takes the
 * path of `upsertWithoutBulkImport`.
 */
function upsert(batch: UserBatch, users: UserInput[]): Promise<Written[]> {
  const write = createOrUpdateMany(batch, (part) => upsertWithoutBulkImport(batch, part))
  return writeInBulk(users, write, { size: batch.size })
}

/**
 * Update mode: existing users are updated in `users/update_many` jobs (one `PUT users/{id}` each when too few to
 * pay for a job, or where the account refuses it); the others are skipped, and so is a user deleted between the
 * lookup and its update.
 */
function updateExisting(batch: UserBatch, users: UserInput[]): Promise<Written[]> {
  const write = updateMany(
    batch,
    (alone) => updateEachAlone(batch.client, alone),
    ({ user }) => ({ ok: false, error: skipped(user) })
  )
  return afterLookup(batch.client, users, {
    existing: (known) => writeInBulk(known, write, { size: batch.size }),
    missing: async (absent) => absent.map((user) => ({ ok: false, error: skipped(user) }))
  })
}

/** `PUT users/{id}` for each user, one at a time (the client paces them); a user Zendesk no longer has is skipped. */
function updateEachAlone(client: ZendeskClient, users: KnownUser[]): Promise<Written[]> {
  return eachAlone(users, async ({ id, user }) => {
    try {
      return { id: (await client.users.update(id, user)).id, status: 'Updated' }
    } catch (error) {
      throw statusOf(error) === 404 ? skipped(user) : error
    }
  })
}

/**
 * Add mode: new users are created, in `users/create_many` jobs while the account has bulk import, else with
 * `POST users`; existing users are left untouched, and so is one created elsewhere since the lookup: neither path
 * ever updates.
 */
function addNew(batch: UserBatch, users: UserInput[]): Promise<Written[]> {
  const leftAlone = async (existing: UserInput[]): Promise<Written[]> =>
    existing.map((user) => ({ ok: false, error: untouched(user) }))
  return afterLookup(batch.client, users, {
    existing: (known) => leftAlone(known.map(({ user }) => user)),
    missing: (fresh) => writeInBulk(fresh, createMany(batch, leftAlone), { size: batch.size })
  })
}

/**
 * Delete mode: the users found are soft-deleted, in `users/destroy_many` jobs of up to the batch size (one DELETE
 * each when too few to pay for a job); a user Zendesk does not have, or no longer has, is already as asked. A
 * user gone is forgotten from the id cache, and remembered as soft-deleted, so a deletion request for its
 * external_id can delete it for good.
 */
function deleteUsers(batch: UserBatch, users: UserInput[]): Promise<Written[]> {
  const { client } = batch
  const gone = (user: UserInput, value: JSONLikeObject): Written => {
    forgetUser(client, user)
    return { ok: true, value }
  }
  return afterLookup(client, users, {
    existing: async (known) => {
      const deleted = await deleteByIds(
        known.map(({ id }) => id),
        batch.size,
        { one: (id) => client.users.softDelete(id), many: (part) => client.users.destroyMany(part) }
      )
      return Promise.all(
        known.map(async ({ id, user }) => {
          const outcome = deleted.get(id)!
          if (!outcome.ok) return outcome
          if (user.external_id) await client.softDeletedUsers.remember(client.account, user.external_id, id)
          return gone(user, { id, deleted: true })
        })
      )
    },
    missing: async (absent) => absent.map((user) => gone(user, { id: null, deleted: false }))
  })
}

/**
 * The users looked up, then written as the mode says: those Zendesk has (`existing`, with their ids), then those
 * it has not (`missing`). One outcome per user, in order; a failed lookup is its user's outcome.
 */
async function afterLookup(
  client: ZendeskClient,
  users: UserInput[],
  write: {
    existing(known: KnownUser[]): Promise<Written[]>
    missing(absent: UserInput[]): Promise<Written[]>
  }
): Promise<Written[]> {
  const lookups = await findExisting(client, users)
  const failed = users.filter((_, position) => !lookups[position].ok)
  const failures = lookups.filter((lookup) => !lookup.ok)
  const known: KnownUser[] = []
  const absent: UserInput[] = []
  users.forEach((user, position) => {
    const lookup = lookups[position]
    if (lookup.ok && lookup.value) known.push({ id: lookup.value.id, user })
    else if (lookup.ok) absent.push(user)
  })
  return inOrderOf(users, [
    [failed, failures],
    [known.map(({ user }) => user), await write.existing(known)],
    [absent, await write.missing(absent)]
  ])
}

/**
 * The users that exist, one lookup outcome per user: one `users/show_many` per 100 external_ids, one search per
 * user known only by email, one at a time.
 */
async function findExisting(client: ZendeskClient, users: UserInput[]): Promise<Settled<ZendeskUser | undefined>[]> {
  const byExternalId = users.filter((user) => user.external_id)
  const emailOnly = users.filter((user) => !user.external_id)
  let byId: Settled<ZendeskUser | undefined>[]
  try {
    const found = await client.users.showManyByExternalIds(byExternalId.map((user) => user.external_id!))
    byId = byExternalId.map((user) => ({ ok: true, value: found.get(user.external_id!.toLowerCase()) }))
  } catch (error) {
    byId = byExternalId.map(() => ({ ok: false, error }))
  }
  const byEmail = await eachAlone(emailOnly, (user) => client.users.findByEmail(user.email!))
  return inOrderOf(users, [
    [byExternalId, byId],
    [emailOnly, byEmail]
  ])
}

const matchedOn = (user: UserInput) => (user.external_id ? 'external_id' : 'email')
const skipped = (user: UserInput) => skippedMissing(describeUser(user), `no user with that ${matchedOn(user)}`)
const untouched = (user: UserInput) => leftUntouched(`a ${describeUser(user)}`, 'user')
