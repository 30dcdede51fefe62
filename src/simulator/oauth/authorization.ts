import type { ClientRegistry, RegisteredClient } from './clients'

/** The query of `GET /oauth/authorizations/new`, or the same fields posted back by the consent page. */
export type AuthorizationParams = Record<string, string | undefined>

/** A request the consent page may ask the person about. */
export interface AuthorizationRequest {
  client: RegisteredClient
  redirectUri: string
  scope: string
  state?: string
  /** S256 challenge; null when a confidential client sent none */
  codeChallenge: string | null
}

export type AuthorizationCheck =
  | { ok: AuthorizationRequest }
  /** no client or redirect URL to trust: an error page, never a redirect */
  | { errorPage: string }
  /** the client and redirect URL are good but the request is not: back to the client with an error */
  | { redirect: string }

/** The parameters the consent page carries in hidden fields, as they came. */
export const AUTHORIZATION_FIELDS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method'
] as const

/** RFC 7636: a base64url SHA-256 is 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** `redirectUri` with these parameters added (and the request's `state`, when it had one). */
export function redirectWith(redirectUri: string, params: Record<string, string>, state?: string): string {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  if (state !== undefined) url.searchParams.set('state', state)
  return url.toString()
}

/**
 * Checks an authorization request as Zendesk's consent page would: the client and its redirect URL first (an
 * error page, so that a forged request cannot bounce a person anywhere), then the rest (errors go back to the
 * client): response_type=code, a scope, and PKCE S256 (required of public clients).
 */
export function checkAuthorization(clients: ClientRegistry, params: AuthorizationParams): AuthorizationCheck {
  const client = clients.find(params.client_id)
  if (!client) return { errorPage: 'This application is not registered as an OAuth client of this Zendesk account.' }
  const redirectUri = params.redirect_uri
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return { errorPage: 'The redirect URL does not match any URL registered for this OAuth client.' }
  }
  const { state } = params
  const refuse = (error: string, description: string) => ({
    redirect: redirectWith(redirectUri, { error, error_description: description }, state)
  })
  if (params.response_type !== 'code') {
    return refuse('unsupported_response_type', 'response_type must be code')
  }
  const scope = params.scope?.trim()
  if (!scope) return refuse('invalid_scope', 'A scope is required, e.g. "read write"')
  const challenge = params.code_challenge
  if (challenge === undefined || challenge === '') {
    if (client.kind === 'public')
      return refuse('invalid_request', 'Public clients must use PKCE (code_challenge, S256)')
    return { ok: { client, redirectUri, scope, state, codeChallenge: null } }
  }
  if (params.code_challenge_method !== 'S256' || !S256_CHALLENGE.test(challenge)) {
    return refuse('invalid_request', 'code_challenge must be an S256 challenge with code_challenge_method=S256')
  }
  return { ok: { client, redirectUri, scope, state, codeChallenge: challenge } }
}
