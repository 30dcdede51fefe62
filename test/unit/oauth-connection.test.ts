import { inspect } from 'util'
import nock from 'nock'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { testDefinition } from '../helpers/destination-state'
import { credentialsIn } from '../helpers/credentials'
import { BASE_URL, capturingLogger, presetSubscription, watchUnmatchedRequests } from './support'

const CLIENT_ID = 'actions-zendesk-test'
const CLIENT_SECRET = 'client-secret-1'
const EXPIRED = 'token-before'
const FRESH = 'token-after'
const REFRESH = 'refresh-tok-1'
const ROTATED_REFRESH = 'leak-refresh-4k'
const SECRETS = [CLIENT_SECRET, EXPIRED, FRESH, REFRESH, ROTATED_REFRESH]

const identify = (userId: string): Partial<SegmentEvent> => ({
  type: 'identify',
  userId,
  messageId: `m-${userId}`,
  traits: { name: `User ${userId}`, email: `${userId}@example.com` }
})

const track = (userId: string, messageId: string): Partial<SegmentEvent> => ({
  type: 'track',
  event: 'Article Read',
  userId,
  messageId,
  timestamp: '2026-12-04T10:00:00.000Z',
  context: { zendesk_user_id: '501' },
  properties: { title: 'OAuth' }
})

/** The settings a host passes with each event: its own copy of the connection, as hosts pass them. */
const connected = (oauth: Record<string, string>, subscriptions: unknown[]) =>
  ({ subdomain: 'acme', oauth: { ...oauth }, subscriptions }) as any

const executed = (results: { output?: unknown }[]) => results.some((result) => result.output === 'Action Executed')

const withRefreshToken = { access_token: EXPIRED, refresh_token: REFRESH, clientId: CLIENT_ID }

let destination: Destination<Settings>
let unmatched: ReturnType<typeof watchUnmatchedRequests>
/** Every token request's body and whether it carried an Authorization header. */
let tokenRequests: { body: Record<string, string>; authorization: boolean }[]

/** Zendesk's token endpoint: answers each request with `answer` (the rotated pair by default). */
function tokenEndpoint(answer: (body: Record<string, string>) => [number, unknown] = rotatedPair) {
  nock(BASE_URL)
    .persist()
    .post('/oauth/tokens')
    .reply(function (_, body) {
      tokenRequests.push({ body: body as Record<string, string>, authorization: !!this.req.headers.authorization })
      return answer(body as Record<string, string>)
    })
}

function rotatedPair(): [number, unknown] {
  return [
    200,
    {
      access_token: FRESH,
      refresh_token: ROTATED_REFRESH,
      token_type: 'bearer',
      scope: 'read write',
      expires_in: 1800,
      refresh_token_expires_in: 2592000
    }
  ]
}

/** Users API that knows only the fresh token: the expired one gets Zendesk's recorded 401. */
function usersApi() {
  nock(BASE_URL)
    .persist()
    .post('/api/v2/users/create_or_update')
    .reply(function (_, body) {
      if (String(this.req.headers.authorization) !== `Bearer ${FRESH}`) return [401, invalidToken]
      return [201, { user: { id: 900, ...(body as { user: object }).user } }]
    })
}

const invalidToken = {
  error: 'invalid_token',
  error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.'
}

function expectNoSecret(what: string, value: unknown) {
  const text = inspect(value, { depth: 12, maxStringLength: Infinity })
  expect({ what, leaked: credentialsIn(text, SECRETS) }).toEqual({ what, leaked: [] })
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  destination = new Destination(testDefinition())
  tokenRequests = []
  unmatched = watchUnmatchedRequests()
})
afterEach(() => {
  unmatched.stop()
  expect(unmatched.seen).toEqual([])
})

describe('an OAuth connection with a refresh token', () => {
  it('an expired access token is renewed once, the rotated pair handed to the host, and the event delivered', async () => {
    tokenEndpoint()
    usersApi()
    const stored: unknown[] = []
    const results = await destination.onEvent(
      identify('u1') as SegmentEvent,
      connected(withRefreshToken, [presetSubscription('upsertUser')]),
      { onTokenRefresh: async (tokens) => void stored.push(tokens) }
    )
    expect(executed(results)).toBe(true)
    expect(tokenRequests).toEqual([
      {
        body: { grant_type: 'refresh_token', refresh_token: REFRESH, client_id: CLIENT_ID },
        authorization: false
      }
    ])
    expect(stored).toEqual([
      expect.objectContaining({ accessToken: FRESH, refreshToken: ROTATED_REFRESH, expiresAt: expect.any(String) })
    ])
  })

  it('50 concurrent events on an expired token, each with its own settings copy: one token request, all delivered', async () => {
    tokenEndpoint()
    usersApi()
    const sends = Array.from({ length: 50 }, (_, i) =>
      destination.onEvent(
        identify(`u${i}`) as SegmentEvent,
        connected(withRefreshToken, [presetSubscription('upsertUser')])
      )
    )
    const results = await Promise.all(sends)
    expect(results.map(executed)).toEqual(Array(50).fill(true))
    expect(tokenRequests).toHaveLength(1)
  })

  it('a refresh asked again with the refresh token this instance rotated away answers that rotation, no request', async () => {
    tokenEndpoint()
    usersApi()
    const subscriptions = [presetSubscription('upsertUser')]
    await destination.onEvent(identify('u1') as SegmentEvent, connected(withRefreshToken, subscriptions))
    // A host that has not stored the rotation yet sends the old pair again.
    const stored: unknown[] = []
    await destination.onEvent(identify('u2') as SegmentEvent, connected(withRefreshToken, subscriptions), {
      onTokenRefresh: async (tokens) => void stored.push(tokens)
    })
    expect(tokenRequests).toHaveLength(1)
    // Asked directly, as a host refreshing ahead of time would: the newest pair, still no request.
    const renewed = await destination.refreshAccessToken({ subdomain: 'acme' } as any, {
      accessToken: EXPIRED,
      refreshToken: REFRESH,
      clientId: CLIENT_ID,
      clientSecret: ''
    })
    expect(renewed).toMatchObject({ accessToken: FRESH, refreshToken: ROTATED_REFRESH })
    expect(tokenRequests).toHaveLength(1)
  })

  it('a refused refresh (invalid_grant) ends every waiting event as a non-retryable "reconnect" error', async () => {
    tokenEndpoint(() => [
      400,
      { error: 'invalid_grant', error_description: `The refresh token ${REFRESH} is invalid or expired.` }
    ])
    usersApi()
    const logger = capturingLogger()
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        destination
          .onEvent(identify(`u${i}`) as SegmentEvent, connected(withRefreshToken, [presetSubscription('upsertUser')]), {
            logger
          })
          .then(
            () => undefined,
            (error) => error
          )
      )
    )
    for (const error of outcomes) {
      expect(error).toMatchObject({ status: 401, code: 'OAUTH_REFRESH_FAILED' })
      expect(error.message).toMatch(/Reconnect the Zendesk account/)
      expect(error.message).toMatch(/invalid_grant/)
      expectNoSecret('the error', error)
      expectNoSecret('the stack', error.stack)
    }
    expectNoSecret('the log', logger.lines)
    expect(tokenRequests).toHaveLength(1)
  })

  it.each([
    ['a 500', () => [500, { error: 'InternalError' }] as [number, unknown]],
    ['an HTML page with 200', () => [200, '<html><body>Zendesk is down</body></html>'] as [number, unknown]],
    ['a 200 without a token', () => [200, { token_type: 'bearer' }] as [number, unknown]]
  ])('a token endpoint answering %s is retryable, and says nothing secret', async (_, answer) => {
    tokenEndpoint(answer)
    usersApi()
    const error = await destination
      .onEvent(identify('u1') as SegmentEvent, connected(withRefreshToken, [presetSubscription('upsertUser')]))
      .catch((e) => e)
    expect(error.status).toBeGreaterThanOrEqual(500)
    expect(error.name).toMatch(/Retryable/)
    expectNoSecret('the error', error)
  })

  it('a batch whose token expired is renewed once and every event delivered', async () => {
    tokenEndpoint()
    nock(BASE_URL)
      .persist()
      .post('/api/v2/users/create_or_update_many')
      .reply(function () {
        if (String(this.req.headers.authorization) !== `Bearer ${FRESH}`) return [401, invalidToken]
        return [200, { job_status: { id: 'V3-1', status: 'queued', results: null } }]
      })
      .get('/api/v2/job_statuses/V3-1')
      .reply(200, {
        job_status: {
          id: 'V3-1',
          status: 'completed',
          results: [0, 1, 2].map((index) => ({ index, id: 100 + index, status: 'Created' }))
        }
      })
    nock(BASE_URL).persist().get('/api/v2/user_fields').query(true).reply(200, { user_fields: [] })
    const results = await destination.onBatch(
      ['u1', 'u2', 'u3'].map(identify) as SegmentEvent[],
      connected(withRefreshToken, [presetSubscription('upsertUser')])
    )
    expect((results[0] as any).multistatus.map((r: { status: number }) => r.status)).toEqual([200, 200, 200])
    expect(tokenRequests).toHaveLength(1)
  })
})

describe('an OAuth connection with client credentials (no person involved)', () => {
  const clientCredentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }

  it('gets its token with grant_type=client_credentials, then 100 events cost no other token request', async () => {
    tokenEndpoint(() => [200, { access_token: FRESH, token_type: 'bearer', scope: 'read write', expires_in: 1800 }])
    usersApi()
    const subscriptions = [presetSubscription('upsertUser')]
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        destination.onEvent(identify(`u${i}`) as SegmentEvent, connected(clientCredentials, subscriptions))
      )
    )
    expect(results.every(executed)).toBe(true)
    expect(tokenRequests).toEqual([
      {
        body: {
          grant_type: 'client_credentials',
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          scope: 'read write'
        },
        authorization: false
      }
    ])
  })

  it('a wrong client secret (invalid_client) is a "reconnect" error naming no secret', async () => {
    tokenEndpoint(() => [401, { error: 'invalid_client', error_description: 'Client authentication failed.' }])
    const error = await destination
      .onEvent(identify('u1') as SegmentEvent, connected(clientCredentials, [presetSubscription('upsertUser')]))
      .catch((e) => e)
    expect(error).toMatchObject({ status: 401, code: 'OAUTH_REFRESH_FAILED' })
    expect(error.message).toMatch(/invalid_client/)
    expectNoSecret('the error', error)
  })
})

describe('a run again after a renewal', () => {
  it('does not send an Events API event twice: the one delivered before the 401 is remembered by its message id', async () => {
    tokenEndpoint()
    usersApi()
    let eventsWritten = 0
    nock(BASE_URL)
      .persist()
      .post('/api/v2/users/501/events')
      .reply(() => {
        eventsWritten++
        return [202, { status: 'received' }]
      })
    // One event matching two subscriptions: the track lands with the expired token (events are accepted as
    // written), the upsert does not, so actions-core renews and runs both again.
    const event = { ...track('u1', 'm-track-1'), traits: { email: 'u1@example.com' } }
    const subscriptions = [
      presetSubscription('trackEvent'),
      { ...presetSubscription('upsertUser'), subscribe: 'type = "track"' }
    ]
    const results = await destination.onEvent(event as SegmentEvent, connected(withRefreshToken, subscriptions))
    expect(results.filter((r) => r.output === 'Action Executed')).toHaveLength(2)
    expect(eventsWritten).toBe(1)
    expect(tokenRequests).toHaveLength(1)
  })
})

describe('testAuthentication', () => {
  it('checks the access token it is given and never renews it', async () => {
    tokenEndpoint()
    nock(BASE_URL).get('/api/v2/users/me').reply(401, invalidToken)
    await expect(
      destination.testAuthentication({ subdomain: 'acme', oauth: { ...withRefreshToken } } as any)
    ).rejects.toThrow(/Credentials are invalid: .*rejected the credentials \(401\)/)
    expect(tokenRequests).toEqual([])
  })

  it('accepts a live access token', async () => {
    nock(BASE_URL, { reqheaders: { authorization: `Bearer ${FRESH}` } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 7, name: 'Admin', email: 'admin@example.com' } })
    await expect(
      destination.testAuthentication({ subdomain: 'acme', oauth: { ...withRefreshToken, access_token: FRESH } } as any)
    ).resolves.toBeUndefined()
  })
})
