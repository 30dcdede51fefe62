import { PayloadValidationError, type ActionDefinition, type JSONLikeObject } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { BatchResults, mapWithConcurrency } from '../batch'
import { ZendeskClient } from '../client'
import { idSegment } from '../client/http'
import { externalIdKey } from '../client/organizations'
import { hasReference, type UserReference } from '../find-user'
import { addMembership, removeMembership, type OrganizationTarget } from '../organization-membership'

const CONCURRENCY = 4

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined

interface Request {
  organizationExternalId: string
  user: UserReference
  remove: boolean
}

function validate(payload: Payload): Request {
  const organizationExternalId = text(payload.organization_external_id)
  if (!organizationExternalId) {
    throw new PayloadValidationError(
      'Update Organization Membership needs organization_external_id (traits.company.id), and it is empty.'
    )
  }
  const user = { zendesk_user_id: payload.zendesk_user_id, external_id: payload.external_id, email: payload.email }
  if (text(payload.zendesk_user_id)) idSegment(payload.zendesk_user_id, 'zendesk_user_id')
  if (!hasReference(user)) {
    throw new PayloadValidationError(
      'Update Organization Membership needs a user: zendesk_user_id (context.zendesk_user_id), external_id (userId) or email (traits.email), and all are empty.'
    )
  }
  return { organizationExternalId, user, remove: payload.remove === true }
}

async function apply(
  client: ZendeskClient,
  request: Request,
  organization: OrganizationTarget
): Promise<JSONLikeObject> {
  const membership = request.remove
    ? await removeMembership(client, request.user, organization)
    : await addMembership(client, request.user, organization)
  return { organization_id: organization.id ?? null, membership }
}

const action: ActionDefinition<Settings, Payload> = {
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
    enable_batching: {
      label: 'Send in Batches',
      description:
        'Process events in batches: each organization is looked up once per batch, and events run a few at a time. Default: true.',
      type: 'boolean',
      default: true
    }
  },

  perform: async (request, { payload, settings }) => {
    const membership = validate(payload)
    const client = new ZendeskClient(request, settings)
    const organization = await client.organizations.findByExternalId(membership.organizationExternalId)
    return apply(client, membership, { externalId: membership.organizationExternalId, id: organization?.id })
  },

  performBatch: async (request, { payload: payloads, settings }) => {
    const results = new BatchResults(payloads)
    const client = new ZendeskClient(request, settings)
    const requests = new Map<number, Request>()
    payloads.forEach((payload, index) => {
      try {
        requests.set(index, validate(payload))
      } catch (error) {
        results.fail(index, error)
      }
    })
    let organizations
    try {
      organizations = await client.organizations.findManyByExternalIds(
        [...requests.values()].map((r) => r.organizationExternalId)
      )
    } catch (error) {
      requests.forEach((_, index) => results.fail(index, error))
      return results.toMultiStatus()
    }
    // Events for the same organization run in order, so an add followed by a remove ends removed.
    const byOrganization = new Map<string, number[]>()
    for (const [index, { organizationExternalId }] of requests) {
      const key = externalIdKey(organizationExternalId)
      byOrganization.set(key, [...(byOrganization.get(key) ?? []), index])
    }
    await mapWithConcurrency([...byOrganization.values()], CONCURRENCY, async (indexes) => {
      for (const index of indexes) {
        const membership = requests.get(index) as Request
        const id = organizations.get(externalIdKey(membership.organizationExternalId))?.id
        try {
          results.succeed(index, await apply(client, membership, { externalId: membership.organizationExternalId, id }))
        } catch (error) {
          results.fail(index, error)
        }
      }
    })
    return results.toMultiStatus()
  }
}

export default action
