import { defaultValues, InvalidAuthenticationError, type DestinationDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { authorizationHeader, normaliseSubdomain } from './settings/settings'
import { instanceOf, type DestinationOptions } from './instance'
import upsertUser from './upsertUser'
import updateOrganizationMembership from './updateOrganizationMembership'
import upsertOrganization from './upsertOrganization'
import trackEvent from './trackEvent'
import createTicket from './createTicket'
import updateTicket from './updateTicket'
import { deleteUserByExternalId } from './on-delete'

export type { DestinationOptions }

/**
 * A destination definition bound to its options and with caches of its own. Production needs no options; the
 * tests, the bench and the local host pass the simulator's loopback origin and shorter job polling.
 */
export function createDestination(options: DestinationOptions = {}): DestinationDefinition<Settings> {
  const instance = instanceOf(options)
  const actions = {
    upsertUser: upsertUser(instance),
    updateOrganizationMembership: updateOrganizationMembership(instance),
    upsertOrganization: upsertOrganization(instance),
    trackEvent: trackEvent(instance),
    createTicket: createTicket(instance),
    updateTicket: updateTicket(instance)
  }
  return {
    name: 'Zendesk',
    slug: 'actions-zendesk',
    mode: 'cloud',
    description:
      'Send identify, group and track events to Zendesk as users, organizations, memberships, events and tickets.',
    authentication: {
      scheme: 'custom',
      fields: {
        subdomain: {
          label: 'Subdomain',
          description:
            'Your Zendesk subdomain: "acme" for https://acme.zendesk.com. A pasted acme.zendesk.com address is accepted too.',
          type: 'string',
          required: true
        },
        email: {
          label: 'Email',
          description:
            'The email of the Zendesk agent (an admin) whose API token you use. Leave empty with an OAuth token.',
          type: 'string'
        },
        api_token: {
          label: 'API Token',
          description: 'A Zendesk API token (Admin Center › Apps and integrations › Zendesk API). Used with Email.',
          type: 'password'
        },
        oauth_token: {
          label: 'OAuth Token',
          description: 'Instead of Email and API Token: a Zendesk OAuth access token with read and write scopes.',
          type: 'password'
        },
        skip_verify_email: {
          label: 'Skip Verify Email',
          description: 'Zendesk sends no verification email to users this destination creates. Default: off.',
          type: 'boolean',
          default: false
        },
        create_users_as_verified: {
          label: 'Create Users as Verified',
          description:
            'Users are created with their email already verified (use when you verified it yourself). Default: off.',
          type: 'boolean',
          default: false
        }
      },
      testAuthentication: async (request, { settings }) => {
        // Zendesk answers wrong credentials on users/me with 200 and an anonymous user.
        if ((await instance.clientFor(request, settings).users.myId()) === null) {
          throw new InvalidAuthenticationError(
            'Zendesk did not recognise these credentials (it answered as an anonymous user).'
          )
        }
        return true
      }
    },

    extendRequest({ settings }) {
      normaliseSubdomain(settings.subdomain)
      return { headers: { Authorization: authorizationHeader(settings), Accept: 'application/json' } }
    },

    presets: Object.entries(actions).map(([key, action]) => ({
      name: action.title,
      subscribe: action.defaultSubscription as string,
      partnerAction: key,
      mapping: defaultValues(action.fields),
      type: 'automatic' as const
    })),

    onDelete: async (request, { settings, payload }) => {
      return deleteUserByExternalId(instance.clientFor(request, settings), payload.userId)
    },

    actions
  }
}

export default createDestination()
