import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { batchSizeField, enableBatchingField } from '../batch/fields'
import { runsPipeline } from '../batch/pipeline'
import { syncModesOf } from '../batch/sync-modes'
import { dynamicFieldsOf } from '../fields/dynamic-fields'
import { receivedAtField } from '../fields/received-at'
import type { Instance } from '../instance'
import { upsertOrganizations } from './batch-upsert'

export default function upsertOrganization(instance: Instance): ActionDefinition<Settings, Payload> {
  return {
    title: 'Upsert Organization',
    description:
      'Create a Zendesk organization, or update the one with the same external ID (the groupId). Custom traits are saved to organization fields, which are created when missing. With a userId, that user becomes a member.',
    defaultSubscription: 'type = "group"',
    fields: {
      external_id: {
        label: 'Group ID',
        description:
          'Your ID for the organization, stored as its Zendesk external ID and used to match it (case-insensitive). Required. Default: groupId.',
        type: 'string',
        required: true,
        default: { '@path': '$.groupId' }
      },
      name: {
        label: 'Name',
        description:
          "The organization's name. Zendesk needs it for a new organization, and names are unique per account. Default: traits.name.",
        type: 'string',
        default: { '@path': '$.traits.name' }
      },
      domain_names: {
        label: 'Domain Names',
        description:
          'Email domains whose users Zendesk adds to the organization, as a list or a comma-separated text. Replaces the list in Zendesk. Default: traits.domainNames.',
        type: 'string',
        multiple: true,
        default: { '@path': '$.traits.domainNames' }
      },
      tags: {
        label: 'Tags',
        description:
          "The organization's tags, as a list or a comma-separated text. Replaces the tags in Zendesk. Default: traits.tags.",
        type: 'string',
        multiple: true,
        default: { '@path': '$.traits.tags' }
      },
      details: {
        label: 'Details',
        description: 'Details about the organization, such as its address. Default: traits.details.',
        type: 'string',
        default: { '@path': '$.traits.details' }
      },
      notes: {
        label: 'Notes',
        description: 'Notes about the organization. Default: traits.notes.',
        type: 'string',
        default: { '@path': '$.traits.notes' }
      },
      url: {
        label: 'Website URL',
        description:
          'The organization\'s website, saved in the custom organization field with key "url" (created when missing): Zendesk\'s own organization url is its read-only API address. Default: traits.url.',
        type: 'string',
        default: { '@path': '$.traits.url' }
      },
      organization_fields: {
        label: 'Organization Fields',
        description:
          "Custom values saved to Zendesk organization fields; the account's organization field keys can be picked. A key uses the existing field with that key (as given, in snake_case or in camelCase); otherwise a field with the snake_case key is created, typed from the value (true/false: checkbox, whole number: integer, other number: decimal, ISO date: date, else text). Keys that cannot be a Zendesk field key (letters, digits and underscores, not only digits) and values that are not single values are skipped and reported. The standard traits (id, name, domainNames, tags, details, notes, url, deleted) are not included. Default: all traits.",
        type: 'object',
        additionalProperties: true,
        dynamic: true,
        default: { '@path': '$.traits' }
      },
      deleted: {
        label: 'Delete Organization',
        description:
          'When true, the organization with this Group ID is deleted instead of upserted; if there is none, nothing happens. Default: traits.deleted.',
        type: 'boolean',
        default: { '@path': '$.traits.deleted' }
      },
      user_external_id: {
        label: 'Member External ID',
        description:
          'The external ID of a user to make a member of the organization. If Zendesk has no such user yet, the organization is still saved and the event fails: retryable while it is less than 15 minutes old (Received At), so the membership is made on a retry, then final. Default: userId.',
        type: 'string',
        default: { '@path': '$.userId' }
      },
      zendesk_user_id: {
        label: 'Member Zendesk User ID',
        description:
          'The Zendesk id of the user to make a member; used instead of Member External ID when set. Default: context.zendesk_user_id.',
        type: 'string',
        default: { '@path': '$.context.zendesk_user_id' }
      },
      received_at: receivedAtField('the member user'),
      enable_batching: enableBatchingField('one lookup, then create and update jobs of up to 100 organizations.'),
      batch_size: batchSizeField('organizations')
    },
    syncMode: syncModesOf('organizations', 'Delete organizations'),
    dynamicFields: { organization_fields: { __keys__: dynamicFieldsOf(instance).organizationFieldKeys } },
    ...runsPipeline(instance, upsertOrganizations)
  }
}
