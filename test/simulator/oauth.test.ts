import { createHash, randomBytes } from 'crypto'
import {
  CODE_LIFETIME_MS,
  DEFAULT_ACCESS_TOKEN_SECONDS,
  DEFAULT_REFRESH_TOKEN_SECONDS,
  issuedCredentialsIn,
  type SimulatorOAuthClient
} from '../../src/simulator'
import { useSimulator } from './helpers'

const CALLBACK = 'http://127.0.0.1:4567/oauth/callback'
const APP_CALLBACK = 'https://app.example.com/zendesk/callback'
const SECRET = 'sim-client-secret-1'
const LEGACY_SECRET = 'sim-client-secret-2'
const DAY_MS = 86_400_000

const CLIENTS: SimulatorOAuthClient[] = [
  { identifier: 'local-host', name: 'Segment local host', kind: 'public', redirectUris: [CALLBACK] },
  { identifier: 'server-app', kind: 'confidential', secret: SECRET, redirectUris: [APP_CALLBACK] },
  {
    identifier: 'legacy-app',
    kind: 'confidential',
    secret: LEGACY_SECRET,
    redirectUris: [APP_CALLBACK],
    accessTokenLifetimeSeconds: null,
    refreshTokenLifetimeSeconds: null
  }
]

const INVALID_TOKEN = {
  error: 'invalid_token',
  error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.'
}

let now = Date.parse('2026-06-01T12:00:00Z')
const advance = (ms: number) => {
  now += ms
}
/** Zendesk's timestamp format: second precision, `Z`. */
const zendeskTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

const ctx = useSimulator('default', { clock: () => now, oauthClients: CLIENTS, endpointLimits: false })

/** Every answer body of the token endpoint and the API seen by a test, to scan for credentials. */
const answers: string[] = []
beforeEach(() => {
  answers.length = 0
})

interface Answer {
  status: number
  headers: Headers
  text: string
  body: any
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${ctx.sim.url}${path}`, { redirect: 'manual', ...init })
  const text = await res.text()
  answers.push(text)
  const isJson = res.headers.get('content-type')?.includes('application/json') && text !== ''
  return { status: res.status, headers: res.headers, text, body: isJson ? JSON.parse(text) : undefined }
}

/** POST /oauth/tokens with a JSON body, or a form body when `form`. */
function tokenRequest(params: Record<string, string | number>, form = false): Promise<Answer> {
  return form
    ? call('/oauth/tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()
      })
    : call('/oauth/tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(params)
      })
}

function api(method: string, path: string, accessToken: string): Promise<Answer> {
  return call(`/api/v2/${path}`, { method, headers: { Authorization: `Bearer ${accessToken}` } })
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

type Params = Record<string, string>

function authorizationParams(overrides: Params = {}): Params {
  return {
    response_type: 'code',
    client_id: 'local-host',
    redirect_uri: CALLBACK,
    scope: 'read write',
    state: 'st-123',
    ...overrides
  }
}

const consentPage = (params: Params) => call(`/oauth/authorizations/new?${new URLSearchParams(params)}`)

/** What pressing Allow or Deny on the consent page posts. */
const decide = (params: Params, decision: 'allow' | 'deny') =>
  call('/oauth/authorizations', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, decision }).toString()
  })

function redirectedTo(answer: Answer): URL {
  expect(answer.status).toBe(302)
  return new URL(answer.headers.get('location') ?? '')
}

/** Consent given on the page: the code the client gets back. */
async function allowed(params: Params): Promise<string> {
  const code = redirectedTo(await decide(params, 'allow')).searchParams.get('code')
  if (!code) throw new Error('no code in the redirect')
  return code
}

/** A public client's whole flow: consent, then the code exchanged with its PKCE verifier. */
async function connectLocalHost(): Promise<Answer> {
  const { verifier, challenge } = pkce()
  const code = await allowed(authorizationParams({ code_challenge: challenge, code_challenge_method: 'S256' }))
  return tokenRequest({
    grant_type: 'authorization_code',
    code,
    client_id: 'local-host',
    redirect_uri: CALLBACK,
    code_verifier: verifier
  })
}

const refresh = (refreshToken: string, client = 'server-app', secret = SECRET) =>
  tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client, client_secret: secret })

function expectOAuthError(answer: Answer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.body?.error }).toEqual({ status, error })
  expect(typeof answer.body.error_description).toBe('string')
}

describe('the consent page', () => {
  it('asks the admin about the client and its scopes, with Allow and Deny posting the request back', async () => {
    const { challenge } = pkce()
    const page = await consentPage(
      authorizationParams({ scope: 'read users:write', code_challenge: challenge, code_challenge_method: 'S256' })
    )
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.text).toContain('Segment local host wants to access your Zendesk account acme')
    expect(page.text).toContain('Read all data in the account')
    expect(page.text).toContain('Create, change and delete users')
    expect(page.text).toMatch(/<form method="post" action="\/oauth\/authorizations">/)
    expect(page.text).toMatch(/<button type="submit" name="decision" value="allow">Allow<\/button>/)
    expect(page.text).toMatch(/<button type="submit" name="decision" value="deny">Deny<\/button>/)
    for (const [name, value] of Object.entries({
      client_id: 'local-host',
      state: 'st-123',
      code_challenge: challenge
    })) {
      expect(page.text).toContain(`<input type="hidden" name="${name}" value="${value}">`)
    }
  })

  it('shows an error page, never a redirect, for an unknown client or a redirect URL not registered', async () => {
    for (const params of [
      authorizationParams({ client_id: 'nobody' }),
      authorizationParams({ redirect_uri: 'http://127.0.0.1:4567/elsewhere' }),
      authorizationParams({ redirect_uri: '' })
    ]) {
      for (const answer of [await consentPage(params), await decide(params, 'allow')]) {
        expect(answer.status).toBe(400)
        expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8')
        expect(answer.headers.get('location')).toBeNull()
        expect(answer.text).toContain('Authorization error')
      }
    }
  })

  it('sends a public client without PKCE S256 back with invalid_request, and its state', async () => {
    const { challenge } = pkce()
    for (const params of [
      authorizationParams(),
      authorizationParams({ code_challenge: challenge, code_challenge_method: 'plain' }),
      authorizationParams({ code_challenge: 'short', code_challenge_method: 'S256' })
    ]) {
      const back = redirectedTo(await consentPage(params))
      expect(back.origin + back.pathname).toBe(CALLBACK)
      expect(back.searchParams.get('error')).toBe('invalid_request')
      expect(back.searchParams.get('state')).toBe('st-123')
    }
  })

  it('sends back unsupported_response_type and invalid_scope', async () => {
    const { challenge } = pkce()
    const pkceParams = { code_challenge: challenge, code_challenge_method: 'S256' }
    const token = redirectedTo(await consentPage(authorizationParams({ ...pkceParams, response_type: 'token' })))
    expect(token.searchParams.get('error')).toBe('unsupported_response_type')
    const noScope = redirectedTo(await consentPage(authorizationParams({ ...pkceParams, scope: ' ' })))
    expect(noScope.searchParams.get('error')).toBe('invalid_scope')
  })

  it('Allow redirects with a code and the state; Deny with access_denied and the state', async () => {
    const { challenge } = pkce()
    const params = authorizationParams({ code_challenge: challenge, code_challenge_method: 'S256' })

    const allow = redirectedTo(await decide(params, 'allow'))
    expect(allow.origin + allow.pathname).toBe(CALLBACK)
    expect(allow.searchParams.get('code')).toMatch(/^zsac_[0-9a-f]{40}$/)
    expect(allow.searchParams.get('state')).toBe('st-123')

    const deny = redirectedTo(await decide(params, 'deny'))
    expect(deny.origin + deny.pathname).toBe(CALLBACK)
    expect(deny.searchParams.get('error')).toBe('access_denied')
    expect(deny.searchParams.get('error_description')).toBeTruthy()
    expect(deny.searchParams.get('state')).toBe('st-123')
    expect(deny.searchParams.has('code')).toBe(false)
  })
})

describe('the authorization code grant', () => {
  it('gives a public client with PKCE a bearer pair that authenticates the API as the admin', async () => {
    const answer = await connectLocalHost()
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^zsat_/),
      refresh_token: expect.stringMatching(/^zsrt_/),
      token_type: 'bearer',
      scope: 'read write',
      expires_in: DEFAULT_ACCESS_TOKEN_SECONDS,
      refresh_token_expires_in: DEFAULT_REFRESH_TOKEN_SECONDS
    })
    const me = await api('GET', 'users/me.json', answer.body.access_token)
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({ email: 'agent@example.com', role: 'admin' })
    expect((await api('POST', 'users.json', answer.body.access_token)).status).not.toBe(401)
  })

  it('takes a form body as well as JSON', async () => {
    const { verifier, challenge } = pkce()
    const code = await allowed(authorizationParams({ code_challenge: challenge, code_challenge_method: 'S256' }))
    const form = { grant_type: 'authorization_code', code, client_id: 'local-host', redirect_uri: CALLBACK }
    const answer = await tokenRequest({ ...form, code_verifier: verifier }, true)
    expect(answer.status).toBe(200)
    expect(answer.body.token_type).toBe('bearer')
  })

  it('refuses a wrong PKCE verifier with invalid_grant, a missing one with invalid_request', async () => {
    const { challenge } = pkce()
    const params = authorizationParams({ code_challenge: challenge, code_challenge_method: 'S256' })
    const exchange = { grant_type: 'authorization_code', client_id: 'local-host', redirect_uri: CALLBACK }
    const wrong = await tokenRequest({ ...exchange, code: await allowed(params), code_verifier: pkce().verifier })
    expectOAuthError(wrong, 400, 'invalid_grant')
    expectOAuthError(await tokenRequest({ ...exchange, code: await allowed(params) }), 400, 'invalid_request')
  })

  it('answers one token request per code: a second is invalid_grant', async () => {
    const { verifier, challenge } = pkce()
    const code = await allowed(authorizationParams({ code_challenge: challenge, code_challenge_method: 'S256' }))
    const exchange = {
      grant_type: 'authorization_code',
      code,
      client_id: 'local-host',
      redirect_uri: CALLBACK,
      code_verifier: verifier
    }
    expect((await tokenRequest(exchange)).status).toBe(200)
    expectOAuthError(await tokenRequest(exchange), 400, 'invalid_grant')
  })

  it('keeps a code 120 seconds on the simulator clock', async () => {
    const params = authorizationParams({ client_id: 'server-app', redirect_uri: APP_CALLBACK })
    const exchange = {
      grant_type: 'authorization_code',
      client_id: 'server-app',
      client_secret: SECRET,
      redirect_uri: APP_CALLBACK
    }
    const inTime = await allowed(params)
    advance(CODE_LIFETIME_MS - 1000)
    expect((await tokenRequest({ ...exchange, code: inTime })).status).toBe(200)

    const late = await allowed(params)
    advance(CODE_LIFETIME_MS)
    expectOAuthError(await tokenRequest({ ...exchange, code: late }), 400, 'invalid_grant')
  })

  it('binds a code to its client and redirect URL', async () => {
    const params = authorizationParams({ client_id: 'server-app', redirect_uri: APP_CALLBACK })
    const otherRedirect = await tokenRequest({
      grant_type: 'authorization_code',
      code: await allowed(params),
      client_id: 'server-app',
      client_secret: SECRET,
      redirect_uri: 'https://app.example.com/other'
    })
    expectOAuthError(otherRedirect, 400, 'invalid_grant')
    const otherClient = await tokenRequest({
      grant_type: 'authorization_code',
      code: await allowed(params),
      client_id: 'legacy-app',
      client_secret: LEGACY_SECRET,
      redirect_uri: APP_CALLBACK
    })
    expectOAuthError(otherClient, 400, 'invalid_grant')
  })

  it('authenticates a confidential client by its secret: wrong or missing secret, unknown client → 401 invalid_client', async () => {
    const params = authorizationParams({ client_id: 'server-app', redirect_uri: APP_CALLBACK })
    const exchange = { grant_type: 'authorization_code', client_id: 'server-app', redirect_uri: APP_CALLBACK }
    const code = await allowed(params)
    expectOAuthError(
      await tokenRequest({ ...exchange, code, client_secret: 'sim-client-secret-wrong' }),
      401,
      'invalid_client'
    )
    expectOAuthError(await tokenRequest({ ...exchange, code }), 401, 'invalid_client')
    expectOAuthError(
      await tokenRequest({ ...exchange, code, client_id: 'nobody', client_secret: SECRET }),
      401,
      'invalid_client'
    )
    // The client was refused before the code was looked at: the code still works.
    expect((await tokenRequest({ ...exchange, code, client_secret: SECRET })).status).toBe(200)
  })
})

describe('access tokens on the API', () => {
  it('expire on the simulator clock with the 401 invalid_token Zendesk sends', async () => {
    const { access_token } = ctx.sim.oauth.issue('server-app')
    advance(DEFAULT_ACCESS_TOKEN_SECONDS * 1000 - 1000)
    expect((await api('GET', 'tickets.json', access_token)).status).toBe(200)
    advance(1000)
    const expired = await api('GET', 'tickets.json', access_token)
    expect(expired.status).toBe(401)
    expect(expired.body).toEqual(INVALID_TOKEN)
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer /)
  })

  it('refuses an unknown bearer token on users/me too, instead of answering an anonymous user', async () => {
    const me = await api('GET', 'users/me.json', 'zsat_0000000000000000000000000000000000000000')
    expect(me.status).toBe(401)
    expect(me.body).toEqual(INVALID_TOKEN)
  })

  it('never expire for a client whose tokens never expire (no expires_in in the answer)', async () => {
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'legacy-app',
      client_secret: LEGACY_SECRET,
      scope: 'read'
    })
    expect(answer.body).not.toHaveProperty('expires_in')
    const pair = ctx.sim.oauth.issue('legacy-app')
    expect(pair.refresh_token).toMatch(/^zsrt_/)
    expect(pair).not.toHaveProperty('expires_in')
    expect(pair).not.toHaveProperty('refresh_token_expires_in')
    advance(400 * DAY_MS)
    expect((await api('GET', 'users/me.json', answer.body.access_token)).status).toBe(200)
    expect((await api('GET', 'users/me.json', pair.access_token)).status).toBe(200)
    expect((await refresh(pair.refresh_token!, 'legacy-app', LEGACY_SECRET)).status).toBe(200)
  })
})

describe('the refresh token grant', () => {
  it('rotates: a new pair, and the previous access and refresh tokens stop working', async () => {
    const first = ctx.sim.oauth.issue('server-app')
    advance(DEFAULT_ACCESS_TOKEN_SECONDS * 1000) // the access token has expired; its refresh token has not
    const second = await refresh(first.refresh_token!)
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({
      token_type: 'bearer',
      scope: 'read write',
      expires_in: DEFAULT_ACCESS_TOKEN_SECONDS,
      refresh_token_expires_in: DEFAULT_REFRESH_TOKEN_SECONDS
    })
    expect(second.body.access_token).not.toBe(first.access_token)
    expect(second.body.refresh_token).not.toBe(first.refresh_token)
    expect((await api('GET', 'users/me.json', second.body.access_token)).status).toBe(200)
    expectOAuthError(await refresh(first.refresh_token!), 400, 'invalid_grant')
  })

  it('kills the previous access token even before it expires', async () => {
    const first = ctx.sim.oauth.issue('server-app')
    expect((await refresh(first.refresh_token!)).status).toBe(200)
    const old = await api('GET', 'tickets.json', first.access_token)
    expect(old.status).toBe(401)
    expect(old.body).toEqual(INVALID_TOKEN)
  })

  it('refuses an expired refresh token, and one issued to another client', async () => {
    const pair = ctx.sim.oauth.issue('server-app')
    expectOAuthError(await refresh(pair.refresh_token!, 'legacy-app', LEGACY_SECRET), 400, 'invalid_grant')
    advance(DEFAULT_REFRESH_TOKEN_SECONDS * 1000)
    expectOAuthError(await refresh(pair.refresh_token!), 400, 'invalid_grant')
  })

  it('refreshes a public client without a secret', async () => {
    const pair = ctx.sim.oauth.issue('local-host')
    const answer = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: pair.refresh_token!,
      client_id: 'local-host'
    })
    expect(answer.status).toBe(200)
  })

  it('gives the lifetimes asked for within Zendesk ranges, and invalid_request outside them', async () => {
    const pair = ctx.sim.oauth.issue('server-app')
    const asked = await tokenRequest(
      {
        grant_type: 'refresh_token',
        refresh_token: pair.refresh_token!,
        client_id: 'server-app',
        client_secret: SECRET,
        expires_in: 300,
        refresh_token_expires_in: 7 * 86_400
      },
      true
    )
    expect(asked.body).toMatchObject({ expires_in: 300, refresh_token_expires_in: 604_800 })
    advance(300_000)
    expect((await api('GET', 'tickets.json', asked.body.access_token)).status).toBe(401)

    const outOfRange: Record<string, string | number>[] = [
      { expires_in: 299 },
      { expires_in: 172_801 },
      { expires_in: 'soon' },
      { refresh_token_expires_in: 6 * 86_400 },
      { refresh_token_expires_in: 91 * 86_400 }
    ]
    for (const lifetimes of outOfRange) {
      const refused = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: asked.body.refresh_token,
        client_id: 'server-app',
        client_secret: SECRET,
        ...lifetimes
      })
      expectOAuthError(refused, 400, 'invalid_request')
    }
    // A refused request leaves the pair alone.
    expect((await refresh(asked.body.refresh_token)).status).toBe(200)
  })
})

describe('the client credentials grant', () => {
  it('gives a confidential client an access token without a refresh token', async () => {
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'server-app',
      client_secret: SECRET,
      scope: 'read write'
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^zsat_/),
      token_type: 'bearer',
      scope: 'read write',
      expires_in: DEFAULT_ACCESS_TOKEN_SECONDS
    })
    expect((await api('GET', 'users/me.json', answer.body.access_token)).body.user.role).toBe('admin')
  })

  it('refuses a public client (unauthorized_client) and a request without scope (invalid_request)', async () => {
    const publicClient = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'local-host',
      scope: 'read'
    })
    expectOAuthError(publicClient, 400, 'unauthorized_client')
    const noScope = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'server-app',
      client_secret: SECRET
    })
    expectOAuthError(noScope, 400, 'invalid_request')
  })
})

describe('token requests that are not understood', () => {
  it('answers unsupported_grant_type for other grants, invalid_request for missing parameters or an unreadable body', async () => {
    const password = await tokenRequest({ grant_type: 'password', client_id: 'server-app', client_secret: SECRET })
    expectOAuthError(password, 400, 'unsupported_grant_type')
    expectOAuthError(await tokenRequest({ client_id: 'server-app' }), 400, 'invalid_request')
    expectOAuthError(await tokenRequest({ grant_type: 'client_credentials' }), 400, 'invalid_request')
    expectOAuthError(
      await tokenRequest({ grant_type: 'refresh_token', client_id: 'server-app', client_secret: SECRET }),
      400,
      'invalid_request'
    )
    const garbage = await call('/oauth/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{'
    })
    expectOAuthError(garbage, 400, 'invalid_request')
  })
})

describe('introspection and revocation', () => {
  it('shows the current token with only the first 10 characters of it', async () => {
    const pair = ctx.sim.oauth.issue('local-host', { scope: 'read users:write' })
    const current = await api('GET', 'oauth/tokens/current.json', pair.access_token)
    expect(current.status).toBe(200)
    expect(current.body.token).toEqual({
      id: expect.any(Number),
      url: expect.stringMatching(/^https:\/\/acme\.zendesk\.com\/api\/v2\/oauth\/tokens\/\d+\.json$/),
      user_id: ctx.sim.state().users[0].id,
      client_id: expect.any(Number),
      token: pair.access_token.slice(0, 10),
      scopes: ['read', 'users:write'],
      created_at: zendeskTime(now),
      expires_at: zendeskTime(now + DEFAULT_ACCESS_TOKEN_SECONDS * 1000),
      refresh_token_expires_at: expect.any(String),
      used_at: expect.any(String)
    })
    expect(current.text).not.toContain(pair.refresh_token)
  })

  it('revokes a token by id: its access token answers 401 and its refresh token invalid_grant', async () => {
    const pair = ctx.sim.oauth.issue('server-app')
    const { id } = (await api('GET', 'oauth/tokens/current.json', pair.access_token)).body.token
    const other = ctx.sim.oauth.issue('server-app')
    const revoked = await api('DELETE', `oauth/tokens/${id}.json`, other.access_token)
    expect(revoked.status).toBe(204)
    expect(revoked.text).toBe('')
    expect((await api('GET', 'tickets.json', pair.access_token)).body).toEqual(INVALID_TOKEN)
    expectOAuthError(await refresh(pair.refresh_token!), 400, 'invalid_grant')
    expect((await api('DELETE', `oauth/tokens/${id}.json`, other.access_token)).status).toBe(404)
    expect((await api('GET', 'tickets.json', other.access_token)).status).toBe(200)
  })

  it('revokes the current token', async () => {
    const pair = ctx.sim.oauth.issue('local-host')
    expect((await api('DELETE', 'oauth/tokens/current.json', pair.access_token)).status).toBe(204)
    expect((await api('GET', 'users/me.json', pair.access_token)).status).toBe(401)
  })
})

describe('control from tests', () => {
  it('revokeAll() ends every token; reset() too, but keeps the clients', async () => {
    const pair = ctx.sim.oauth.issue('server-app')
    ctx.sim.oauth.revokeAll()
    expect((await api('GET', 'tickets.json', pair.access_token)).status).toBe(401)

    const again = ctx.sim.oauth.issue('server-app')
    ctx.sim.reset()
    expect((await api('GET', 'tickets.json', again.access_token)).status).toBe(401)
    expect((await connectLocalHost()).status).toBe(200)
  })

  it('adds a client at run time, replacing one with the same identifier', async () => {
    const { challenge } = pkce()
    const ask = (redirect: string) =>
      consentPage(
        authorizationParams({
          client_id: 'late-app',
          redirect_uri: redirect,
          code_challenge: challenge,
          code_challenge_method: 'S256'
        })
      )
    ctx.sim.oauth.addClient({ identifier: 'late-app', kind: 'public', redirectUris: ['http://localhost:9999/cb'] })
    expect((await ask('http://localhost:9999/cb')).status).toBe(200)
    ctx.sim.oauth.addClient({ identifier: 'late-app', kind: 'public', redirectUris: ['http://localhost:9998/cb'] })
    expect((await ask('http://localhost:9999/cb')).status).toBe(400)
    expect((await ask('http://localhost:9998/cb')).status).toBe(200)
  })

  it('refuses a client Zendesk would not register', () => {
    const add = (client: SimulatorOAuthClient) => () => ctx.sim.oauth.addClient(client)
    expect(add({ identifier: 'bad', kind: 'public', redirectUris: ['http://example.com/cb'] })).toThrow(/https/)
    expect(add({ identifier: 'bad', kind: 'public', redirectUris: ['/cb'] })).toThrow(/absolute/)
    expect(add({ identifier: 'bad', kind: 'confidential', redirectUris: [] })).toThrow(/needs a secret/)
    expect(add({ identifier: 'bad', kind: 'public', secret: SECRET, redirectUris: [] })).toThrow(/no secret/)
  })

  it('counts token requests, recorded with their secrets redacted and without an Authorization header', async () => {
    const pair = ctx.sim.oauth.issue('server-app')
    await refresh(pair.refresh_token!)
    await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'server-app',
      client_secret: SECRET,
      scope: 'read'
    })
    const recorded = ctx.sim.oauth.tokenRequests()
    expect(recorded.map((r) => (r.body as any).grant_type)).toEqual(['refresh_token', 'client_credentials'])
    expect(recorded[0].body).toMatchObject({ refresh_token: '[redacted]', client_secret: '[redacted]' })
    expect(recorded.every((r) => r.authorizationScheme === undefined)).toBe(true)
    await api('GET', 'users/me.json', pair.access_token)
    expect(ctx.sim.requests.at(-1)?.authorizationScheme).toBe('Bearer')
    const record = JSON.stringify(ctx.sim.requests)
    expect(record).not.toContain(SECRET)
    expect(issuedCredentialsIn(record)).toEqual([])
  })

  it('answers the token endpoint with injected faults: 500, and an HTML page', async () => {
    ctx.sim.setFaults({
      serverError: { count: 1, path: '/oauth/tokens' },
      htmlPage: { count: 1, path: '/oauth/tokens' }
    })
    const pair = ctx.sim.oauth.issue('server-app')
    expect((await refresh(pair.refresh_token!)).status).toBe(500)
    const page = await refresh(pair.refresh_token!)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    // Neither fault reached the token endpoint: the refresh token still works.
    expect((await refresh(pair.refresh_token!)).status).toBe(200)
  })
})

describe('credentials in answers', () => {
  it('no error answer of the token endpoint or the API holds a token, code or secret', async () => {
    const pair = ctx.sim.oauth.issue('server-app')
    const code = await allowed(authorizationParams({ client_id: 'server-app', redirect_uri: APP_CALLBACK }))
    answers.length = 0
    await refresh(pair.refresh_token!, 'server-app', 'sim-client-secret-wrong')
    await refresh(pair.refresh_token!, 'legacy-app', LEGACY_SECRET)
    await tokenRequest({
      grant_type: 'authorization_code',
      code,
      client_id: 'server-app',
      client_secret: SECRET,
      redirect_uri: 'https://x.example.com'
    })
    await tokenRequest({
      grant_type: 'authorization_code',
      code,
      client_id: 'server-app',
      client_secret: SECRET,
      redirect_uri: APP_CALLBACK
    })
    await tokenRequest({ grant_type: 'password', client_id: 'server-app', client_secret: SECRET })
    await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'local-host',
      scope: 'read',
      code_verifier: 'verifier-x'
    })
    await refresh(pair.refresh_token!, 'server-app', SECRET)
    await api('GET', 'users/me.json', pair.access_token)
    const errors = answers.filter((text) => text.includes('"error"'))
    expect(errors.length).toBeGreaterThanOrEqual(7)
    for (const text of errors) {
      expect(issuedCredentialsIn(text)).toEqual([])
      for (const secret of [SECRET, LEGACY_SECRET, 'sim-client-secret-wrong', 'verifier-x'])
        expect(text).not.toContain(secret)
    }
  })
})
