import nock from 'nock'
import { Destination, RetryableError, type SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { testDefinition } from '../helpers/destination-state'
import { BASE_URL, presetSubscription, settings, watchUnmatchedRequests } from './support'
import { TestClock } from '../helpers/test-clock'

/**
 * Every route the destination uses, answered as a hostile network or a broken proxy would: a 2xx that is an HTML
 * page, truncated JSON, JSON of another shape or an empty body, and redirects to another host. Whatever the
 * action, single or batch, each event gets an honest result: a retryable error that says what arrived, never
 * success, never a TypeError, and nothing is ever sent to the other host.
 */

type Reply = (interceptor: nock.Interceptor) => nock.Scope
type ActionKey = 'upsertUser' | 'trackEvent' | 'updateOrganizationMembership' | 'createTicket' | 'updateTicket'
type Event = Record<string, unknown>

const ELSEWHERE = ['https://evil.example.com', 'http://evil.example.com']

/** 2xx answers that are not what Zendesk sends, and what the error must say arrived. */
const BAD_ANSWERS: [string, Reply, RegExp][] = [
  [
    'an HTML page',
    (i) =>
      i.reply(200, '<!DOCTYPE html><html><body><h1>Down for maintenance</h1></body></html>', {
        'Content-Type': 'text/html'
      }),
    /is not what Zendesk sends \(not JSON\); got "<!DOCTYPE html>/
  ],
  [
    'truncated JSON',
    (i) => i.reply(200, '{"user":{"id":42,"name":"Ad', { 'Content-Type': 'application/json' }),
    /is not what Zendesk sends \(not JSON\); got "\{\\"user\\":\{\\"id\\":42/
  ],
  [
    'JSON of another shape',
    (i) => i.reply(200, { data: { type: 'record', attributes: { id: '42' } } }),
    /is not what Zendesk sends \([\w.]+: Required\); got "\{\\"data\\"/
  ],
  ['an empty body', (i) => i.reply(200, ''), /is not what Zendesk sends \(not JSON\); got an empty body/]
]

/** Redirects to another host (the plain-http one too), and what the error must name. */
const REDIRECTS: [string, Reply, RegExp][] = [301, 302, 307, 308].map((status, n) => {
  const target = ELSEWHERE[n % 2]
  return [
    `a ${status} to ${target}`,
    (i: nock.Interceptor) => i.reply(status, '', { Location: `${target}/api/v2/stolen?n=${n}` }),
    new RegExp(`answered ${status} \\(a redirect to host evil\\.example\\.com\\).*nothing was sent there`)
  ]
})

const TAMPERED = [...BAD_ANSWERS, ...REDIRECTS]

/** A route and the events that reach it, with good answers for the requests before it. */
interface Route {
  name: string
  action: ActionKey
  /** Sets up the good answers before the route and applies `tamper` to every request to the route. */
  arrange: (tamper: Reply) => void
  /** The event that reaches the route on its own; none when only a batch does. */
  event?: Event
  batch: Event[]
  /** What the error names: the record or request the route was for. */
  about: RegExp
}

const zendesk = () => nock(BASE_URL).persist()

const identify = (userId: string): Event => ({
  type: 'identify',
  userId,
  traits: { email: `${userId}@example.com`, name: `User ${userId}` }
})
const track = (extra: Event): Event => ({
  type: 'track',
  event: 'Article Read',
  messageId: `m-${JSON.stringify(extra).length}`,
  timestamp: '2024-05-01T10:00:00.000Z',
  properties: { title: 'Intro' },
  ...extra
})
const joined = (userId: string, companyId: string, remove = false): Event => ({
  type: 'identify',
  userId,
  traits: { company: remove ? { id: companyId, remove: true } : { id: companyId } }
})
const ticketCreated = (messageId: string): Event => ({
  type: 'track',
  event: 'Ticket Created',
  userId: 'u1',
  messageId,
  context: { traits: { email: 'ada@example.com', name: 'Ada Lovelace' } },
  properties: { subject: 'Order failed', comment: 'Payment declined' }
})
const ticketUpdated = (ticketId: number): Event => ({
  type: 'track',
  event: 'Ticket Updated',
  userId: 'u1',
  messageId: `update-${ticketId}`,
  properties: { ticket_id: ticketId, status: 'open' }
})

const jobStatus = (id: string, status: string, results: unknown[] | null = null) => ({
  job_status: { id, status, total: results?.length ?? 0, results }
})
const noTickets = { tickets: [], meta: { has_more: false }, links: { next: null } }

const ROUTES: Route[] = [
  {
    name: 'POST users/create_or_update (Upsert User)',
    action: 'upsertUser',
    arrange: (tamper) => tamper(zendesk().post('/api/v2/users/create_or_update')),
    event: identify('u1'),
    batch: [identify('u1'), identify('u2')],
    about: /user with external_id "u[12]"/
  },
  {
    name: 'POST users/create_or_update_many (Upsert User, a batch of 3)',
    action: 'upsertUser',
    arrange: (tamper) => tamper(zendesk().post('/api/v2/users/create_or_update_many')),
    batch: [identify('u1'), identify('u2'), identify('u3')],
    about: /bulk upsert of 3 users/
  },
  {
    name: 'GET job_statuses/{id} (the job of a batch of 3 users)',
    action: 'upsertUser',
    arrange: (tamper) => {
      zendesk().post('/api/v2/users/create_or_update_many').reply(200, jobStatus('V3-tampered', 'queued'))
      tamper(zendesk().get('/api/v2/job_statuses/V3-tampered'))
    },
    batch: [identify('u1'), identify('u2'), identify('u3')],
    about: /job status V3-tampered/
  },
  {
    name: 'GET users/show_many (Track Event by userId)',
    action: 'trackEvent',
    arrange: (tamper) => tamper(zendesk().get('/api/v2/users/show_many').query(true)),
    event: track({ userId: 'u1' }),
    batch: [track({ userId: 'u1' }), track({ userId: 'u22' })],
    about: /2 users by external_id|user with external_id "u1"/
  },
  {
    name: 'GET users/search (Track Event by email)',
    action: 'trackEvent',
    arrange: (tamper) => tamper(zendesk().get('/api/v2/users/search').query(true)),
    event: track({ anonymousId: 'a1', properties: { email: 'ada@example.com' } }),
    batch: [
      track({ anonymousId: 'a1', properties: { email: 'ada@example.com' } }),
      track({ anonymousId: 'a2', properties: { email: 'grace@example.com' } })
    ],
    about: /user with email "(ada|grace)@example\.com"/
  },
  {
    name: 'POST users/{id}/events (Track Event)',
    action: 'trackEvent',
    arrange: (tamper) => tamper(zendesk().post(/^\/api\/v2\/users\/\d+\/events$/)),
    event: track({ userId: 'u1', context: { zendesk_user_id: '77' } }),
    batch: [
      track({ userId: 'u1', context: { zendesk_user_id: '77' } }),
      track({ userId: 'u2', context: { zendesk_user_id: '78' } })
    ],
    about: /user 7[78]/
  },
  {
    name: 'GET organizations/show_many (Update Organization Membership, add)',
    action: 'updateOrganizationMembership',
    arrange: (tamper) => {
      tamper(zendesk().get('/api/v2/organizations/show_many').query(true))
      zendesk()
        .get('/api/v2/users/show_many')
        .query(true)
        .optionally()
        .reply(200, { users: [{ id: 55, external_id: 'u1', active: true }] })
    },
    event: joined('u1', '6789'),
    batch: [joined('u1', '6789'), joined('u2', '6790')],
    about: /2 organizations by external_id|organization with external_id "6789"/
  },
  {
    name: 'GET organizations/show_many (Update Organization Membership, remove)',
    action: 'updateOrganizationMembership',
    arrange: (tamper) => {
      tamper(zendesk().get('/api/v2/organizations/show_many').query(true))
      zendesk()
        .get('/api/v2/users/show_many')
        .query(true)
        .optionally()
        .reply(200, { users: [{ id: 55, external_id: 'u1', active: true }] })
    },
    event: joined('u1', '6789', true),
    batch: [joined('u1', '6789', true), joined('u2', '6790', true)],
    about: /2 organizations by external_id|organization with external_id "6789"/
  },
  {
    name: 'GET tickets?external_id= (Create Ticket, the duplicate check)',
    action: 'createTicket',
    arrange: (tamper) => tamper(zendesk().get('/api/v2/tickets').query(true)),
    event: ticketCreated('msg-1'),
    batch: [ticketCreated('msg-1'), ticketCreated('msg-2')],
    about: /tickets with external_id "msg-[12]"/
  },
  {
    name: 'POST tickets (Create Ticket)',
    action: 'createTicket',
    arrange: (tamper) => {
      zendesk().get('/api/v2/tickets').query(true).reply(200, noTickets)
      tamper(zendesk().post('/api/v2/tickets'))
    },
    event: ticketCreated('msg-1'),
    batch: [ticketCreated('msg-1'), ticketCreated('msg-2')],
    about: /new ticket with external_id "msg-[12]"/
  },
  {
    name: 'PUT tickets/{id} (Update Ticket)',
    action: 'updateTicket',
    arrange: (tamper) => tamper(zendesk().put(/^\/api\/v2\/tickets\/\d+$/)),
    event: ticketUpdated(5),
    batch: [ticketUpdated(5), ticketUpdated(6)],
    about: /ticket [56]/
  }
]

let destination: Destination<Settings>
let unmatched: ReturnType<typeof watchUnmatchedRequests>
let elsewhere: string[]

/** Answers anything sent to the other host (so a request there would succeed) and records it. */
function watchElsewhere(): string[] {
  const seen: string[] = []
  for (const origin of ELSEWHERE) {
    const scope = nock(origin).persist()
    for (const method of ['get', 'post', 'put', 'delete'] as const) {
      scope[method](/.*/).reply((uri) => {
        seen.push(`${method.toUpperCase()} ${origin}${uri}`)
        return [200, { user: { id: 1 }, users: [], job_status: { id: 'V3-x', status: 'completed', results: [] } }]
      })
    }
  }
  return seen
}

function settingsFor(action: ActionKey) {
  return { ...settings, subscriptions: [presetSubscription(action)] } as any
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  // Its own caches, and jobs given up on after 150 ms of polling (a poll that keeps failing is retried until then).
  destination = new Destination<Settings>(
    testDefinition({
      jobPolling: { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 150 },
      ...new TestClock(Date.now()).runningOptions
    })
  )
  elsewhere = watchElsewhere()
  unmatched = watchUnmatchedRequests()
})
afterEach(() => {
  unmatched.stop()
  nock.cleanAll()
})

/** The checks every failing event must pass: retryable 502, what arrived said, nothing sent elsewhere. */
function expectHonestFailure(status: number, message: string, said: RegExp) {
  expect(status).toBe(502)
  expect(message).toMatch(said)
  expect(message).not.toMatch(/TypeError|Cannot read propert/)
}

describe.each(ROUTES)('$name', (route) => {
  const { event } = route
  if (event) {
    it.each(TAMPERED)('onEvent answered with %s: a retryable 502 saying what arrived', async (_, reply, said) => {
      route.arrange(reply)
      const error = await destination.onEvent(event as unknown as SegmentEvent, settingsFor(route.action)).then(
        (results) => ({ delivered: results }),
        (e) => e
      )
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).not.toBeInstanceOf(TypeError)
      expectHonestFailure(error.status, error.message, said)
      expect(error.message).toMatch(route.about)
      expect(elsewhere).toEqual([])
      expect(unmatched.seen).toEqual([])
    })
  }

  it.each(TAMPERED)('onBatch answered with %s: every event a retryable 502, none delivered', async (_, reply, said) => {
    route.arrange(reply)
    const [response] = await destination.onBatch(route.batch as unknown as SegmentEvent[], settingsFor(route.action))
    const results = (response as any).multistatus as any[]
    expect(results).toHaveLength(route.batch.length)
    for (const result of results) {
      expect(result.body).toBeUndefined()
      expectHonestFailure(result.status, result.errormessage, said)
      expect(result.errormessage).toMatch(route.about)
    }
    expect(elsewhere).toEqual([])
    expect(unmatched.seen).toEqual([])
  })
})

describe('what is fine', () => {
  it('a 204 on DELETE (remove a membership) is success', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/organizations/show_many')
      .query(true)
      .reply(200, { organizations: [{ id: 7001, external_id: '6789' }] })
      .get('/api/v2/users/show_many')
      .query(true)
      .reply(200, { users: [{ id: 55, external_id: 'u1', active: true }] })
      .delete('/api/v2/users/55/organizations/7001')
      .reply(204)
    const results = await destination.onEvent(
      joined('u1', '6789', true) as unknown as SegmentEvent,
      settingsFor('updateOrganizationMembership')
    )
    expect(results.find((r: any) => r.data)?.data).toEqual({ organization_id: 7001, membership: 'removed' })
    expect(scope.isDone()).toBe(true)
  })

  it('extra keys and nulls Zendesk adds are fine', async () => {
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .reply(201, {
        user: { id: 42, name: null, email: null, external_id: null, organization_id: null, photo: null, tags: [] },
        audit: { events: [] }
      })
    const results = await destination.onEvent(identify('u1') as unknown as SegmentEvent, settingsFor('upsertUser'))
    expect(results.find((r: any) => r.data)?.data).toEqual({ id: 42, status: 'Created' })
  })
})

describe('onDelete', () => {
  const deletion = { type: 'delete', userId: 'u1' } as unknown as SegmentEvent

  it.each(TAMPERED)('users/search answered with %s: a retryable 502, nothing deleted', async (_, reply, said) => {
    reply(nock(BASE_URL).get('/api/v2/users/search').query(true))
    const error = await destination.onDelete!(deletion, settings as any).then(
      (result) => ({ result }),
      (e) => e
    )
    expect(error).toBeInstanceOf(RetryableError)
    expectHonestFailure(error.status, error.message, said)
    expect(elsewhere).toEqual([])
    expect(unmatched.seen).toEqual([])
  })

  it.each(REDIRECTS)('DELETE users/{id} answered with %s: refused, no permanent deletion', async (_, reply, said) => {
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query(true)
      .reply(200, { users: [{ id: 9001, external_id: 'u1', active: true }] })
    reply(nock(BASE_URL).delete('/api/v2/users/9001'))
    const error = await destination.onDelete!(deletion, settings as any).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expectHonestFailure(error.status, error.message, said)
    expect(elsewhere).toEqual([])
    expect(unmatched.seen).toEqual([])
  })

  it.each(TAMPERED)(
    'DELETE deleted_users/{id} answered with %s: retryable, and the retry finishes it',
    async (_, reply, said) => {
      nock(BASE_URL)
        .get('/api/v2/users/search')
        .query(true)
        .reply(200, { users: [{ id: 9001, external_id: 'u1', active: true }] })
        .delete('/api/v2/users/9001')
        .reply(200, { user: { id: 9001, active: false } })
      reply(nock(BASE_URL).delete('/api/v2/deleted_users/9001'))
      const error = await destination.onDelete!(deletion, settings as any).catch((e) => e)
      expect(error).toBeInstanceOf(RetryableError)
      expectHonestFailure(error.status, error.message, said)

      nock(BASE_URL)
        .get('/api/v2/users/search')
        .query(true)
        .reply(200, { users: [] })
        .delete('/api/v2/deleted_users/9001')
        .reply(200, { deleted_user: { id: 9001 } })
      expect(await destination.onDelete!(deletion, settings as any)).toMatchObject({ outcome: 'permanently_deleted' })
      expect(elsewhere).toEqual([])
      expect(unmatched.seen).toEqual([])
    }
  )

  it.each(TAMPERED)(
    'GET deleted_users answered with %s: a retryable 502, never "not found"',
    async (_, reply, said) => {
      nock(BASE_URL).get('/api/v2/users/search').query(true).reply(200, { users: [] })
      reply(nock(BASE_URL).get('/api/v2/deleted_users').query(true))
      const error = await destination.onDelete!(deletion, settings as any).catch((e) => e)
      expect(error).toBeInstanceOf(RetryableError)
      expectHonestFailure(error.status, error.message, said)
      expect(elsewhere).toEqual([])
      expect(unmatched.seen).toEqual([])
    }
  )

  it('204 answers on both deletes are success', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/users/search')
      .query(true)
      .reply(200, { users: [{ id: 9001, external_id: 'u1', active: true }] })
      .delete('/api/v2/users/9001')
      .reply(204)
      .delete('/api/v2/deleted_users/9001')
      .reply(204)
    expect(await destination.onDelete!(deletion, settings as any)).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [{ id: 9001, found: 'active', outcome: 'permanently_deleted' }]
    })
    expect(scope.isDone()).toBe(true)
  })
})
