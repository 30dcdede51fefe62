import { createHash, randomBytes } from 'crypto'
import { zendeskOAuth } from '../../src'
import { issuedCredentialsIn, startSimulator, type RunningSimulator } from '../../src/simulator'

const PUBLIC_CLIENT = 'local-host'
const CONFIDENTIAL_CLIENT = 'server-host'
const CLIENT_SECRET = 'sim-client-secret-2'
const REDIRECT = 'http://127.0.0.1:4000/oauth/callback'

let simulator: RunningSimulator
let oauth: ReturnType<typeof zendeskOAuth>

beforeAll(async () => {
  simulator = await startSimulator({
    account: 'default',
    oauthClients: [
      { identifier: PUBLIC_CLIENT, kind: 'public', redirectUris: [REDIRECT] },
      { identifier: CONFIDENTIAL_CLIENT, kind: 'confidential', secret: CLIENT_SECRET, redirectUris: [REDIRECT] }
    ]
  })
  oauth = zendeskOAuth({ origin: simulator.url })
})
afterAll(() => simulator.close())

const base64url = (bytes: Buffer) => bytes.toString('base64url')

/** A person's visit to the consent screen: its form posted back with their decision; the redirect it answers. */
async function decide(authorizationUrl: string, decision: 'allow' | 'deny'): Promise<URL> {
  const page = await (await fetch(authorizationUrl)).text()
  const fields = new URLSearchParams()
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(name, value.replace(/&amp;/g, '&').replace(/&quot;/g, '"'))
  }
  fields.set('decision', decision)
  const answer = await fetch(`${simulator.url}/oauth/authorizations`, {
    method: 'POST',
    body: fields,
    redirect: 'manual'
  })
  expect(answer.status).toBe(302)
  return new URL(answer.headers.get('location')!)
}

describe('zendeskOAuth: what a host needs to connect an account', () => {
  it('authorization code with PKCE: consent, code exchange, who is connected, revocation', async () => {
    const verifier = base64url(randomBytes(32))
    const state = base64url(randomBytes(16))
    const url = oauth.authorizationUrl({
      subdomain: 'acme',
      clientId: PUBLIC_CLIENT,
      redirectUri: REDIRECT,
      state,
      codeChallenge: base64url(createHash('sha256').update(verifier).digest())
    })
    expect(new URL(url).searchParams.get('scope')).toBe('read write')
    const back = await decide(url, 'allow')
    expect(back.searchParams.get('state')).toBe(state)
    const tokens = await oauth.exchangeCode({
      subdomain: 'acme',
      clientId: PUBLIC_CLIENT,
      code: back.searchParams.get('code')!,
      codeVerifier: verifier,
      redirectUri: REDIRECT
    })
    expect(tokens).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresAt: expect.any(String),
      refreshTokenExpiresAt: expect.any(String)
    })
    const agent = await oauth.connectedAgent({ subdomain: 'acme' }, tokens.accessToken)
    expect(agent).toMatchObject({ id: expect.any(Number), email: 'agent@example.com' })
    await oauth.revoke({ subdomain: 'acme' }, tokens.accessToken)
    await expect(oauth.connectedAgent({ subdomain: 'acme' }, tokens.accessToken)).rejects.toMatchObject({
      status: 401
    })
  })

  it('a code exchanged with the wrong verifier is a "reconnect" error that shows neither code nor verifier', async () => {
    const verifier = base64url(randomBytes(32))
    const url = oauth.authorizationUrl({
      subdomain: 'acme',
      clientId: PUBLIC_CLIENT,
      redirectUri: REDIRECT,
      state: 's',
      codeChallenge: base64url(createHash('sha256').update(verifier).digest())
    })
    const code = (await decide(url, 'allow')).searchParams.get('code')!
    const wrongVerifier = base64url(randomBytes(32))
    const error = await oauth
      .exchangeCode({
        subdomain: 'acme',
        clientId: PUBLIC_CLIENT,
        code,
        codeVerifier: wrongVerifier,
        redirectUri: REDIRECT
      })
      .catch((e) => e)
    expect(error).toMatchObject({ status: 401, code: 'OAUTH_REFRESH_FAILED' })
    expect(error.message).toMatch(/invalid_grant/)
    expect(error.message).not.toContain(wrongVerifier)
    expect(issuedCredentialsIn(String(error.message) + String(error.stack))).toEqual([])
  })

  it('Deny comes back as access_denied with the state', async () => {
    const url = oauth.authorizationUrl({
      subdomain: 'acme',
      clientId: PUBLIC_CLIENT,
      redirectUri: REDIRECT,
      state: 'st-1',
      codeChallenge: base64url(createHash('sha256').update('v'.repeat(43)).digest())
    })
    const back = await decide(url, 'deny')
    expect(back.searchParams.get('error')).toBe('access_denied')
    expect(back.searchParams.get('state')).toBe('st-1')
  })

  it('client credentials for a confidential client', async () => {
    const tokens = await oauth.clientCredentials({
      subdomain: 'acme',
      clientId: CONFIDENTIAL_CLIENT,
      clientSecret: CLIENT_SECRET
    })
    expect(tokens.refreshToken).toBeUndefined()
    expect(await oauth.connectedAgent({ subdomain: 'acme' }, tokens.accessToken)).toMatchObject({
      id: expect.any(Number)
    })
    const request = simulator.requests.find((r) => r.path === '/oauth/tokens')!
    expect(request.authorizationScheme).toBeUndefined()
  })
})
