import { createRequestClient } from '@segment/actions-core'
import { ZendeskClient } from '../client'
import { ZendeskHttp } from '../client/http'
import { OAuthApi, type ZendeskTokens } from '../client/oauth'
import type { Settings } from '../generated-types'
import { instanceOf, type DestinationOptions } from '../instance'
import { zendeskOrigin } from '../settings/origin'
import { CONNECTION_SCOPE } from './renew'

/** Where Zendesk sends the person back after the consent screen, and what proves the answer is ours. */
export interface AuthorizationRequest {
  subdomain: string
  clientId: string
  redirectUri: string
  state: string
  /** base64url(sha256(code_verifier)): PKCE S256. */
  codeChallenge: string
  scope?: string
}

export interface CodeExchange {
  subdomain: string
  clientId: string
  /** A confidential client's secret; a public client proves itself with the code verifier alone. */
  clientSecret?: string
  code: string
  codeVerifier: string
  redirectUri: string
}

export interface ClientCredentialsRequest {
  subdomain: string
  clientId: string
  clientSecret: string
  scope?: string
}

/** Who a connection acts as, for a host to show (never a token). */
export interface ConnectedAgent {
  id: number
  name?: string
  email?: string
}

/**
 * What a host needs to make, check and end a connection to a Zendesk account — the parts actions-core leaves to
 * the host: the consent screen's address, the code exchange, client credentials, who is connected, revocation.
 * Every request goes through the destination's one door to Zendesk (`options.origin` for the simulator).
 */
export function zendeskOAuth(options: DestinationOptions = {}) {
  const instance = instanceOf(options)
  const origin = (subdomain: string) => zendeskOrigin(subdomain, instance.simulator)
  const tokenApi = (subdomain: string, secrets: (string | undefined)[]) =>
    new OAuthApi(
      new ZendeskHttp(
        createRequestClient(),
        origin(subdomain),
        secrets.filter((secret): secret is string => !!secret)
      ),
      instance.clock
    )
  const apiClient = (settings: Settings, accessToken: string) =>
    new ZendeskClient(createRequestClient(), settings, instance, { accessToken }, { asGiven: true })

  return {
    /** Zendesk's consent screen for this request (`/oauth/authorizations/new`, authorization code with PKCE). */
    authorizationUrl(request: AuthorizationRequest): string {
      const url = new URL(`${origin(request.subdomain)}/oauth/authorizations/new`)
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: request.clientId,
        redirect_uri: request.redirectUri,
        scope: request.scope ?? CONNECTION_SCOPE,
        state: request.state,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256'
      }).toString()
      return url.toString()
    },

    exchangeCode(exchange: CodeExchange): Promise<ZendeskTokens> {
      return tokenApi(exchange.subdomain, [exchange.clientSecret, exchange.code, exchange.codeVerifier]).grant({
        grant_type: 'authorization_code',
        code: exchange.code,
        client_id: exchange.clientId,
        ...(exchange.clientSecret && { client_secret: exchange.clientSecret }),
        code_verifier: exchange.codeVerifier,
        redirect_uri: exchange.redirectUri
      })
    },

    clientCredentials(request: ClientCredentialsRequest): Promise<ZendeskTokens> {
      return tokenApi(request.subdomain, [request.clientSecret]).grant({
        grant_type: 'client_credentials',
        client_id: request.clientId,
        client_secret: request.clientSecret,
        scope: request.scope ?? CONNECTION_SCOPE
      })
    },

    /** The agent an access token acts as (`users/me`); undefined when Zendesk answers as an anonymous user. */
    async connectedAgent(settings: Settings, accessToken: string): Promise<ConnectedAgent | undefined> {
      return apiClient(settings, accessToken).users.me()
    },

    /** Revokes the access token at Zendesk (and with it its refresh token). */
    revoke(settings: Settings, accessToken: string): Promise<void> {
      return apiClient(settings, accessToken).oauth.revokeCurrent()
    }
  }
}
