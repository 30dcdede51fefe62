import type { Payload } from './generated-types'
import { bulkSize } from '../batch/fields'
import type { PipelineContext } from '../batch/pipeline'
import { BatchResults } from '../batch/results'
import { planRounds } from '../batch/rounds'
import type { SyncMode } from '../batch/sync-modes'
import type { ZendeskClient } from '../client'
import type { UserInput } from '../client/users'
import { makeNewEmailsPrimary } from './email-change'
import { writeRound } from './sync-modes'
import { userInputs } from './user-input'
import { userBatch } from './user-writes'

/**
 * Upsert User for a batch (perform runs it on one payload): the events mapped to users, planned in rounds that
 * hold each user at most once, each round written in bulk as the sync mode asks, then the new emails made
 * primary. One result per event: Created or Updated (or what the mode did), or the event's own error.
 */
export async function upsertUsers(
  client: ZendeskClient,
  payloads: Payload[],
  context: PipelineContext
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const users = await userInputs(client, payloads, context, results)
  const mode = context.syncMode ?? 'upsert'
  const rounds = roundsOf(users, mode)
  const batch = userBatch(client, bulkSize(payloads), context.logger)
  const userOf = (index: number) => users.get(index)!
  for (const round of rounds) {
    const firsts = round.map(([first]) => first)
    const written = await writeRound(batch, mode, firsts.map(userOf))
    firsts.forEach((index, position) => results.settle(index, written[position]))
  }
  const groups = rounds.flat()
  if (mode === 'upsert' || mode === 'update') {
    const written = groups.map(([first]) => first)
    await makeNewEmailsPrimary(client, payloads, written, users, results)
  }
  // An identify that repeats the one before it gets that write's result, email change included.
  for (const [first, ...repeats] of groups) for (const index of repeats) settleLike(results, index, first)
  return results
}

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
function roundsOf(users: Map<number, UserInput>, mode: SyncMode): number[][][] {
  // Deleting a user reads nothing of the event but who the user is.
  const written = (index: number) => (mode === 'delete' ? '' : JSON.stringify(users.get(index)))
  return planRounds(
    users.keys(),
    (index) => userKey(users.get(index)!),
    (first, next) => written(first) === written(next)
  )
}

function settleLike(results: BatchResults<Payload>, index: number, first: number): void {
  try {
    results.succeed(index, results.outcome(first))
  } catch (error) {
    results.fail(index, error)
  }
}
