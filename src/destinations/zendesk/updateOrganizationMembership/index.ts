import { PayloadValidationError, type ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { BatchResults } from '../batch/results'
import { ZendeskClient } from '../client'
import { idSegment } from '../client/http'
import { externalIdKey } from '../client/organizations'
import { findUserIds, hasReference, type UserReference } from '../lookups/users'
import { findOrganization, findOrganizations, type OrganizationTarget } from '../lookups/organizations'
import { addMembership, removeMembership } from '../memberships/memberships'
import { applyInBatch, type Membership } from './batch'
import { enableBatchingField } from '../batch/fields'
import { text } from '../fields/text'

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
    enable_batching: enableBatchingField(
      'users and organizations are looked up once per batch, and memberships are added in bulk.'
    )
  },

  perform: async (request, { payload, settings }) => {
    const membership = validate(payload)
    const client = new ZendeskClient(request, settings)
    const organization = await findOrganization(client, membership.organizationExternalId)
    return membership.remove
      ? removeMembership(client, membership.user, organization)
      : addMembership(client, membership.user, organization)
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
    const organizations = await findOrganizations(
      client,
      [...requests.values()].map((r) => r.organizationExternalId)
    )
    const changes: (Request & { index: number; organization: OrganizationTarget })[] = []
    for (const [index, change] of requests) {
      const organization = organizations.get(externalIdKey(change.organizationExternalId))!
      if (organization.ok) changes.push({ ...change, index, organization: organization.value })
      else results.fail(index, organization.error)
    }
    // A remove from an organization Zendesk does not have needs no user: there is nothing to remove.
    const needUser = changes.filter((c) => !c.remove || c.organization.id !== undefined)
    const lookups = await findUserIds(
      client,
      needUser.map((c) => c.user)
    )
    const userOf = new Map(needUser.map((c, position) => [c.index, lookups[position]]))
    const memberships: Membership[] = []
    for (const { index, remove, user, organization } of changes) {
      const lookup = userOf.get(index) ?? { ok: true, id: undefined }
      if (lookup.ok) memberships.push({ index, remove, member: { ref: user, id: lookup.id }, organization })
      else results.fail(index, lookup.error)
    }
    await applyInBatch(client, memberships, results)
    return results.toMultiStatus()
  }
}

export default action
