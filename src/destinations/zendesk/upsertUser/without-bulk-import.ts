import type { Logger } from '@segment/actions-core'
import type { Payload } from './generated-types'
import { mapWithConcurrency, statusOf, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import { fieldRefused } from '../client/errors'
import { describeUser, type UserInput, type ZendeskUser } from '../client/users'
import type { TtlCache } from '../client/ttl-cache'
import { writeNamingNew } from './names'
import { upsertOneByOne } from './single-writes'

export const BULK_IMPORT_OFF =
  'Zendesk bulk user import is off on this account (users/create_or_update_many answered 403): users are looked up in bulk, returning users updated with users/update_many and new users created one by one. Ask Zendesk support to enable bulk user import for the fastest path.'

/** Creates sent at once: they count only against the account's limit, not a per-endpoint one. */
const CREATE_CONCURRENCY = 4

/**
 * Upsert User for an account without bulk user import (`create_or_update_many` answered 403). Users with an
 * external_id are looked up with one `users/show_many`; the returning ones are updated in one `users/update_many`
 * job (its batch form, with create_or_update's semantics for each user), the new ones created with `POST users`.
 * Users known only by email, and a new user whose email another user already has, go through `create_or_update`,
 * paced under its limit of one a second per account.
 */
export async function upsertWithoutBulkImport(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  logger?: Logger
): Promise<void> {
  const inputOf = (index: number) => inputs.get(index) as UserInput
  const byExternalId = indexes.filter((index) => inputOf(index).external_id)
  const emailOnly = indexes.filter((index) => !inputOf(index).external_id)
  let found: Map<string, ZendeskUser>
  try {
    found = await client.users.showManyByExternalIds(byExternalId.map((index) => inputOf(index).external_id!))
  } catch (error) {
    byExternalId.forEach((index) => results.fail(index, error))
    return upsertOneByOne(client, emailOnly, inputs, results)
  }
  const existing = (index: number) => found.get(inputOf(index).external_id!.toLowerCase())
  const returning = byExternalId.filter((index) => existing(index))
  const fresh = byExternalId.filter((index) => !existing(index))
  // Independent users: creates and single writes go on while the update job runs.
  await Promise.all([
    updateReturning(client, returning, (index) => existing(index)!.id, inputs, results, {
      logger,
      writeAlone: (alone) => upsertOneByOne(client, alone, inputs, results),
      // create_or_update decides afresh for a user deleted since the lookup.
      whenGone: (gone) => upsertOneByOne(client, gone, inputs, results)
    }),
    createFresh(client, fresh, inputs, results),
    upsertOneByOne(client, emailOnly, inputs, results)
  ])
}

/** Remembers for a while that the account refuses a feature (it answered 403), logging it the first time. */
export function rememberForbidden(
  remembered: TtlCache<string, true>,
  account: string,
  logger: Logger | undefined,
  message: string
): void {
  if (remembered.get(account)) return
  remembered.set(account, true)
  logger?.warn(message)
}

/**
 * Updates users known by id in one `users/update_many` job (per 100 at most, the caller's part). Where the account
 * refuses `update_many`, they go to `writeAlone`; users deleted since the lookup go to `whenGone`: the sync mode
 * decides whether such a user may be created afresh.
 */
export async function updateReturning(
  client: ZendeskClient,
  indexes: number[],
  idOf: (index: number) => number,
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  { logger, writeAlone, whenGone }: { logger?: Logger; writeAlone: WriteAlone; whenGone: WriteAlone }
): Promise<void> {
  if (indexes.length === 0) return
  if (client.caches.userUpdateManyOff.get(client.account)) return writeAlone(indexes)
  const users = indexes.map((index) => ({ id: idOf(index), ...(inputs.get(index) as UserInput) }))
  let outcomes
  try {
    outcomes = await client.users.updateMany(users)
  } catch (error) {
    if (statusOf(error) !== 403) return indexes.forEach((index) => results.fail(index, error))
    rememberForbidden(
      client.caches.userUpdateManyOff,
      client.account,
      logger,
      'Zendesk refused users/update_many (403) on this account too, so returning users are written one by one (one a second).'
    )
    return writeAlone(indexes)
  }
  const gone: number[] = []
  outcomes.forEach((outcome, position) => {
    const index = indexes[position]
    if (outcome.ok) results.succeed(index, { id: outcome.id ?? users[position].id, status: 'Updated' })
    else if (statusOf(outcome.error) === 404) gone.push(index)
    else results.fail(index, withUser(outcome.error, users[position]))
  })
  if (gone.length) await whenGone(gone)
}

type WriteAlone = (indexes: number[]) => Promise<void>

/**
 * Creates users known to be new with `POST users`. One that exists after all (its email belongs to another user,
 * or it was created since the lookup) goes to `ifExists` — by default `create_or_update`, which updates it.
 */
export async function createFresh(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  ifExists: (indexes: number[]) => Promise<void> = (existing) => upsertOneByOne(client, existing, inputs, results)
): Promise<void> {
  const existingElsewhere: number[] = []
  await mapWithConcurrency(indexes, CREATE_CONCURRENCY, async (index) => {
    try {
      const user = await writeNamingNew(
        inputs.get(index) as UserInput,
        (input) => client.users.create(input),
        alreadyExists
      )
      results.succeed(index, { id: user.id, status: 'Created' })
    } catch (error) {
      if (alreadyExists(error)) existingElsewhere.push(index)
      else results.fail(index, error)
    }
  })
  await ifExists(existingElsewhere)
}

function alreadyExists(error: unknown): boolean {
  return fieldRefused(error, 'email', 'DuplicateValue') || fieldRefused(error, 'external_id', 'DuplicateValue')
}

export function withUser(error: Error, user: UserInput): Error {
  error.message = `${describeUser(user)}: ${error.message}`
  return error
}
