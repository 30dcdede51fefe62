import { PayloadValidationError, removeUndefined, type Logger } from '@segment/actions-core'
import type { Payload } from './generated-types'
import { bulkSize } from '../batch/fields'
import type { PipelineContext } from '../batch/pipeline'
import { BatchResults, chunk } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { UserInput } from '../client/users'
import { text } from '../fields/text'
import { customTraits, userFieldValues } from './user-fields'
import { FEWEST_FOR_A_JOB } from '../client/constants'
import { makeNewEmailsPrimary } from './email-change'
import { upsertOneByOne } from './single-writes'
import { upsertInJob } from './in-job'
import { BULK_IMPORT_OFF, rememberForbidden, upsertWithoutBulkImport } from './without-bulk-import'
import { addNew, deleteUsers, unsupportedSyncMode, updateExisting } from './sync-modes'

function validate(payload: Payload): void {
  if (!text(payload.email) && !text(payload.external_id)) {
    throw new PayloadValidationError(
      'Upsert User needs email or external_id to match a Zendesk user, and both are empty (map traits.email or userId).'
    )
  }
}

function fullName(payload: Payload): string | undefined {
  return text(payload.name) ?? text([text(payload.first_name), text(payload.last_name)].filter(Boolean).join(' '))
}

async function userInput(client: ZendeskClient, payload: Payload, { settings, logger }: PipelineContext) {
  const user: UserInput = {
    email: text(payload.email),
    name: fullName(payload),
    external_id: text(payload.external_id),
    organization_id: payload.organization_id ?? undefined,
    time_zone: text(payload.time_zone),
    phone: text(payload.phone),
    user_fields: await userFieldValues(client.fieldLists, payload.user_fields, logger),
    skip_verify_email: payload.skip_verify_email ?? settings.skip_verify_email ?? false
  }
  const verified = payload.verified ?? settings.create_users_as_verified
  if (verified) user.verified = true
  return removeUndefined(user)
}

/**
 * Upsert User for a batch (perform runs it on one payload), in rounds that hold each user at most once.
 * Users go to `users/create_or_update_many` in jobs of up to 100, or as one `users/create_or_update` each when
 * there are too few to pay for a job; an account without bulk import (403, remembered a while) takes the path of
 * `upsertWithoutBulkImport`. One result per event: Created or Updated, or the event's own error.
 */
export async function upsertUsers(
  client: ZendeskClient,
  payloads: Payload[],
  context: PipelineContext
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  if (payloads.some((p) => customTraits(p.user_fields).length > 0)) {
    try {
      await client.fieldLists.list('user_fields')
    } catch (error) {
      // Without the field list no event can be built; one failed read settles the whole batch.
      payloads.forEach((_, index) => results.fail(index, error))
      return results
    }
  }
  const inputs = new Map<number, UserInput>()
  for (const [index, payload] of payloads.entries()) {
    try {
      validate(payload)
      inputs.set(index, await userInput(client, payload, context))
    } catch (error) {
      results.fail(index, error)
    }
  }
  const mode = context.syncMode ?? 'upsert'
  const { rounds, repeats } = planRounds(inputs, mode)
  for (const round of rounds) await writeRound(client, mode, round, inputs, results, bulkSize(payloads), context.logger)
  if (mode === 'upsert' || mode === 'update') {
    await makeNewEmailsPrimary(client, payloads, rounds.flat(), inputs, results)
  }
  for (const [first, others] of repeats) for (const index of others) settleLike(results, index, first)
  return results
}

type SyncMode = NonNullable<PipelineContext['syncMode']>

/** Identifies of one user within a batch: same external_id, or same email without one. */
function userKey(user: UserInput): string {
  return user.external_id ? `external_id:${user.external_id.toLowerCase()}` : `email:${user.email?.toLowerCase()}`
}

/**
 * Plans the writes of a batch. An identify that repeats the one before it for the same user (same input, the
 * busy user identifying on every page load; in delete mode any identify of that user) is not written again: it
 * gets that write's result, so the 5-a-minute per-user limit is not spent on it. A user's differing identifies go
 * in successive rounds, written in order, so each event gets its own result and the last one wins, as if they
 * were sent one by one.
 */
function planRounds(
  inputs: Map<number, UserInput>,
  mode: SyncMode
): { rounds: number[][]; repeats: Map<number, number[]> } {
  const runs = new Map<string, { index: number; input: string }[]>()
  const repeats = new Map<number, number[]>()
  const rounds: number[][] = []
  for (const [index, user] of inputs) {
    const userRuns = runs.get(userKey(user)) ?? []
    const last = userRuns[userRuns.length - 1]
    // Deleting a user reads nothing of the event but who the user is.
    const input = mode === 'delete' ? userKey(user) : JSON.stringify(user)
    if (last?.input === input) {
      repeats.set(last.index, [...(repeats.get(last.index) ?? []), index])
      continue
    }
    const round = userRuns.length
    rounds[round] = [...(rounds[round] ?? []), index]
    userRuns.push({ index, input })
    runs.set(userKey(user), userRuns)
  }
  return { rounds, repeats }
}

function settleLike(results: BatchResults<Payload>, index: number, first: number): void {
  try {
    results.succeed(index, results.outcome(first))
  } catch (error) {
    results.fail(index, error)
  }
}

/** One round's writes as the sync mode asks: upsert (a missing mode too), update, add or delete. */
async function writeRound(
  client: ZendeskClient,
  mode: SyncMode,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  size: number,
  logger?: Logger
): Promise<void> {
  if (mode === 'upsert') return writeUsers(client, indexes, inputs, results, size, logger)
  if (mode === 'update') return updateExisting(client, indexes, inputs, results, size, logger)
  if (mode === 'add') return addNew(client, indexes, inputs, results, size, logger)
  if (mode === 'delete') return deleteUsers(client, indexes, inputs, results, size)
  indexes.forEach((index) => results.fail(index, unsupportedSyncMode(mode)))
}

async function writeUsers(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>,
  size: number,
  logger?: Logger
): Promise<void> {
  if (indexes.length < FEWEST_FOR_A_JOB) return upsertOneByOne(client, indexes, inputs, results)
  for (const part of chunk(indexes, size)) {
    if (!client.caches.bulkImportOff.get(client.account)) {
      if ((await upsertInJob(client, part, inputs, results)) !== 'bulk import off') continue
      rememberForbidden(client.caches.bulkImportOff, client.account, logger, BULK_IMPORT_OFF)
    }
    await upsertWithoutBulkImport(client, part, inputs, results, logger)
  }
}
