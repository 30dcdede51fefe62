import { PayloadValidationError, removeUndefined } from '@segment/actions-core'
import type { PipelineContext } from '../batch/pipeline'
import type { BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { UserInput } from '../client/users'
import { text } from '../fields/text'
import type { Payload } from './generated-types'
import { customTraits, userFieldValues } from './user-fields'

/**
 * The users of a batch as Zendesk takes them, by event index. An event that cannot be one is settled with why;
 * without the user field list (one failed read) no event can be, and the whole batch is settled with that error.
 */
export async function userInputs(
  client: ZendeskClient,
  payloads: Payload[],
  context: PipelineContext,
  results: BatchResults<Payload>
): Promise<Map<number, UserInput>> {
  const inputs = new Map<number, UserInput>()
  if (payloads.some((p) => customTraits(p.user_fields).length > 0)) {
    try {
      await client.fieldLists.list('user_fields')
    } catch (error) {
      payloads.forEach((_, index) => results.fail(index, error))
      return inputs
    }
  }
  for (const [index, payload] of payloads.entries()) {
    try {
      validate(payload)
      inputs.set(index, await userInput(client, payload, context))
    } catch (error) {
      results.fail(index, error)
    }
  }
  return inputs
}

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
