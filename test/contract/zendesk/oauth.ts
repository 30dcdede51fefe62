/**
 * Zendesk's OAuth answers: the token endpoint (POST /oauth/tokens, outside /api/v2), the OAuth Tokens API, and
 * the 401 an expired or revoked access token gets. The shipped OpenAPI file documents the authorization_code and
 * refresh_token grants and their keys; client credentials, rotation and the 30-minute default come from Zendesk's
 * announcements (support article 9182123625370, "OAuth Tokens for Grant Types"); the error bodies are RFC 6749's,
 * assumed.
 */
import { createHash, randomBytes } from 'crypto'
import type { RunningSimulator, SimulatorOAuthClient } from '../../../src/simulator'
import type { AccountOptions } from '../../simulator/helpers'
import { is, list, oneOf, type Shape } from '../shape'
import type { Contract } from './contract'

const CALLBACK = 'http://127.0.0.1:4567/oauth/callback'
const APP_CALLBACK = 'https://app.example.com/zendesk/callback'
const SECRET = 'sim-client-secret-1'

const CLIENTS: SimulatorOAuthClient[] = [
  { identifier: 'local-host', kind: 'public', redirectUris: [CALLBACK] },
  { identifier: 'server-app', kind: 'confidential', secret: SECRET, redirectUris: [APP_CALLBACK] },
  {
    identifier: 'legacy-app',
    kind: 'confidential',
    secret: 'sim-client-secret-2',
    redirectUris: [APP_CALLBACK],
    accessTokenLifetimeSeconds: null,
    refreshTokenLifetimeSeconds: null
  }
]

const OAUTH_ACCOUNT: AccountOptions = { account: 'bulk-import', oauthClients: CLIENTS }

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

/** A granted token (documented: OAuthTokenForGrantTypesObject). */
const TOKEN_PAIR: Shape = {
  access_token: 'string',
  refresh_token: 'string',
  token_type: is('bearer'),
  scope: 'string',
  expires_in: 'integer',
  refresh_token_expires_in: 'integer'
}

/** RFC 6749 §5.2: the error code and a description (assumed: Zendesk's bodies were never captured). */
const oauthError = (error: string): Shape => ({ error: is(error), error_description: 'string' })

/** The consent page's Allow, posted as a browser would: the code the client is sent back with. */
async function consentCode(sim: RunningSimulator, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${sim.url}/oauth/authorizations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ response_type: 'code', scope: 'read write', ...params, decision: 'allow' }).toString(),
    redirect: 'manual'
  })
  const code = new URL(res.headers.get('location') ?? 'about:blank').searchParams.get('code')
  if (!code) throw new Error(`the consent page answered ${res.status} without a code`)
  return code
}

/** A public client's code, with the PKCE verifier it was asked with. */
async function pkceCode(sim: RunningSimulator) {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const code = await consentCode(sim, {
    client_id: 'local-host',
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256'
  })
  return { code, verifier }
}

const PKCE_EXCHANGE = {
  grant_type: 'authorization_code',
  code: '{code}',
  client_id: 'local-host',
  redirect_uri: CALLBACK,
  code_verifier: '{verifier}'
}

const refreshBody = (refreshToken: string, extra: Record<string, unknown> = {}) => ({
  grant_type: 'refresh_token',
  refresh_token: refreshToken,
  client_id: 'server-app',
  client_secret: SECRET,
  ...extra
})

const CLIENT_CREDENTIALS = {
  grant_type: 'client_credentials',
  client_id: 'server-app',
  client_secret: SECRET,
  scope: 'read write'
}

const tokenRequest = (body: unknown, form = false) => ({
  method: 'POST',
  path: '/oauth/tokens',
  body,
  form,
  authorization: null
})

const pairOf = async ({ sim }: { sim: RunningSimulator }) => {
  const pair = sim.oauth.issue('server-app')
  return { access: pair.access_token, refresh: pair.refresh_token ?? '' }
}

export const oauthContracts: Contract[] = [
  {
    route: 'POST /oauth/tokens',
    answer:
      'authorization code with PKCE: a bearer token pair (status 200 assumed: RFC 6749; the OpenAPI file says 201)',
    source: 'documented',
    simulator: OAUTH_ACCOUNT,
    given: async ({ sim }) => pkceCode(sim),
    request: tokenRequest(PKCE_EXCHANGE),
    status: 200,
    body: TOKEN_PAIR
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'a form-encoded body: the same answer',
    source: 'documented',
    simulator: OAUTH_ACCOUNT,
    given: async ({ sim }) => pkceCode(sim),
    request: tokenRequest(PKCE_EXCHANGE, true),
    status: 200,
    body: TOKEN_PAIR
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'refresh: a new pair with the enforced defaults of a client created after 2026-04-30 (30 minutes, 30 days)',
    source: 'announced',
    simulator: OAUTH_ACCOUNT,
    given: pairOf,
    request: tokenRequest(refreshBody('{refresh}')),
    status: 200,
    body: { ...(TOKEN_PAIR as object), expires_in: 1800, refresh_token_expires_in: 2_592_000 }
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'refresh asking for lifetimes within the ranges: the lifetimes asked for',
    source: 'documented',
    simulator: OAUTH_ACCOUNT,
    given: pairOf,
    request: tokenRequest(refreshBody('{refresh}', { expires_in: 86_400, refresh_token_expires_in: 604_800 })),
    status: 200,
    body: { ...(TOKEN_PAIR as object), expires_in: 86_400, refresh_token_expires_in: 604_800 }
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'a client whose tokens never expire: no expires_in',
    source: 'documented',
    simulator: OAUTH_ACCOUNT,
    given: async ({ sim }) => ({ refresh: sim.oauth.issue('legacy-app').refresh_token ?? '' }),
    request: tokenRequest({
      ...refreshBody('{refresh}'),
      client_id: 'legacy-app',
      client_secret: 'sim-client-secret-2'
    }),
    status: 200,
    body: { access_token: 'string', refresh_token: 'string', token_type: is('bearer'), $absent: ['expires_in'] }
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'client credentials (confidential client): a bearer access token',
    source: 'announced',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest(CLIENT_CREDENTIALS),
    status: 200,
    body: { access_token: 'string', token_type: is('bearer'), scope: 'string', expires_in: 'integer' }
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'client credentials: no refresh token',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest(CLIENT_CREDENTIALS),
    status: 200,
    body: { access_token: 'string', $absent: ['refresh_token', 'refresh_token_expires_in'] }
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'a refresh token already rotated away: 400 invalid_grant',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    given: async (g) => {
      const { refresh } = await pairOf(g)
      const res = await fetch(`${g.sim.url}/oauth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(refreshBody(refresh))
      })
      if (res.status !== 200) throw new Error(`the first refresh answered ${res.status}`)
      return { refresh }
    },
    request: tokenRequest(refreshBody('{refresh}')),
    status: 400,
    body: oauthError('invalid_grant')
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'an unknown authorization code: 400 invalid_grant',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest({ ...PKCE_EXCHANGE, code: 'no-such-code', code_verifier: 'x'.repeat(43) }),
    status: 400,
    body: oauthError('invalid_grant')
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'a wrong client secret: 401 invalid_client',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest({ ...CLIENT_CREDENTIALS, client_secret: 'sim-client-secret-wrong' }),
    status: 401,
    body: oauthError('invalid_client')
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'client credentials for a public client: 400 unauthorized_client',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest({ grant_type: 'client_credentials', client_id: 'local-host', scope: 'read' }),
    status: 400,
    body: oauthError('unauthorized_client')
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'the password grant (removed 2025-02-17): 400 unsupported_grant_type',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest({ grant_type: 'password', client_id: 'server-app', client_secret: SECRET }),
    status: 400,
    body: oauthError('unsupported_grant_type')
  },
  {
    route: 'POST /oauth/tokens',
    answer: 'expires_in outside 300 to 172,800 seconds: 400 invalid_request',
    source: 'assumed',
    simulator: OAUTH_ACCOUNT,
    request: tokenRequest({ ...CLIENT_CREDENTIALS, expires_in: 60 }),
    status: 400,
    body: oauthError('invalid_request')
  },
  {
    route: 'GET oauth/tokens/current',
    answer: 'the token of the Bearer header, only the first 10 characters of it',
    source: 'documented',
    simulator: OAUTH_ACCOUNT,
    given: pairOf,
    request: { method: 'GET', path: 'oauth/tokens/current', authorization: 'Bearer {access}' },
    status: 200,
    body: {
      token: {
        id: 'integer',
        url: 'string',
        user_id: 'integer',
        client_id: 'integer',
        token: /^.{10}$/,
        scopes: list('string', 1),
        created_at: ISO_TIME,
        expires_at: oneOf(ISO_TIME, 'null'),
        $absent: ['refresh_token']
      }
    }
  },
  {
    route: 'DELETE oauth/tokens/:id',
    answer: 'revoked: 204 without a body',
    source: 'documented',
    simulator: OAUTH_ACCOUNT,
    given: async (g) => {
      const { access } = await pairOf(g)
      const res = await fetch(`${g.sim.url}/api/v2/oauth/tokens/current.json`, {
        headers: { Authorization: `Bearer ${access}` }
      })
      return { id: ((await res.json()) as { token: { id: number } }).token.id, access }
    },
    request: { method: 'DELETE', path: 'oauth/tokens/{id}', authorization: 'Bearer {access}' },
    status: 204,
    content: 'none'
  },
  {
    route: 'GET users/me',
    answer: 'an expired or revoked access token: 401 invalid_token',
    source: 'recorded',
    simulator: OAUTH_ACCOUNT,
    given: async (g) => {
      const { access } = await pairOf(g)
      g.sim.oauth.revokeAll()
      return { access }
    },
    request: { method: 'GET', path: 'users/me', authorization: 'Bearer {access}' },
    status: 401,
    body: {
      error: is('invalid_token'),
      error_description: is('The access token provided is expired, revoked, malformed or invalid for other reasons.')
    }
  }
]
