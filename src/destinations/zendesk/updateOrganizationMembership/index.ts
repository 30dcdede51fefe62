import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { enableBatchingField } from '../batch/fields'
import { runsPipeline } from '../batch/pipeline'
import { receivedAtField } from '../fields/received-at'
import type { Instance } from '../instance'
import { updateMemberships } from './update'

export default function updateOrganizationMembership(instance: Instance): ActionDefinition<Settings, Payload> {
  return {
    title: 'Update Organization Membership',
    description:
      'Add a user to a Zendesk organization, or remove them from it when traits.company.remove is true. The organization is the one whose external ID is traits.company.id (the groupId of your group calls).',
    defaultSubscription: 'type = "identify" and traits.company.id != null',
    fields: {
      organization_external_id: {
        label: 'Organization External ID',
        description:
          'The external ID of the Zendesk organization (the groupId of your group calls). Required. Default: traits.company.id.',
        type: 'string',
        required: true,
        default: { '@path': '$.traits.company.id' }
      },
      remove: {
        label: 'Remove From Organization',
        description:
          'When true, the user is removed from the organization (not being a member is success); otherwise the user is added (already being one is success). Default: traits.company.remove.',
        type: 'boolean',
        default: { '@path': '$.traits.company.remove' }
      },
      zendesk_user_id: {
        label: 'Zendesk User ID',
        description: 'The Zendesk id of the user; when set, no lookup is needed. Default: context.zendesk_user_id.',
        type: 'string',
        default: { '@path': '$.context.zendesk_user_id' }
      },
      external_id: {
        label: 'User External ID',
        description: 'Finds the user by their Zendesk external ID when Zendesk User ID is empty. Default: userId.',
        type: 'string',
        default: { '@path': '$.userId' }
      },
      email: {
        label: 'Email',
        description:
          'Finds the user by email when neither Zendesk User ID nor a user with User External ID is found. Default: traits.email.',
        type: 'string',
        default: { '@path': '$.traits.email' }
      },
      received_at: receivedAtField('on add, the user or the organization'),
      enable_batching: enableBatchingField(
        'users and organizations are looked up once per batch, and memberships are added in bulk.'
      )
    },
    ...runsPipeline(instance, updateMemberships)
  }
}
