import { PayloadValidationError, removeUndefined } from '@segment/actions-core'
import type { Payload } from './generated-types'
import { bulkSize } from '../batch/fields'
import type { PipelineContext } from '../batch/pipeline'
import { BatchResults, chunk, mapWithConcurrency, statusOf } from '../batch/results'
import type { ZendeskClient } from '../client'
import { describeUser, type UserInput } from '../client/users'
import { text } from '../fields/text'
import { customTraits, userFieldValues } from './user-fields'
import { FEWEST_FOR_A_JOB } from '../client/constants'
import { jobItemRefusedWithoutName, refusedForMissingName, withFallbackName } from './names'

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
 * Upsert User for a batch (perform runs it on one payload): users go to `users/create_or_update_many` in jobs of
 * up to 100, or as one `users/create_or_update` each when there are too few to pay for a job or the account
 * has no bulk import (403). One result per event: Created or Updated, or the event's own error.
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
  const indexes = [...inputs.keys()]
  if (indexes.length < FEWEST_FOR_A_JOB) await upsertOneByOne(client, indexes, inputs, results)
  else for (const part of chunk(indexes, bulkSize(payloads))) await upsertInJob(client, part, inputs, results)
  return results
}

async function upsertInJob(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  const users = indexes.map((i) => inputs.get(i) as UserInput)
  let outcomes
  try {
    outcomes = await client.users.createOrUpdateMany(users)
  } catch (error) {
    if (statusOf(error) === 403) return upsertOneByOne(client, indexes, inputs, results)
    indexes.forEach((i) => results.fail(i, error))
    return
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
  if (again.length >= FEWEST_FOR_A_JOB) await upsertInJob(client, again, inputs, results)
  else await upsertOneByOne(client, again, inputs, results)
}

/** One create_or_update per user, one at a time (Zendesk allows one a second per account). */
async function upsertOneByOne(
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

function withUser(error: Error, user: UserInput): Error {
  error.message = `${describeUser(user)}: ${error.message}`
  return error
}
