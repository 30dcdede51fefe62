import { inspect } from 'util'
import nock from 'nock'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { SettingsError } from '../../src/destinations/zendesk/settings/settings'
import { testDefinition } from '../helpers/destination-state'
import { BASE_URL, capturingLogger, presetSubscription, watchUnmatchedRequests, type CapturingLogger } from './support'

/**
 * Credentials pasted with characters that cannot travel in an HTTP header, through all five entry points: a clear
 * configuration error naming the setting, before any request, and the value nowhere (message, stack, logs).
 * Surrounding whitespace and zero-width characters are trimmed, so such a paste works.
 */

type Key = 'email' | 'api_token' | 'oauth_token'

const EMAIL = 'agent@example.com'
const API_TOKEN = 'leak-api-7q'
const OAUTH_TOKEN = 'leak-oauth-9z'

interface Credential {
  label: string
  /** Settings with this credential's value replaced by `value`. */
  settings: (value: string) => Settings
  /** The value with `character` inside, and the parts around it, none of which may be shown. */
  spoilt: (character: string) => { value: string; parts: string[] }
  clean: string
  /** The Authorization header the clean value makes. */
  header: string
}

const basic = `Basic ${Buffer.from(`${EMAIL}/token:${API_TOKEN}`).toString('base64')}`

const CREDENTIALS: Record<Key, Credential> = {
  email: {
    label: 'Email',
    settings: (email) => ({ subdomain: 'acme', email, api_token: API_TOKEN }),
    spoilt: (c) => ({ value: `ada-q7${c}zx@example.com`, parts: ['ada-q7', 'zx@example.com'] }),
    clean: EMAIL,
    header: basic
  },
  api_token: {
    label: 'API Token',
    settings: (api_token) => ({ subdomain: 'acme', email: EMAIL, api_token }),
    spoilt: (c) => ({ value: `leak-api${c}-7q`, parts: ['leak-api', '-7q'] }),
    clean: API_TOKEN,
    header: basic
  },
  oauth_token: {
    label: 'OAuth Token',
    settings: (oauth_token) => ({ subdomain: 'acme', oauth_token }),
    spoilt: (c) => ({ value: `leak-oauth${c}-9z`, parts: ['leak-oauth', '-9z'] }),
    clean: OAUTH_TOKEN,
    header: `Bearer ${OAUTH_TOKEN}`
  }
}

/** Characters that cannot be inside a credential. */
const INSIDE: [string, string][] = [
  ['a newline', '\n'],
  ['a carriage return and line feed', '\r\n'],
  ['a space', ' '],
  ['a tab', '\t'],
  ['a non-Latin-1 character', '\u2014'],
  ['a Latin-1 letter', '\u00E9'],
  ['a zero-width space', '\u200B'],
  ['a control character', '\u0007']
]

/** What a paste often leaves around a value: trimmed. */
const AROUND: [string, (value: string) => string][] = [
  ['a trailing zero-width space', (value) => `${value}\u200B`],
  ['a leading byte order mark and a trailing newline', (value) => `\uFEFF${value}\n`],
  ['spaces and a word joiner around it', (value) => `  \u2060${value} `]
]

const identify = (userId: string) =>
  ({ type: 'identify', userId, traits: { email: `${userId}@example.com`, name: 'Ada' } }) as unknown as SegmentEvent
const deletion = { type: 'delete', userId: 'u1' } as unknown as SegmentEvent
const subscribed = (settings: Settings) => ({ ...settings, subscriptions: [presetSubscription('upsertUser')] }) as any

type EntryPoint = (destination: Destination<Settings>, settings: Settings, logger: CapturingLogger) => Promise<unknown>

/** The five ways a host calls the destination, and for the trimming tests, how Zendesk answers each. */
const ENTRY_POINTS: [string, EntryPoint, () => nock.Interceptor[], nock.Body][] = [
  [
    'onEvent',
    (d, settings, logger) => d.onEvent(identify('u1'), subscribed(settings), { logger } as any),
    () => [nock(BASE_URL).post('/api/v2/users/create_or_update')],
    { user: { id: 7 } }
  ],
  [
    'onBatch',
    (d, settings, logger) => d.onBatch([identify('u1'), identify('u2')], subscribed(settings), { logger } as any),
    () => [
      nock(BASE_URL).post('/api/v2/users/create_or_update'),
      nock(BASE_URL).post('/api/v2/users/create_or_update')
    ],
    { user: { id: 7 } }
  ],
  [
    'testAuthentication',
    (d, settings) => d.testAuthentication(settings),
    () => [nock(BASE_URL).get('/api/v2/users/me')],
    { user: { id: 501, role: 'admin' } }
  ],
  [
    'executeDynamicField',
    (d, settings) => d.executeDynamicField('createTicket', 'group_id', { settings, payload: {} } as any),
    () => [nock(BASE_URL).get('/api/v2/groups').query(true)],
    { groups: [{ id: 5, name: 'Billing' }], meta: { has_more: false } }
  ],
  [
    'onDelete',
    (d, settings) => d.onDelete!(deletion, settings as any),
    () => [
      nock(BASE_URL).get('/api/v2/users/search').query(true),
      nock(BASE_URL).get('/api/v2/deleted_users').query(true)
    ],
    // No user anywhere: the search finds none, then deleted_users (one answer body serves both).
    { users: [], deleted_users: [] }
  ]
]

let destination: Destination<Settings>
let unmatched: ReturnType<typeof watchUnmatchedRequests>

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  destination = new Destination<Settings>(testDefinition())
  unmatched = watchUnmatchedRequests()
})
afterEach(() => unmatched.stop())

/**
 * The error an entry point gave: thrown, or (a dynamic field's way) answered as `error`, or given to every event
 * of a batch. Undefined when it succeeded.
 */
function failureOf(outcome: { error?: unknown; result?: unknown }): { status?: number; message: string; all: string } {
  if (outcome.error) {
    const error = outcome.error as Error & { status?: number }
    return { status: error.status, message: error.message, all: `${error.stack}\n${inspect(error, { depth: 8 })}` }
  }
  const result = outcome.result as any
  if (result?.error) return { status: Number(result.error.code), message: result.error.message, all: inspect(result) }
  const failed = (result as any[] | undefined)?.[0]?.multistatus?.find((entry: any) => entry.status >= 400)
  if (failed) return { status: failed.status, message: failed.errormessage, all: inspect(result, { depth: 8 }) }
  throw new Error(`the entry point succeeded: ${inspect(result)}`)
}

describe.each(Object.entries(CREDENTIALS))('%s', (key, credential) => {
  describe.each(ENTRY_POINTS)('through %s', (_, call) => {
    it.each(INSIDE)(
      'with %s inside: a settings error naming the setting, no request, the value nowhere',
      async (__, character) => {
        const { value, parts } = credential.spoilt(character)
        const logger = capturingLogger()
        const outcome = await call(destination, credential.settings(value), logger).then(
          (result) => ({ result }),
          (error) => ({ error })
        )
        const failure = failureOf(outcome)
        if ('error' in outcome) expect(outcome.error).toBeInstanceOf(SettingsError)
        expect(failure.status).toBe(400)
        expect(failure.message).toBe(
          `${credential.label} contains a character that cannot be sent to Zendesk (a space, line break, control, invisible or non-ASCII character). Paste it again without it.`
        )
        expect(unmatched.seen).toEqual([])
        const shown = [failure.message, failure.all, ...logger.lines].join('\n')
        for (const part of [value, ...parts]) expect(shown).not.toContain(part)
        if (key !== 'email') expect(shown).not.toContain(credential.clean)
      }
    )
  })
})

describe.each(Object.entries(CREDENTIALS))('%s pasted with what a paste leaves around it', (_, credential) => {
  describe.each(ENTRY_POINTS)('through %s', (__, call, routes, answer) => {
    it.each(AROUND)('with %s: trimmed, and the request carries the clean header', async (___, around) => {
      const sentHeaders: (string | undefined)[] = []
      const interceptors = routes()
      for (const route of interceptors) {
        route.reply(function () {
          sentHeaders.push([this.req.headers.authorization].flat()[0])
          return [200, answer]
        })
      }
      const outcome = await call(destination, credential.settings(around(credential.clean)), capturingLogger()).then(
        (result) => ({ result }),
        (error) => ({ error })
      )
      expect(outcome).not.toHaveProperty('error')
      expect((outcome as any).result?.error).toBeUndefined()
      expect(sentHeaders).toHaveLength(interceptors.length)
      for (const header of sentHeaders) expect(header).toBe(credential.header)
      expect(unmatched.seen).toEqual([])
      expect(nock.pendingMocks()).toEqual([])
    })
  })
})
