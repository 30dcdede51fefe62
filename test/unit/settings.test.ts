import nock from 'nock'
import { Destination } from '@segment/actions-core'
import definition from '../../src'
import { authorizationHeader, normaliseSubdomain, SettingsError } from '../../src/destinations/zendesk/settings/settings'
import { routeToSimulator, zendeskOrigin } from '../../src/destinations/zendesk/settings/origin'
import { BASE_URL, presetSubscription, resetState, settings, watchUnmatchedRequests } from './support'

const identify = { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', name: 'Ada' } } as any
const basicHeader = `Basic ${Buffer.from('agent@example.com/token:test-token').toString('base64')}`

let unmatched: ReturnType<typeof watchUnmatchedRequests>

function sendIdentify(overrides: Record<string, unknown>) {
  const { subdomain, email, api_token, ...rest } = { ...settings, ...overrides }
  const chosen = Object.fromEntries(
    Object.entries({ subdomain, email, api_token, ...rest }).filter(([, value]) => value !== undefined)
  )
  return new Destination(definition).onEvent(identify, {
    ...chosen,
    subscriptions: [presetSubscription('upsertUser')]
  } as any)
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  resetState()
  unmatched = watchUnmatchedRequests()
})
afterEach(() => unmatched.stop())

describe('subdomain normalisation', () => {
  it.each([
    ['acme', 'acme'],
    ['ACME', 'acme'],
    ['  acme  ', 'acme'],
    ['acme.zendesk.com', 'acme'],
    ['Acme.Zendesk.com', 'acme'],
    ['acme.zendesk.com/agent/tickets/1', 'acme'],
    ['https://acme.zendesk.com', 'acme'],
    ['https://acme.zendesk.com/', 'acme'],
    ['https://acme.zendesk.com/agent/tickets/1', 'acme'],
    ['https://acme.zendesk.com/agent/search/1?q=ada@example.com', 'acme'],
    ['http://acme.zendesk.com/agent', 'acme'],
    ['d3v-zenpydev', 'd3v-zenpydev'],
    ['https://z3n-jteitelbaum.zendesk.com/hc/en-us', 'z3n-jteitelbaum'],
    ['a'.repeat(63), 'a'.repeat(63)]
  ])('%j → %j', (input, expected) => {
    expect(normaliseSubdomain(input)).toBe(expected)
  })

  it.each([
    ['acme.evil.com'],
    ['https://acme.evil.com'],
    ['https://zendesk.com.evil.com'],
    ['acme.zendesk.com.evil.com'],
    ['https://acme.zendesk.com.evil.com/path'],
    ['zendesk.com'],
    ['.zendesk.com'],
    ['acme/agent/tickets'],
    ['https://acme/agent'],
    ['acme corp'],
    ['acme_corp'],
    [''],
    ['   '],
    ['..'],
    ['../acme'],
    ['acme..zendesk.com'],
    ['-acme'],
    ['acme-'],
    ['a'.repeat(64)],
    ['https://x@acme.zendesk.com'],
    ['x@acme.zendesk.com'],
    ['https://acme.zendesk.com:8443'],
    ['acme.zendesk.com:8443'],
    ['ftp://acme.zendesk.com'],
    ['acme.zendesk.com?x=1'],
    [undefined],
    [42]
  ])('rejects %j with a settings error', (input) => {
    expect(() => normaliseSubdomain(input)).toThrow(SettingsError)
    expect(() => normaliseSubdomain(input)).toThrow(/[Ss]ubdomain/)
  })

  it('never echoes a user name or password pasted into the subdomain', () => {
    for (const input of [
      'https://agent:sekrit-pw-1@acme.zendesk.com',
      'agent:sekrit-pw-1@acme.zendesk.com',
      'https://agent:sekrit-pw-1@'
    ]) {
      expect(() => normaliseSubdomain(input)).toThrow(SettingsError)
      expect(() => normaliseSubdomain(input)).not.toThrow(/sekrit-pw-1/)
    }
  })

  it.each(['acme.evil.com', 'https://zendesk.com.evil.com', 'acme.zendesk.com.evil.com', 'acme corp', '', '..'])(
    'an event with subdomain %j is refused before any request',
    async (subdomain) => {
      await expect(sendIdentify({ subdomain })).rejects.toThrow(/[Ss]ubdomain/)
      expect(unmatched.seen).toEqual([])
    }
  )

  it('an event with a pasted address goes to https://<subdomain>.zendesk.com only', async () => {
    const scope = nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .reply(201, { user: { id: 7 } })
    await sendIdentify({ subdomain: 'https://ACME.zendesk.com/agent/dashboard' })
    expect(scope.isDone()).toBe(true)
  })
})

describe('credentials', () => {
  it('email + api_token → Basic base64("<email>/token:<api_token>")', async () => {
    expect(authorizationHeader(settings)).toBe(basicHeader)
    const scope = nock(BASE_URL, { reqheaders: { authorization: basicHeader } })
      .post('/api/v2/users/create_or_update')
      .reply(201, { user: { id: 7 } })
    await sendIdentify({})
    expect(scope.isDone()).toBe(true)
  })

  it('oauth_token → Bearer <token>', async () => {
    expect(authorizationHeader({ subdomain: 'acme', oauth_token: 'oauth-tok' })).toBe('Bearer oauth-tok')
    const scope = nock(BASE_URL, { reqheaders: { authorization: 'Bearer oauth-tok' } })
      .post('/api/v2/users/create_or_update')
      .reply(201, { user: { id: 7 } })
    await sendIdentify({ email: undefined, api_token: undefined, oauth_token: 'oauth-tok' })
    expect(scope.isDone()).toBe(true)
  })

  it.each([
    ['both credentials', { oauth_token: 'oauth-tok' }, /either Email with API Token, or OAuth Token/],
    ['oauth_token with only an email', { api_token: undefined, oauth_token: 'oauth-tok' }, /not both/],
    ['email without api_token', { api_token: undefined }, /API Token is missing/],
    ['email with a blank api_token', { api_token: '  ' }, /API Token is missing/],
    ['api_token without email', { email: undefined }, /Email is missing/],
    ['no credential', { email: undefined, api_token: undefined }, /Credentials are missing/]
  ])('%s → a clear configuration error and no request', async (_, overrides, message) => {
    const error = await sendIdentify(overrides).catch((e) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect(error.message).toMatch(message)
    expect(error.status).toBe(400)
    expect(unmatched.seen).toEqual([])
  })
})

describe('testAuthentication', () => {
  const destination = new Destination(definition)

  it('succeeds when users/me answers with a real agent', async () => {
    const scope = nock(BASE_URL, { reqheaders: { authorization: basicHeader } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 501, role: 'admin', name: 'Agent' } })
    await expect(destination.testAuthentication(settings)).resolves.toBeUndefined()
    expect(scope.isDone()).toBe(true)
  })

  it("fails on Zendesk's anonymous answer (200 with id: null)", async () => {
    nock(BASE_URL)
      .get('/api/v2/users/me')
      .reply(200, { user: { id: null, name: 'Anonymous user', role: 'end-user' } })
    await expect(destination.testAuthentication(settings)).rejects.toThrow(/anonymous/)
  })

  it('fails on 401', async () => {
    nock(BASE_URL).get('/api/v2/users/me').reply(401, { error: "Couldn't authenticate you" })
    await expect(destination.testAuthentication(settings)).rejects.toThrow(/401/)
  })

  it('makes no request for an invalid subdomain', async () => {
    await expect(destination.testAuthentication({ ...settings, subdomain: 'acme.evil.com' })).rejects.toThrow(
      /subdomain/
    )
    expect(unmatched.seen).toEqual([])
  })
})

describe('routeToSimulator', () => {
  afterEach(() => routeToSimulator(undefined))

  it.each(['http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010'])(
    'accepts the loopback address %s',
    (address) => {
      routeToSimulator(address)
      expect(zendeskOrigin('acme')).toBe(new URL(address).origin)
    }
  )

  it('still validates the subdomain while routed', () => {
    routeToSimulator('http://127.0.0.1:4010')
    expect(() => zendeskOrigin('acme.evil.com')).toThrow(SettingsError)
  })

  it.each([
    'https://127.0.0.1:4010',
    'http://example.com',
    'http://127.0.0.1.nip.io:4010',
    'http://localhost@evil.com',
    'http://10.0.0.1:4010',
    'http://127.0.0.1:4010/api',
    'http://127.0.0.1:4010/?x=1'
  ])('rejects %s', (address) => {
    expect(() => routeToSimulator(address)).toThrow(/loopback/)
    expect(zendeskOrigin('acme')).toBe(BASE_URL)
  })

  it('undefined routes back to Zendesk', () => {
    routeToSimulator('http://127.0.0.1:4010')
    routeToSimulator(undefined)
    expect(zendeskOrigin('acme')).toBe(BASE_URL)
  })
})
