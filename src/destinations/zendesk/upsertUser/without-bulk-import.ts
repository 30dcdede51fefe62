import type { JSONLikeObject } from '@segment/actions-core'
import { writeInBulk } from '../batch/bulk-writes'
import { inOrderOf, type Settled } from '../batch/results'
import type { UserInput, ZendeskUser } from '../client/users'
import { createEachAlone, updateMany, upsertEachAlone, type KnownUser, type UserBatch } from './user-writes'

/**
 * Upsert User for an account without bulk user import (`create_or_update_many` answered 403). Users with an
 * external_id are looked up with one `users/show_many`; the returning ones are updated in one `users/update_many`
 * job (its batch form, with create_or_update's semantics for each user), the new ones created with `POST users`.
 * Users known only by email, and a new user whose email another user already has, go through `create_or_update`,
 * paced under its limit of one a second per account.
 */
export async function upsertWithoutBulkImport(
  batch: UserBatch,
  users: UserInput[]
): Promise<Settled<JSONLikeObject>[]> {
  const { client } = batch
  const byExternalId = users.filter((user) => user.external_id)
  const emailOnly = users.filter((user) => !user.external_id)
  let found: Map<string, ZendeskUser>
  try {
    found = await client.users.showManyByExternalIds(byExternalId.map((user) => user.external_id!))
  } catch (error) {
    const failed = byExternalId.map(() => ({ ok: false as const, error }))
    return inOrderOf(users, [
      [byExternalId, failed],
      [emailOnly, await upsertEachAlone(client, emailOnly)]
    ])
  }
  const existing = (user: UserInput) => found.get(user.external_id!.toLowerCase())
  const returning: KnownUser[] = byExternalId.flatMap((user) => {
    const id = existing(user)?.id
    return id === undefined ? [] : [{ id, user }]
  })
  const fresh = byExternalId.filter((user) => !existing(user))
  const upsertAlone = (known: KnownUser[]) =>
    upsertEachAlone(
      client,
      known.map(({ user }) => user)
    )
  // Independent users: creates and single writes go on while the update job runs.
  const [updated, created, upserted] = await Promise.all([
    // create_or_update decides afresh for a user deleted since the lookup.
    writeInBulk(
      returning,
      updateMany(batch, upsertAlone, () => 'alone'),
      { size: batch.size, fewestForAJob: 1 }
    ),
    createEachAlone(client, fresh, (taken) => upsertEachAlone(client, taken)),
    upsertEachAlone(client, emailOnly)
  ])
  return inOrderOf(users, [
    [returning.map(({ user }) => user), updated],
    [fresh, created],
    [emailOnly, upserted]
  ])
}
