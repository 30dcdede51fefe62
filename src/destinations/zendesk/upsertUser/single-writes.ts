import type { Payload } from './generated-types'
import { mapWithConcurrency, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { UserInput } from '../client/users'
import { writeNamingNew } from './names'

/**
 * One `create_or_update` per user, one at a time: Zendesk allows one such write a second per account, and the
 * client's pacer spaces them. A new user without a name is sent once more, named (`writeNamingNew`).
 */
export async function upsertOneByOne(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  await mapWithConcurrency(indexes, 1, async (index) => {
    try {
      const { user, created } = await writeNamingNew(inputs.get(index) as UserInput, (input) =>
        client.users.createOrUpdate(input)
      )
      results.succeed(index, { id: user.id, status: created ? 'Created' : 'Updated' })
    } catch (error) {
      results.fail(index, error)
    }
  })
}
