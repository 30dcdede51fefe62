import nock from 'nock'
import { InvalidAuthenticationError } from '@segment/actions-core'
import {
  authorizationHeader,
  credentialSecrets,
  normaliseSubdomain,
  SettingsError
} from '../../src/destinations/zendesk/settings/settings'
import { simulatorOrigin, zendeskOrigin } from '../../src/destinations/zendesk/settings/origin'
import { BASE_URL, destination, presetSubscription, resetState, settings, watchUnmatchedRequests } from './support'

const identify = { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', name: 'Ada' } } as any
const basicHeader = `Basic ${Buffer.from('agent@example.com/token:test-token').toString('base64')}`

let unmatched: ReturnType<typeof watchUnmatchedRequests>

function sendIdentify(overrides: Record<string, unknown>) {
  const { subdomain, email, api_token, ...rest } = { ...settings, ...overrides }
  const chosen = Object.fromEntries(
    Object.entries({ subdomain, email, api_token, ...rest }).filter(([, value]) => value !== undefined)
  )
  return destination().onEvent(identify, {
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
    ['api_token without email', { email: undefined }, /Email is missing/]
  ])('%s → a clear configuration error and no request', async (_, overrides, message) => {
    const error = await sendIdentify(overrides).catch((e) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect(error.message).toMatch(message)
    expect(error.status).toBe(400)
    expect(unmatched.seen).toEqual([])
  })

  it('no credential and no connection → an authentication error that says to connect, and no request', async () => {
    const error = await sendIdentify({ email: undefined, api_token: undefined }).catch((e) => e)
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error.message).toMatch(/connect the Zendesk account/)
    expect(error.status).toBe(401)
    expect(unmatched.seen).toEqual([])
  })
})

describe('credential characters', () => {
  const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`
  const EDGES = [' ', '\t', '\n', '\r\n', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', ' \u200B\n']

  it.each(EDGES)('%j around a value is trimmed', (edge) => {
    expect(authorizationHeader({ subdomain: 'acme', oauth_token: `${edge}oauth-tok${edge}` })).toBe('Bearer oauth-tok')
    expect(
      authorizationHeader({
        subdomain: 'acme',
        email: `${edge}agent@example.com${edge}`,
        api_token: `test-token${edge}`
      })
    ).toBe(basicHeader)
  })

  it('a value that is only whitespace and zero-width characters counts as empty', () => {
    expect(
      authorizationHeader({
        subdomain: 'acme',
        email: 'agent@example.com',
        api_token: 'test-token',
        oauth_token: ' \u200B '
      })
    ).toBe(basicHeader)
  })

  const INSIDE: [string, string][] = [
    ['a space', ' '],
    ['a newline', '\n'],
    ['a carriage return', '\r'],
    ['a tab', '\t'],
    ['a NUL', '\u0000'],
    ['DEL', '\u007F'],
    ['a zero-width space', '\u200B'],
    ['a byte order mark', '\uFEFF'],
    ['a non-breaking space', '\u00A0'],
    ['a Latin-1 letter', 'é'],
    ['a non-Latin-1 character', '\u2014'],
    ['an emoji', '\u{1F600}']
  ]
  const LABELS = { email: 'Email', api_token: 'API Token', oauth_token: 'OAuth Token' } as const

  describe.each(Object.entries(LABELS))('%s', (key, label) => {
    it.each(INSIDE)('with %s inside → a settings error naming %s, never the value', (_, character) => {
      const value = key === 'email' ? `agent${character}x@example.com` : `sekrit${character}value-77`
      const given =
        key === 'oauth_token'
          ? { subdomain: 'acme', oauth_token: value }
          : { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token', [key]: value }
      let error: any
      try {
        authorizationHeader(given)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(SettingsError)
      expect(error.status).toBe(400)
      expect(error.code).toBe('INVALID_SETTINGS')
      expect(error.message).toContain(`${label} contains a character that cannot be sent`)
      for (const part of key === 'email' ? ['agent', 'x@example.com'] : ['sekrit', 'value-77']) {
        expect(error.message).not.toContain(part)
        expect(error.stack).not.toContain(part)
      }
    })
  })

  it('the secrets kept out of messages are the trimmed tokens and the header value they make', () => {
    const secrets = credentialSecrets({ subdomain: 'acme', email: 'agent@example.com', api_token: ' test-token\u200B' })
    expect(secrets).toContain('test-token')
    expect(secrets).toContain(basic('agent@example.com', 'test-token').replace('Basic ', ''))
    expect(credentialSecrets({ subdomain: 'acme', oauth_token: '\uFEFFoauth-tok\n' })).toContain('oauth-tok')
  })
})

describe('testAuthentication', () => {
  it('succeeds when users/me answers with a real agent', async () => {
    const scope = nock(BASE_URL, { reqheaders: { authorization: basicHeader } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 501, role: 'admin', name: 'Agent' } })
    await expect(destination().testAuthentication(settings)).resolves.toBeUndefined()
    expect(scope.isDone()).toBe(true)
  })

  it("fails on Zendesk's anonymous answer (200 with id: null)", async () => {
    nock(BASE_URL)
      .get('/api/v2/users/me')
      .reply(200, { user: { id: null, name: 'Anonymous user', role: 'end-user' } })
    await expect(destination().testAuthentication(settings)).rejects.toThrow(/anonymous/)
  })

  it('fails on 401', async () => {
    nock(BASE_URL).get('/api/v2/users/me').reply(401, { error: "Couldn't authenticate you" })
    await expect(destination().testAuthentication(settings)).rejects.toThrow(/401/)
  })

  it('makes no request for an invalid subdomain', async () => {
    await expect(destination().testAuthentication({ ...settings, subdomain: 'acme.evil.com' })).rejects.toThrow(
      /subdomain/
    )
    expect(unmatched.seen).toEqual([])
  })
})

describe('the simulator origin (createDestination({ origin }))', () => {
  it.each(['http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010'])(
    'accepts the loopback address %s',
    (address) => {
      const origin = simulatorOrigin(address)
      expect(origin).toBe(new URL(address).origin)
      expect(zendeskOrigin('acme', origin)).toBe(origin)
    }
  )

  it('still validates the subdomain when given a simulator', () => {
    expect(() => zendeskOrigin('acme.evil.com', simulatorOrigin('http://127.0.0.1:4010'))).toThrow(SettingsError)
  })

  it.each([
    'https://127.0.0.1:4010',
    'https://evil.example.com',
    'http://example.com',
    'http://127.0.0.1.nip.io:4010',
    'http://localhost@evil.com',
    'http://10.0.0.1:4010',
    'http://127.0.0.1:4010/api',
    'http://127.0.0.1:4010/?x=1',
    'not a url'
  ])('rejects %s', (address) => {
    expect(() => simulatorOrigin(address)).toThrow(/loopback/)
  })

  it('without a simulator, requests go to https://<subdomain>.zendesk.com', () => {
    expect(zendeskOrigin('acme')).toBe(BASE_URL)
    expect(zendeskOrigin('https://ACME.zendesk.com/agent')).toBe(BASE_URL)
  })
})
