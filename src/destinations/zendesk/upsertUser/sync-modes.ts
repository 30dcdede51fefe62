import { APIError, PayloadValidationError, type Logger } from '@segment/actions-core'
import type { Payload } from './generated-types'
import { deleteByIds } from '../batch/deletes'
import { chunk, mapWithConcurrency, statusOf, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import { describeUser, type UserInput, type ZendeskUser } from '../client/users'
import { FEWEST_FOR_A_JOB } from '../client/constants'
import { refusalOf } from '../client/errors'
import { forgetUser } from '../lookups/users'
import { BULK_IMPORT_OFF, createFresh, rememberForbidden, updateReturning, withUser } from './without-bulk-import'

/** The sync modes Upsert User offers; actions-core reads the chosen one from the mapping. */
export const USER_SYNC_MODES = {
  label: 'How to sync users',
  description:
    'Create or update users (upsert, the default), only update existing ones, only add new ones, or delete them.',
  default: 'upsert' as const,
  choices: [
    { label: 'Create new users and update existing ones', value: 'upsert' as const },
    { label: 'Update existing users only', value: 'update' as const },
    { label: 'Add new users only', value: 'add' as const },
    { label: 'Delete users (soft delete)', value: 'delete' as const }
  ]
}

type Found = Map<number, ZendeskUser | undefined>

/**
 * The users that exist, by event index: one `users/show_many` per 100 external_ids, one search per user known
 * only by email. An event whose lookup failed is settled with that error and left out.
 */
async function findExisting(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<Found> {
  const found: Found = new Map()
  const inputOf = (index: number) => inputs.get(index) as UserInput
  const byExternalId = indexes.filter((index) => inputOf(index).external_id)
  try {
    const users = await client.users.showManyByExternalIds(byExternalId.map((index) => inputOf(index).external_id!))
    byExternalId.forEach((index) => found.set(index, users.get(inputOf(index).external_id!.toLowerCase())))
  } catch (error) {
    byExternalId.forEach((index) => results.fail(index, error))
  }
  for (const index of indexes.filter((i) => !inputOf(i).external_id)) {
    try {
      found.set(index, await client.users.findByEmail(inputOf(index).email!))
    } catch (error) {
      results.fail(index, error)
    }
  }
  return found
}

const matchedOn = (user: UserInput) => (user.external_id ? 'external_id' : 'email')

function skippedMissing(user: UserInput): Error {
  return new APIError(
    `Skipped: Zendesk has no ${describeUser(user)}, and Update mode creates nothing (no user with that ${matchedOn(user)})`,
    404
  )
}

function leftUntouched(user: UserInput): Error {
  return new APIError(
    `Left untouched: Zendesk already has a ${describeUser(user)}, and Add mode changes no existing user`,
    409
  )
}

/**
 * Update mode: existing users are updated in `users/update_many` jobs (one `PUT users/{id}` each when too few to
 * pay for a job, or where the account refuses it); the others are skipped, and so is a user deleted between the
 * lookup and its update.
 */
export async function updateExisting(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  size: number,
  logger?: Logger
): Promise<void> {
  const found = await findExisting(client, indexes, inputs, results)
  const existing = [...found].filter(([, user]) => user).map(([index]) => index)
  for (const [index, user] of found) if (!user) results.fail(index, skippedMissing(inputs.get(index)!))
  const idOf = (index: number) => found.get(index)!.id
  const writeAlone = (alone: number[]) => updateOneByOne(client, alone, idOf, inputs, results)
  const whenGone = async (gone: number[]) =>
    gone.forEach((index) => results.fail(index, skippedMissing(inputs.get(index)!)))
  if (existing.length < FEWEST_FOR_A_JOB) return writeAlone(existing)
  for (const part of chunk(existing, size)) {
    await updateReturning(client, part, idOf, inputs, results, { logger, writeAlone, whenGone })
  }
}

/** `PUT users/{id}` for each user, one at a time (the client paces them); a user Zendesk no longer has is skipped. */
async function updateOneByOne(
  client: ZendeskClient,
  indexes: number[],
  idOf: (index: number) => number,
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  await mapWithConcurrency(indexes, 1, async (index) => {
    const input = inputs.get(index)!
    try {
      const user = await client.users.update(idOf(index), input)
      results.succeed(index, { id: user.id, status: 'Updated' })
    } catch (error) {
      results.fail(index, statusOf(error) === 404 ? skippedMissing(input) : error)
    }
  })
}

/**
 * Add mode: new users are created, in `create_many` jobs while the account has bulk import, else with `POST users`;
 * existing users are left untouched, and so is one created elsewhere since the lookup: neither path ever updates.
 */
export async function addNew(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  size: number,
  logger?: Logger
): Promise<void> {
  const found = await findExisting(client, indexes, inputs, results)
  const untouched = (existing: number[]) =>
    existing.forEach((index) => results.fail(index, leftUntouched(inputs.get(index)!)))
  untouched([...found].filter(([, user]) => user).map(([index]) => index))
  const fresh = [...found].filter(([, user]) => !user).map(([index]) => index)
  const createAlone = (alone: number[]) =>
    createFresh(client, alone, inputs, results, async (existing) => untouched(existing))
  for (const part of chunk(fresh, size)) {
    if (part.length >= FEWEST_FOR_A_JOB && !client.caches.bulkImportOff.get(client.account)) {
      const refused = await createInJob(client, part, inputs, results)
      if (refused !== 'bulk import off') {
        await createAlone(refused)
        continue
      }
      rememberForbidden(client.caches.bulkImportOff, client.account, logger, BULK_IMPORT_OFF)
    }
    await createAlone(part)
  }
}

/**
 * New users in one `users/create_many` job. Returns the users whose item Zendesk refused (taken meanwhile, or
 * wanting a name) for `POST users` to answer for alone, or 'bulk import off' (its 403).
 */
async function createInJob(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<number[] | 'bulk import off'> {
  const users = indexes.map((index) => inputs.get(index)!)
  let outcomes
  try {
    outcomes = await client.users.createMany(users)
  } catch (error) {
    if (statusOf(error) === 403) return 'bulk import off'
    indexes.forEach((index) => results.fail(index, error))
    return []
  }
  const refused: number[] = []
  outcomes.forEach((outcome, position) => {
    const index = indexes[position]
    if (outcome.ok) results.succeed(index, { id: outcome.id ?? null, status: 'Created' })
    else if (refusalOf(outcome.error)) refused.push(index)
    // A job still running or not followed may yet create the user: retried later, never raced by a create alone.
    else results.fail(index, withUser(outcome.error, users[position]))
  })
  return refused
}

/**
 * Delete mode: the users found are soft-deleted, in `users/destroy_many` jobs of up to `size` (one DELETE each
 * when too few to pay for a job); a user Zendesk does not have, or no longer has, is already as asked. A user
 * gone is forgotten from the id cache, and remembered as soft-deleted, so a deletion request for its external_id
 * can delete it for good.
 */
export async function deleteUsers(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  size: number
): Promise<void> {
  const found = await findExisting(client, indexes, inputs, results)
  const ids = [...found.values()].flatMap((user) => (user ? [user.id] : []))
  const deleted = await deleteByIds(ids, size, {
    one: (id) => client.users.softDelete(id),
    many: (part) => client.users.destroyMany(part)
  })
  for (const [index, user] of found) {
    const outcome = user ? deleted.get(user.id)! : undefined
    if (outcome && !outcome.ok) {
      results.fail(index, outcome.error)
      continue
    }
    forgetUser(client, inputs.get(index)!)
    if (user?.external_id) client.softDeletedUsers.remember(client.account, user.external_id, user.id)
    results.succeed(index, user ? { id: user.id, deleted: true } : { id: null, deleted: false })
  }
}

/** `mirror`, which actions-core knows but this action does not offer. */
export function unsupportedSyncMode(mode: string): Error {
  return new PayloadValidationError(
    `Sync mode ${mode} is not supported by Upsert User: use upsert, update, add or delete`
  )
}
