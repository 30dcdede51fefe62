import { PayloadValidationError, removeUndefined, type ActionDefinition, type Logger } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { BatchResults, chunk, mapWithConcurrency, statusOf } from '../batch/results'
import { ZendeskClient } from '../client'
import { customFields } from '../client/fields'
import { followJob } from '../client/jobs'
import { describeUser, type UserInput } from '../client/users'
import { userFieldKeys } from '../fields/dynamic-fields'
import { customTraits, userFieldValues } from './user-fields'
import { batchSizeField, bulkSize, enableBatchingField } from '../batch/fields'
import { text } from '../fields/text'

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

async function userInput(client: ZendeskClient, payload: Payload, settings: Settings, logger?: Logger) {
  const user: UserInput = {
    email: text(payload.email),
    name: fullName(payload),
    external_id: text(payload.external_id),
    organization_id: payload.organization_id ?? undefined,
    time_zone: text(payload.time_zone),
    phone: text(payload.phone),
    user_fields: await userFieldValues(client.http, payload.user_fields, logger),
    skip_verify_email: payload.skip_verify_email ?? settings.skip_verify_email ?? false
  }
  const verified = payload.verified ?? settings.create_users_as_verified
  if (verified) user.verified = true
  return removeUndefined(user)
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert User',
  description:
    'Create a Zendesk user, or update the user with the same external ID or email. Custom traits are saved to the user fields that exist in Zendesk.',
  defaultSubscription: 'type = "identify"',
  fields: {
    email: {
      label: 'Email',
      description: "The user's email address. Zendesk matches an existing user on it. Default: traits.email.",
      type: 'string',
      default: { '@path': '$.traits.email' }
    },
    external_id: {
      label: 'External ID',
      description: 'Your ID for the user, stored as its Zendesk external ID and used to match it. Default: userId.',
      type: 'string',
      default: { '@path': '$.userId' }
    },
    name: {
      label: 'Name',
      description: "The user's full name; required by Zendesk when the user is new. Default: traits.name.",
      type: 'string',
      default: { '@path': '$.traits.name' }
    },
    first_name: {
      label: 'First Name',
      description: 'Used with Last Name when Name is empty. Default: traits.first_name, else traits.firstName.',
      type: 'string',
      default: {
        '@if': {
          exists: { '@path': '$.traits.first_name' },
          then: { '@path': '$.traits.first_name' },
          else: { '@path': '$.traits.firstName' }
        }
      }
    },
    last_name: {
      label: 'Last Name',
      description: 'Used with First Name when Name is empty. Default: traits.last_name, else traits.lastName.',
      type: 'string',
      default: {
        '@if': {
          exists: { '@path': '$.traits.last_name' },
          then: { '@path': '$.traits.last_name' },
          else: { '@path': '$.traits.lastName' }
        }
      }
    },
    organization_id: {
      label: 'Organization ID',
      description:
        "A Zendesk organization id (a number). Zendesk makes it the user's only organization. Default: traits.organizationId.",
      type: 'integer',
      default: { '@path': '$.traits.organizationId' }
    },
    time_zone: {
      label: 'Time Zone',
      description: 'The user\'s time zone, e.g. "Berlin" or "America/New_York". Default: traits.timezone.',
      type: 'string',
      default: { '@path': '$.traits.timezone' }
    },
    phone: {
      label: 'Phone',
      description: "The user's phone number, best in E.164 form (+15551234567). Default: traits.phone.",
      type: 'string',
      default: { '@path': '$.traits.phone' }
    },
    user_fields: {
      label: 'User Fields',
      description:
        "Custom values saved to Zendesk user fields; the account's user field keys can be picked. A value is sent only when a user field with that key (as given, in snake_case or in camelCase) exists in Zendesk; others are logged and skipped. Default: all traits.",
      type: 'object',
      additionalProperties: true,
      dynamic: true,
      default: { '@path': '$.traits' }
    },
    skip_verify_email: {
      label: 'Skip Verify Email',
      description: 'Do not send Zendesk\'s verification email to a new user. Default: the "Skip Verify Email" setting.',
      type: 'boolean'
    },
    verified: {
      label: 'Create As Verified',
      description: 'Mark the user\'s email as verified. Default: the "Create Users as Verified" setting.',
      type: 'boolean'
    },
    enable_batching: enableBatchingField(
      'users are sent to Zendesk in bulk (up to 100 per request); accounts without bulk import fall back to one request per user.'
    ),
    batch_size: batchSizeField('users')
  },
  dynamicFields: { user_fields: { __keys__: userFieldKeys } },

  perform: async (request, { payload, settings, logger }) => {
    validate(payload)
    const client = new ZendeskClient(request, settings)
    const user = await userInput(client, payload, settings, logger)
    const result = await client.users.createOrUpdate(user)
    return { id: result.user.id, created: result.created }
  },

  performBatch: async (request, { payload: payloads, settings, logger }) => {
    const results = new BatchResults(payloads)
    const client = new ZendeskClient(request, settings)
    const inputs = new Map<number, UserInput>()
    if (payloads.some((p) => customTraits(p.user_fields).length > 0)) {
      try {
        await customFields(client.http, 'user_fields')
      } catch (error) {
        // Without the field list no event can be built; one failed read settles the whole batch.
        payloads.forEach((_, index) => results.fail(index, error))
        return results.toMultiStatus()
      }
    }
    for (const [index, payload] of payloads.entries()) {
      try {
        validate(payload)
        inputs.set(index, await userInput(client, payload, settings, logger))
      } catch (error) {
        results.fail(index, error)
      }
    }
    const size = bulkSize(payloads)
    for (const indexes of chunk([...inputs.keys()], size)) {
      await upsertChunk(client, indexes, inputs, results)
    }
    return results.toMultiStatus()
  }
}

async function upsertChunk(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  const users = indexes.map((i) => inputs.get(i) as UserInput)
  let job
  try {
    job = await client.users.createOrUpdateMany(users)
  } catch (error) {
    if (statusOf(error) === 403) return upsertOneByOne(client, indexes, inputs, results)
    indexes.forEach((i) => results.fail(i, error))
    return
  }
  const outcomes = await followJob(client.http, job, users.length)
  outcomes.forEach((outcome, position) => {
    const index = indexes[position]
    if (outcome.ok) results.succeed(index, { id: outcome.id ?? null, status: outcome.status ?? null })
    else results.fail(index, withUser(outcome.error, users[position]))
  })
}

/** Bulk import is off on this account (403): one create_or_update per user, one at a time (1/s account limit). */
async function upsertOneByOne(
  client: ZendeskClient,
  indexes: number[],
  inputs: Map<number, UserInput>,
  results: BatchResults<Payload>
): Promise<void> {
  await mapWithConcurrency(indexes, 1, async (index) => {
    try {
      const { user, created } = await client.users.createOrUpdate(inputs.get(index) as UserInput)
      results.succeed(index, { id: user.id, status: created ? 'Created' : 'Updated' })
    } catch (error) {
      results.fail(index, error)
    }
  })
}

function withUser(error: Error, user: UserInput): Error {
  error.message = `${describeUser(user)}: ${error.message}`
  return error
}

export default action
