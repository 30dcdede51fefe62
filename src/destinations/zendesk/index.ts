import { defaultValues, InvalidAuthenticationError, type DestinationDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { checkCredentials, normaliseSubdomain } from './settings/settings'
import { instanceOf, type DestinationOptions } from './instance'
import { renewConnection } from './connection/renew'
import upsertUser from './upsertUser'
import updateOrganizationMembership from './updateOrganizationMembership'
import upsertOrganization from './upsertOrganization'
import trackEvent from './trackEvent'
import createTicket from './createTicket'
import updateTicket from './updateTicket'
import upsertCustomObjectRecord from './upsertCustomObjectRecord'
import { deleteUserByExternalId } from './on-delete'

export type { DestinationOptions }
export { zendeskOAuth } from './connection/host'
export type { ZendeskTokens } from './client/oauth'

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
    updateTicket: updateTicket(instance),
    upsertCustomObjectRecord: upsertCustomObjectRecord(instance)
  }
  return {
    name: 'Zendesk',
    slug: 'actions-zendesk',
    mode: 'cloud',
    description:
      'Send identify, group and track events to Zendesk as users, organizations, memberships, events, tickets and custom object records.',
    authentication: {
      // The host keeps the connection in settings.oauth (access_token, refresh_token, clientId, clientSecret);
      // actions-core renews it through refreshAccessToken on a 401 and hands the new tokens to onTokenRefresh.
      scheme: 'oauth2',
      fields: {
        subdomain: {
          label: 'Subdomain',
          description:
            'Your Zendesk subdomain: "acme" for https://acme.zendesk.com. A pasted acme.zendesk.com address is accepted too.',
          type: 'string',
          required: true
        },
        email: {
          label: 'Email (legacy)',
          description:
            'Legacy, with API Token: the email of the Zendesk agent (an admin) whose API token you use. Leave empty when the account is connected.',
          type: 'string'
        },
        api_token: {
          label: 'API Token (legacy)',
          description:
            'Legacy: a Zendesk API token, used with Email. Zendesk issues no new API tokens since 2026-10-27 and ends them all on 2027-04-30: connect the account instead.',
          type: 'password'
        },
        oauth_token: {
          label: 'OAuth Token (legacy)',
          description:
            'Legacy: a pasted Zendesk OAuth access token, used as it is and never renewed (tokens of OAuth clients made since 2026-04-30 expire in 30 minutes): connect the account instead.',
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
      // Checks the credential it is given and never renews it: a renewal here would rotate a refresh token the
      // host does not store.
      testAuthentication: async (request, { settings, auth }) => {
        // Zendesk answers wrong credentials on users/me with 200 and an anonymous user.
        const client = instance.clientFor(request, settings, auth, { asGiven: true })
        if ((await client.users.myId()) === null) {
          throw new InvalidAuthenticationError(
            'Zendesk did not recognise these credentials (it answered as an anonymous user).'
          )
        }
        return true
      },
      refreshAccessToken: (request, { settings, auth }) => renewConnection(request, settings, auth, instance)
    },

    // The client sets each request's Authorization itself (the connection's newest token, or the legacy
    // credential), so the token endpoint gets none.
    extendRequest({ settings, auth }) {
      normaliseSubdomain(settings.subdomain)
      checkCredentials(settings, auth)
      return { headers: { Accept: 'application/json' } }
    },

    // Custom object records go to an object the user picks, for an event they name: that action is no preset.
    presets: Object.entries(actions)
      .filter(([key]) => key !== 'upsertCustomObjectRecord')
      .map(([key, action]) => ({
        name: action.title,
        subscribe: action.defaultSubscription as string,
        partnerAction: key,
        mapping: defaultValues(action.fields),
        type: 'automatic' as const
      })),

    onDelete: async (request, { settings, payload, auth }) => {
      return deleteUserByExternalId(instance.clientFor(request, settings, auth), payload.userId)
    },

    actions
  }
}

export default createDestination()
