import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { batchSizeField, enableBatchingField } from '../batch/fields'
import { runsPipeline } from '../batch/pipeline'
import { syncModesOf } from '../batch/sync-modes'
import { dynamicFieldsOf } from '../fields/dynamic-fields'
import type { Instance } from '../instance'
import { EMAIL_CHANGE_CHOICES } from './email-change'
import { upsertUsers } from './upsert'

export default function upsertUser(instance: Instance): ActionDefinition<Settings, Payload> {
  return {
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
        description:
          'Do not send Zendesk\'s verification email to a new user. Default: the "Skip Verify Email" setting.',
        type: 'boolean'
      },
      verified: {
        label: 'Create As Verified',
        description: 'Mark the user\'s email as verified. Default: the "Create Users as Verified" setting.',
        type: 'boolean'
      },
      email_change: {
        label: 'When the Email Changes',
        description:
          "What happens when an existing user is sent an email that is not its primary one: make it the primary email (verified when Create As Verified is on), or keep Zendesk's behaviour of adding it as a secondary email. Default: make it primary.",
        type: 'string',
        choices: EMAIL_CHANGE_CHOICES,
        default: 'make_primary'
      },
      remove_old_email: {
        label: 'Remove Old Email',
        description:
          'When a new email is made primary, remove the old one from the user: the address is then free for another user. Kept, the user can still be found by it. Default: kept.',
        type: 'boolean',
        default: false
      },
      enable_batching: enableBatchingField(
        'users are sent to Zendesk in bulk (up to 100 per request); accounts without bulk import fall back to one request per user.'
      ),
      batch_size: batchSizeField('users')
    },
    syncMode: syncModesOf('users', 'Delete users (soft delete)'),
    dynamicFields: { user_fields: { __keys__: dynamicFieldsOf(instance).userFieldKeys } },
    ...runsPipeline(instance, upsertUsers)
  }
}
