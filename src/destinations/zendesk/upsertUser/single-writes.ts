import type { Payload } from './generated-types'
import { mapWithConcurrency, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { UserInput } from '../client/users'
import { refusedForMissingName, withFallbackName } from './names'

/**
 * One `create_or_update` per user, one at a time: Zendesk allows one such write a second per account, and the
 * client's pacer spaces them.
 */
export async function upsertOneByOne(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  await mapWithConcurrency(indexes, 1, async (index) => {
    try {
      const { user, created } = await createOrUpdateNamingNew(client, inputs.get(index) as UserInput)
      results.succeed(index, { id: user.id, status: created ? 'Created' : 'Updated' })
    } catch (error) {
      results.fail(index, error)
    }
  })
}

/**
 * `create_or_update` without a name when the identify had none, so an existing user's name is kept; a new user,
 * which Zendesk refuses without a name, is sent once more with one made from its email or external_id.
 */
async function createOrUpdateNamingNew(client: ZendeskClient, user: UserInput) {
  try {
    return await client.users.createOrUpdate(user)
  } catch (error) {
    const named = refusedForMissingName(error, user) ? withFallbackName(user) : undefined
    if (!named) throw error
    return client.users.createOrUpdate(named)
  }
}
