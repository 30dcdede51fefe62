import { InvalidAuthenticationError, type OAuth2ClientCredentials, type RequestClient } from '@segment/actions-core'
import { ErrorCodes } from '@segment/actions-core'
import { ZendeskHttp } from '../client/http'
import { OAuthApi, RECONNECT_HINT, type TokenGrant, type ZendeskTokens } from '../client/oauth'
import type { ConnectionToRenew } from '../client/token-renewals'
import type { Settings } from '../generated-types'
import type { Instance } from '../instance'
import { zendeskOrigin } from '../settings/origin'

/** Scopes asked for with client credentials: the actions read and write users, organizations, fields and tickets. */
export const CONNECTION_SCOPE = 'read write'

/**
 * actions-core's `refreshAccessToken`: new tokens for the connection in `settings.oauth`. With a refresh token,
 * `grant_type=refresh_token` (Zendesk rotates: the new refresh token goes back to the host, the old pair dies);
 * with a client id and secret and no refresh token, `grant_type=client_credentials`. Renewals of one connection
 * in this instance share one token request.
 */
export async function renewConnection(
  request: RequestClient,
  settings: Settings,
  connection: OAuth2ClientCredentials,
  instance: Instance
): Promise<ZendeskTokens> {
  const account = zendeskOrigin(settings.subdomain, instance.simulator)
  const given: ConnectionToRenew = {
    accessToken: connection.accessToken || undefined,
    refreshToken: connection.refreshToken || undefined,
    clientId: connection.clientId || undefined,
    clientSecret: connection.clientSecret || undefined
  }
  return instance.tokenRenewals.renew(account, given, async (toRenew) => {
    const secrets = [toRenew.accessToken, toRenew.refreshToken, toRenew.clientSecret].filter(
      (secret): secret is string => !!secret && secret.length >= 4
    )
    return new OAuthApi(new ZendeskHttp(request, account, secrets), instance.clock).grant(grantFor(toRenew))
  })
}

function grantFor(connection: ConnectionToRenew): TokenGrant {
  const { accessToken, refreshToken, clientId, clientSecret } = connection
  if (!clientId && !accessToken && !refreshToken) {
    throw new InvalidAuthenticationError(
      'There is no Zendesk connection to renew: connect the Zendesk account, or check the legacy Email and API Token, or OAuth Token.',
      ErrorCodes.OAUTH_REFRESH_FAILED
    )
  }
  if (!clientId) {
    throw new InvalidAuthenticationError(
      `The Zendesk connection has no OAuth client id, so it cannot be renewed. ${RECONNECT_HINT}`,
      ErrorCodes.OAUTH_REFRESH_FAILED
    )
  }
  if (refreshToken) {
    return {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
      ...(clientSecret && { client_secret: clientSecret })
    }
  }
  if (clientSecret) {
    return {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: CONNECTION_SCOPE
    }
  }
  throw new InvalidAuthenticationError(
    `The Zendesk connection has no refresh token and no client secret, so it cannot be renewed. ${RECONNECT_HINT}`,
    ErrorCodes.OAUTH_REFRESH_FAILED
  )
}
