import type { JSONLikeObject, Logger } from '@segment/actions-core'
import { eachAlone, refusalMemory, type BulkWrite, type Refusal, type RefusalMemory } from '../batch/bulk-writes'
import { mapWithConcurrency, settle, statusOf, withMessagePrefix, type Settled } from '../batch/results'
import type { ZendeskClient } from '../client'
import { fieldRefused, refusalOf } from '../client/errors'
import { describeUser, type UserInput } from '../client/users'
import { jobItemRefusedWithoutName, withFallbackName, writeNamingNew } from './names'

const BULK_IMPORT_OFF =
  'Zendesk bulk user import is off on this account (users/create_or_update_many answered 403): users are looked up in bulk, returning users updated with users/update_many and new users created one by one. Ask Zendesk support to enable bulk user import for the fastest path.'
const UPDATE_MANY_OFF =
  'Zendesk refused users/update_many (403) on this account too, so returning users are written one by one (one a second).'

/** Creates sent at once: they count only against the account's limit, not a per-endpoint one. */
const CREATE_CONCURRENCY = 4

/** What every write of one Upsert User call needs. */
export interface UserBatch {
  client: ZendeskClient
  /** Users per job: the mapped batch size. */
  size: number
  /** The account refuses bulk user import (`create_or_update_many`, `create_many`), remembered a while. */
  bulkImportOff: RefusalMemory
  /** The account refuses `users/update_many` too. */
  updateManyOff: RefusalMemory
}

export function userBatch(client: ZendeskClient, size: number, logger?: Logger): UserBatch {
  const { caches, account } = client
  return {
    client,
    size,
    bulkImportOff: refusalMemory(caches.bulkImportOff, account, BULK_IMPORT_OFF, logger),
    updateManyOff: refusalMemory(caches.userUpdateManyOff, account, UPDATE_MANY_OFF, logger)
  }
}

/** A user Zendesk has, with its id. */
export interface KnownUser {
  id: number
  user: UserInput
}

type Written = Settled<JSONLikeObject>

/**
 * `users/create_or_update_many` jobs: each user created or updated. A user refused for want of a name goes once
 * more, named. Without bulk import (403) the users go `withoutBulkImport`.
 */
export function createOrUpdateMany(
  { client, bulkImportOff }: UserBatch,
  withoutBulkImport: (users: UserInput[]) => Promise<Written[]>
): BulkWrite<UserInput, JSONLikeObject> {
  return {
    job: (users) => client.users.createOrUpdateMany(users),
    written: (_, { id, status }) => ({ id: id ?? null, status: status ?? null }),
    refused: (user, error) => {
      const named = jobItemRefusedWithoutName(error, user) ? withFallbackName(user) : undefined
      return named ? { again: named } : { ok: false, error: withUser(error, user) }
    },
    alone: (users) => upsertEachAlone(client, users),
    withoutJob: { memory: bulkImportOff, instead: withoutBulkImport }
  }
}

/**
 * `users/create_many` jobs: users known to be new are created, never updated. An item Zendesk refused for what it
 * holds (taken meanwhile, wanting a name) is created alone, as is every user without bulk import (403);
 * `ifExists` answers for one that exists after all. A job still running or not followed may yet create the
 * user: it is retried later, never raced by a create alone.
 */
export function createMany(
  { client, bulkImportOff }: UserBatch,
  ifExists: (users: UserInput[]) => Promise<Written[]>
): BulkWrite<UserInput, JSONLikeObject> {
  return {
    job: (users) => client.users.createMany(users),
    written: (_, { id }) => ({ id: id ?? null, status: 'Created' }),
    refused: (user, error) => (refusalOf(error) ? 'alone' : { ok: false, error: withUser(error, user) }),
    alone: (users) => createEachAlone(client, users, ifExists),
    withoutJob: { memory: bulkImportOff }
  }
}

/**
 * `users/update_many` jobs for users known by id (its 403 remembered: they go `alone` then). One that Zendesk
 * no longer has (deleted since the lookup) is what `gone` says: the sync mode decides whether it may be created
 * afresh.
 */
export function updateMany(
  { client, updateManyOff }: UserBatch,
  alone: (users: KnownUser[]) => Promise<Written[]>,
  gone: (user: KnownUser) => Refusal<KnownUser, JSONLikeObject>
): BulkWrite<KnownUser, JSONLikeObject> {
  return {
    job: (users) => client.users.updateMany(users.map(({ id, user }) => ({ id, ...user }))),
    written: (known, { id }) => ({ id: id ?? known.id, status: 'Updated' }),
    refused: (known, error) =>
      statusOf(error) === 404 ? gone(known) : { ok: false, error: withUser(error, known.user) },
    alone,
    withoutJob: { memory: updateManyOff }
  }
}

/**
 * One `create_or_update` per user, one at a time: Zendesk allows one such write a second per account, and the
 * client's pacer spaces them. A new user without a name is sent once more, named (`writeNamingNew`).
 */
export function upsertEachAlone(client: ZendeskClient, users: UserInput[]): Promise<Written[]> {
  return eachAlone(users, async (user) => {
    const written = await writeNamingNew(user, (input) => client.users.createOrUpdate(input))
    return { id: written.user.id, status: written.created ? 'Created' : 'Updated' }
  })
}

/**
 * Creates users known to be new with `POST users`, a few at a time. One that exists after all (its email belongs
 * to another user, or it was created since the lookup) is what `ifExists` answers.
 */
export async function createEachAlone(
  client: ZendeskClient,
  users: UserInput[],
  ifExists: (users: UserInput[]) => Promise<Written[]>
): Promise<Written[]> {
  const existing: number[] = []
  const created = await mapWithConcurrency(users, CREATE_CONCURRENCY, async (user, position): Promise<Written> => {
    const outcome = await settle(writeNamingNew(user, (input) => client.users.create(input), alreadyExists))
    if (outcome.ok) return { ok: true as const, value: { id: outcome.value.id, status: 'Created' } }
    if (alreadyExists(outcome.error)) existing.push(position)
    return outcome
  })
  const answered = await ifExists(existing.map((position) => users[position]))
  existing.forEach((position, i) => (created[position] = answered[i]))
  return created
}

function alreadyExists(error: unknown): boolean {
  return fieldRefused(error, 'email', 'DuplicateValue') || fieldRefused(error, 'external_id', 'DuplicateValue')
}

/** A job item's error, saying which user it is about. */
function withUser(error: Error, user: UserInput): unknown {
  return withMessagePrefix(error, `${describeUser(user)}: `)
}
