import { APIError, type JSONLikeObject } from '@segment/actions-core'
import type { Payload } from './generated-types'
import type { BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { UserInput } from '../client/users'
import { quote } from '../client/quote'

/** "When the Email Changes": the new email becomes the primary one (the default), or Zendesk adds it as a secondary. */
export const EMAIL_CHANGE_CHOICES = [
  { label: 'Make the new email primary', value: 'make_primary' },
  { label: "Keep Zendesk's behaviour: add it as a secondary email", value: 'add_secondary' }
]

const makesPrimary = (payload: Payload) => payload.email_change !== 'add_secondary'

/**
 * After the writes: every user Zendesk updated (not created) with an email that is not its primary one gets
 * that email made primary, verified when the user is to be verified, and, with Remove Old Email, loses the old
 * primary. The primary email is read from the answers this call already had (create_or_update, the lookups of
 * an account without bulk import), else, for users a job reported Updated, from one `users/show_many` per 100;
 * only users whose email really changed cost more (2 to 4 requests). A failure is that event's own error.
 */
export async function makeNewEmailsPrimary(
  client: ZendeskClient,
  payloads: Payload[],
  written: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  const candidates = written.flatMap((index) => {
    const email = inputs.get(index)?.email
    const body = succeeded(results, index)
    const id = body?.id
    if (!email || typeof id !== 'number' || body?.status === 'Created' || !makesPrimary(payloads[index])) return []
    return [{ index, id, email, status: body?.status }]
  })
  // A user whose job result does not say Updated is checked only when an answer showed it.
  const unseen = candidates
    .filter((c) => c.status === 'Updated' && client.users.primaryEmailSeen(c.id) === undefined)
    .map((c) => c.id)
  if (unseen.length > 0) {
    try {
      await client.users.showManyByIds([...new Set(unseen)])
    } catch (error) {
      candidates.filter((c) => unseen.includes(c.id)).forEach((c) => results.fail(c.index, error))
      return
    }
  }
  for (const { index, id, email } of candidates) {
    const primary = client.users.primaryEmailSeen(id)
    // No primary email at all: Zendesk made the one just added primary itself.
    if (!primary || primary.toLowerCase() === email.toLowerCase()) continue
    try {
      await makePrimary(client, id, email, inputs.get(index)?.verified === true, payloads[index].remove_old_email)
    } catch (error) {
      results.fail(index, error)
    }
  }
}

function succeeded(results: BatchResults<Payload>, index: number): JSONLikeObject | undefined {
  try {
    return results.outcome(index)
  } catch {
    return undefined
  }
}

async function makePrimary(
  client: ZendeskClient,
  userId: number,
  email: string,
  verified: boolean,
  removeOld: boolean | undefined
): Promise<void> {
  const emails = (await client.users.identities(userId)).filter((identity) => identity.type === 'email')
  const target = emails.find((identity) => identity.value.toLowerCase() === email.toLowerCase())
  if (!target) {
    throw new APIError(
      `Zendesk updated user ${userId} but shows no email identity ${quote(email)}, so it could not be made primary`,
      404
    )
  }
  const old = emails.find((identity) => identity.primary && identity.id !== target.id)
  if (!target.primary) await client.users.makePrimary(userId, target.id)
  if (verified && !target.verified) await client.users.verifyIdentity(userId, target.id)
  if (removeOld && old) await client.users.deleteIdentity(userId, old.id)
}
