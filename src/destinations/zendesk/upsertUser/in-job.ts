import type { Payload } from './generated-types'
import { statusOf, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import { FEWEST_FOR_A_JOB } from '../client/constants'
import type { UserInput } from '../client/users'
import { jobItemRefusedWithoutName, withFallbackName } from './names'
import { upsertOneByOne } from './single-writes'
import { withUser } from './without-bulk-import'

/**
 * Users in one `users/create_or_update_many` job, one result each. Its 403 (the account has no bulk import) is
 * answered to the caller, which takes another path; users refused for want of a name go once more, named.
 */
export async function upsertInJob(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<'bulk import off' | undefined> {
  const users = indexes.map((i) => inputs.get(i) as UserInput)
  let outcomes
  try {
    outcomes = await client.users.createOrUpdateMany(users)
  } catch (error) {
    if (statusOf(error) === 403) return 'bulk import off'
    indexes.forEach((i) => results.fail(i, error))
    return undefined
  }
  const again: number[] = []
  outcomes.forEach((outcome, position) => {
    const index = indexes[position]
    const named =
      !outcome.ok && jobItemRefusedWithoutName(outcome.error, users[position])
        ? withFallbackName(users[position])
        : undefined
    if (named) {
      inputs.set(index, named)
      again.push(index)
    } else if (outcome.ok) results.succeed(index, { id: outcome.id ?? null, status: outcome.status ?? null })
    else results.fail(index, withUser(outcome.error, users[position]))
  })
  // Users refused for want of a name go once more, named: one more request for them only.
  const retried = again.length >= FEWEST_FOR_A_JOB ? await upsertInJob(client, again, inputs, results) : 'alone'
  if (retried) await upsertOneByOne(client, again, inputs, results)
  return undefined
}
