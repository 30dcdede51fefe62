import { existsSync, readdirSync, readFileSync, statSync } from 'fs'
import { join, relative } from 'path'
import { inspect } from 'util'
import nock from 'nock'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { testDefinition } from '../helpers/destination-state'
import { TestClock } from '../helpers/test-clock'
import { polledJobs } from '../simulator/helpers'
import { startSimulator, type Faults, type RunningSimulator } from '../../src/simulator'
import {
  AGENT_EMAIL,
  basicCredential,
  credentialsIn,
  FAKE_API_TOKENS,
  FAKE_CLIENT_SECRETS,
  FAKE_CREDENTIALS,
  FAKE_OAUTH_TOKENS,
  FAKE_REFRESH_TOKENS,
  redactCredentials
} from '../helpers/credentials'
import { LEAKS, QUIET } from '../setup/credential-guard'
import { capturingLogger } from '../unit/support'
import { ACTION_CASES, subscriptionOf } from './actions'
import { sendMany, sendOne } from './outcomes'

const ROOT = join(__dirname, '..', '..')
const API_TOKEN = 'leak-api-7q'
const OTHER_API_TOKEN = 'leak-api-8w'
const OAUTH_TOKEN = 'leak-oauth-9z'
const API_TOKEN_SETTINGS = { subdomain: 'acme', email: AGENT_EMAIL, api_token: API_TOKEN }
const OAUTH_SETTINGS = { subdomain: 'acme', oauth_token: OAUTH_TOKEN }

/** Everything a host could see of a value: all properties, nested, strings in full. */
const everything = (value: unknown) => inspect(value, { depth: 12, maxStringLength: Infinity, breakLength: Infinity })

/** Fails when `text` shows a credential; the report shows where, with the credential itself replaced. */
function expectNoCredential(what: string, text: string, credentials: readonly string[] = FAKE_CREDENTIALS): void {
  const leaked = credentialsIn(text, credentials)
  const at = leaked.length ? text.indexOf(leaked[0]) : 0
  const around = leaked.length ? redactCredentials(text.slice(Math.max(0, at - 150), at + 150), credentials) : ''
  expect({ what, credentials: leaked.length, around }).toEqual({ what, credentials: 0, around: '' })
}

function filesUnder(directory: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(directory)) return []
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name)
    if (name === 'node_modules' || name.startsWith('.')) return []
    if (statSync(path).isDirectory()) return filesUnder(path, keep)
    return keep(path) ? [path] : []
  })
}

describe('the list of fake credentials', () => {
  const tokenLiteral =
    /(?:api_?token|oauth_?token|\btoken|client_?secret|clientSecret|\bsecret)\s*[:=]\s*['"`]([\w.-]+)['"`]|\/token:([\w.-]+)['"`]/gi
  const sources = [
    ...filesUnder(join(ROOT, 'test'), (p) => p.endsWith('.ts')),
    ...filesUnder(join(ROOT, 'scripts'), (p) => p.endsWith('.ts'))
  ]

  it('holds every token, refresh token and client secret literal the tests and scripts use', () => {
    const known = new Set<string>([
      ...FAKE_API_TOKENS,
      ...FAKE_OAUTH_TOKENS,
      ...FAKE_REFRESH_TOKENS,
      ...FAKE_CLIENT_SECRETS
    ])
    const unknown = sources.flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(tokenLiteral)]
        .map((match) => match[1] ?? match[2])
        .filter((token) => !known.has(token))
        .map((token) => `${relative(ROOT, path)}: ${token}`)
    )
    expect(sources.length).toBeGreaterThan(10)
    expect(unknown).toEqual([])
  })

  it('holds the Basic form of each API token', () => {
    expect(FAKE_CREDENTIALS).toContain(Buffer.from(`${AGENT_EMAIL}/token:test-token`).toString('base64'))
  })
})

describe('the console guard', () => {
  const guard = globalThis as unknown as Record<symbol, unknown>
  /** Leaks on purpose, with the guard recording but not showing them: a passing run prints nothing credential-like. */
  function leakQuietly(write: () => void): string[] {
    guard[QUIET] = true
    try {
      write()
    } finally {
      guard[QUIET] = false
    }
    return (guard[LEAKS] as string[]).splice(0)
  }

  it('catches a credential written to the console', () => {
    const caught = leakQuietly(() => console.warn(`Authorization: Basic ${basicCredential(API_TOKEN)}`))
    expect(caught).toEqual(['console.warn: Authorization: Basic [credential]'])
  })

  it("catches the tokens a simulator issues and the OAuth clients' secrets", async () => {
    const sim = await startSimulator({
      account: 'default',
      oauthClients: [{ identifier: 'app', kind: 'public', redirectUris: ['http://127.0.0.1:1/cb'] }]
    })
    try {
      const pair = sim.oauth.issue('app')
      const caught = leakQuietly(() =>
        console.error(`refresh ${pair.refresh_token} for ${pair.access_token} with ${FAKE_CLIENT_SECRETS[0]}`)
      )
      expect(caught).toEqual(['console.error: refresh [credential] for [credential] with [credential]'])
    } finally {
      await sim.close()
    }
  })
})

describe('files a reader sees', () => {
  const snapshots = filesUnder(ROOT, (path) => path.includes('__snapshots__') && path.endsWith('.snap'))

  it('snapshots exist to check', () => expect(snapshots.length).toBeGreaterThan(0))

  it.each(snapshots.map((path) => [relative(ROOT, path), path]))('%s holds no credential', (_, path) => {
    expectNoCredential(path, readFileSync(path, 'utf8'))
  })

  it('the benchmark output (bench/), when present, holds no credential', () => {
    for (const path of filesUnder(join(ROOT, 'bench'), () => true)) {
      expectNoCredential(relative(ROOT, path), readFileSync(path, 'utf8'))
    }
  })
})

/** Each class of failure Zendesk (or the network) can give, as nock replies to every request. */
type Failure = (interceptor: nock.Interceptor) => nock.Scope
const echoAuthorization = function (this: { req: { headers: Record<string, string> } }) {
  return { error: 'RecordInvalid', description: `Bad request with ${this.req.headers.authorization}` }
}
const FAILURES: [string, Failure][] = [
  ['400', (i) => i.reply(400, { error: 'TooManyValues', description: 'Maximum 100' })],
  ['401', (i) => i.reply(401, { error: "Couldn't authenticate you" })],
  [
    '401 invalid_token',
    (i) => i.reply(401, { error: 'invalid_token', error_description: 'The access token is invalid' })
  ],
  [
    '403',
    (i) => i.reply(403, { error: 'Forbidden', description: 'You are missing the following required scopes: write' })
  ],
  ['404', (i) => i.reply(404, { error: 'RecordNotFound', description: 'Not found' })],
  ['409', (i) => i.reply(409, { error: 'DatabaseConflict', description: 'Database collision' })],
  ['422', (i) => i.reply(422, { error: 'RecordInvalid', details: { base: [{ description: 'Is invalid' }] } })],
  ['429', (i) => i.reply(429, 'Rate limit exceeded', { 'Retry-After': '27' })],
  ['500', (i) => i.reply(500, { error: 'InternalError' })],
  ['503', (i) => i.reply(503, 'Maintenance', { 'Retry-After': '10' })],
  ['a timeout', (i) => i.replyWithError({ code: 'ETIMEDOUT', message: 'timed out' })],
  ['a connection reset', (i) => i.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })],
  ['an answer echoing the Authorization header', (i) => i.reply(422, echoAuthorization)]
]

describe('every failure of every action, with distinctive credentials', () => {
  let destination: Destination<Settings>
  const credentialCases: [string, object][] = [
    ['API token', API_TOKEN_SETTINGS],
    ['OAuth token', OAUTH_SETTINGS]
  ]

  beforeAll(() => nock.disableNetConnect())
  afterAll(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })
  beforeEach(() => {
    nock.cleanAll()
    destination = new Destination(testDefinition())
  })

  describe.each(credentialCases)('%s', (_, settings) => {
    describe.each(ACTION_CASES.map((action) => [action.key, action] as const))('%s', (__, action) => {
      it.each(FAILURES)('fails with %s, alone and in a batch, without showing a credential', async (___, fail) => {
        for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
          fail(nock('https://acme.zendesk.com').persist()[method](/.*/))
        }
        const logger = capturingLogger()
        const options = { settings, logger }
        const subscriptions = subscriptionOf(action.key)
        const alone = await sendOne(destination, action.event(0), subscriptions, options)
        const batch = await sendMany(destination, [action.event(1), action.event(2)], subscriptions, options)
        expect([alone, ...batch].map((o) => o.kind)).not.toContain('delivered')
        expectNoCredential('the outcomes', everything([alone, batch]))
        expectNoCredential('the log', logger.lines.join('\n'))
      })
    })
  })
})

describe('faults on the simulator, with distinctive credentials', () => {
  let simulator: RunningSimulator
  let destination: Destination<Settings>

  beforeAll(async () => {
    simulator = await startSimulator(
      polledJobs({
        account: 'bulk-import',
        endpointLimits: false,
        credentials: { email: AGENT_EMAIL, apiToken: API_TOKEN }
      })
    )
  })
  afterAll(() => simulator.close())
  beforeEach(() => {
    simulator.reset()
    destination = new Destination(
      testDefinition({
        origin: simulator.url,
        jobPolling: { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 60 },
        ...new TestClock(Date.now()).runningOptions
      })
    )
  })

  const FAULTS: [string, Faults, { settings?: object }][] = [
    ['429 with Retry-After', { rateLimit: { count: 1000, retryAfter: 30 } }, {}],
    ['503', { serverError: { count: 1000, status: 503, retryAfter: 5 } }, {}],
    ['connection resets', { connectionReset: { count: 1000 } }, {}],
    ['job items that fail', { failJobItems: { indexes: [0, 1] } }, {}],
    ['jobs that stay queued', { stuckJobs: true }, {}],
    ['credentials Zendesk does not know (401)', {}, { settings: { ...API_TOKEN_SETTINGS, api_token: OTHER_API_TOKEN } }]
  ]

  describe.each(ACTION_CASES.map((action) => [action.key, action] as const))('%s', (_, action) => {
    it.each(FAULTS)('%s: no credential in any outcome or log line', async (__, faults, how) => {
      action.seed(simulator)
      simulator.setFaults(faults)
      const logger = capturingLogger()
      const options = { settings: how.settings ?? API_TOKEN_SETTINGS, logger }
      const subscriptions = subscriptionOf(action.key)
      const outcomes = [
        await sendOne(destination, action.event(0), subscriptions, options),
        ...(await sendMany(destination, [action.event(1), action.event(2)], subscriptions, options))
      ]
      expect(outcomes.length).toBe(3)
      expectNoCredential('the outcomes', everything(outcomes))
      expectNoCredential('the log', logger.lines.join('\n'))
    })
  })
})

describe("the local host's answers", () => {
  let host: LocalHost
  const logged: string[] = []
  const answers: string[] = []
  /** The fake credentials, plus every token and client secret of the host's connection to its embedded simulator. */
  const secrets = () => [...FAKE_CREDENTIALS, ...host.target.account.secrets()]

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, env: {}, log: (line) => logged.push(line) })
  })
  afterAll(() => host.close())
  beforeEach(() => host.target.resetSimulator!())

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${host.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    answers.push(`${method} ${path} → ${res.status}\n${await res.text()}`)
  }

  const events = ACTION_CASES.map((action) => action.event(0) as SegmentEvent)
  const theirSettings = [
    API_TOKEN_SETTINGS,
    OAUTH_SETTINGS,
    { ...API_TOKEN_SETTINGS, oauth_token: OAUTH_TOKEN },
    { subdomain: `https://agent:${OTHER_API_TOKEN}@acme.zendesk.com`, oauth_token: OAUTH_TOKEN }
  ]

  it('never show a credential: events, batches, actions, authentication, deletion, manifest, state, faults', async () => {
    for (const event of events) await call('POST', `/v1/${event.type}`, event)
    await call('POST', '/v1/batch', { batch: events })
    for (const action of ACTION_CASES) {
      await call('POST', `/${action.key}`, { payload: action.event(1) })
      await call('POST', `/${action.key}`, { payload: [action.event(2), action.event(3)] })
      for (const settings of theirSettings) await call('POST', `/${action.key}`, { payload: action.event(4), settings })
    }
    await call('POST', '/authenticate', {})
    for (const settings of theirSettings) await call('POST', '/authenticate', { settings })
    await call('POST', '/delete', { payload: { userId: 'user-0' } })
    await call('POST', '/delete', { payload: { userId: 'user-0' }, settings: OAUTH_SETTINGS })
    host.simulator!.setFaults({ rateLimit: { count: 3, retryAfter: 1 }, serverError: { count: 3, status: 500 } })
    for (const event of events) await call('POST', `/v1/${event.type}`, event)
    await call('GET', '/manifest')
    await call('GET', '/simulator/state')
    await call('GET', '/connection')
    await call('GET', '/no-such-route')

    expect(answers.length).toBeGreaterThan(40)
    for (const answer of answers) expectNoCredential(answer.split('\n')[0], answer, secrets())
    expectNoCredential('the host log', logged.join('\n'), secrets())
  })
})
