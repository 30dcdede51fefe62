import type { OAuthServer } from './oauth-server'
import { invalidGrant, invalidRequest, OAuthError } from './errors'
import { lifetimesFor } from './lifetimes'
import { tokenAnswer } from './tokens'
import type { OAuthTokenAnswer } from './types'

/** The parameters of a token request, from a JSON or form body. */
export type TokenParams = Record<string, unknown>

function required(params: TokenParams, name: string): string {
  const value = params[name]
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name} is required`)
  return value
}

/**
 * Answers `POST /oauth/tokens`: the client first (invalid_client), then the lifetimes asked for, then the grant.
 * `userId` is the person a client credentials token acts as (the account's admin).
 */
export function grantToken(oauth: OAuthServer, params: TokenParams, userId: number): OAuthTokenAnswer {
  const grantType = required(params, 'grant_type')
  if (!['authorization_code', 'refresh_token', 'client_credentials'].includes(grantType)) {
    throw new OAuthError(
      'unsupported_grant_type',
      'grant_type must be authorization_code, refresh_token or client_credentials'
    )
  }
  const client = oauth.clients.authenticate(required(params, 'client_id'), params.client_secret)
  const lifetimes = lifetimesFor(client, {
    expiresIn: params.expires_in,
    refreshTokenExpiresIn: params.refresh_token_expires_in
  })
  const clientIdentifier = client.identifier

  if (grantType === 'authorization_code') {
    const code = required(params, 'code')
    const redirectUri = required(params, 'redirect_uri')
    const grant = oauth.codes.redeem(code, { clientIdentifier, redirectUri, codeVerifier: params.code_verifier })
    const { userId: owner, scope } = grant
    return tokenAnswer(
      oauth.tokens.issue({ clientIdentifier, userId: owner, scope, withRefreshToken: true, lifetimes })
    )
  }

  if (grantType === 'refresh_token') {
    const previous = oauth.tokens.liveRefreshToken(required(params, 'refresh_token'))
    if (!previous || previous.clientIdentifier !== clientIdentifier) {
      throw invalidGrant('The refresh token is unknown, expired, revoked or issued to another client.')
    }
    // Rotation (announced): the new pair replaces the previous one, whose tokens both stop working.
    oauth.tokens.revoke(previous)
    const { userId: owner, scope } = previous
    return tokenAnswer(
      oauth.tokens.issue({ clientIdentifier, userId: owner, scope, withRefreshToken: true, lifetimes })
    )
  }

  if (client.kind !== 'confidential') {
    throw new OAuthError('unauthorized_client', 'Only confidential clients may use the client_credentials grant.')
  }
  const scope = required(params, 'scope')
  return tokenAnswer(oauth.tokens.issue({ clientIdentifier, userId, scope, withRefreshToken: false, lifetimes }))
}
