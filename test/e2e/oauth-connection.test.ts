import { inspect } from 'util'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testDefinition } from '../helpers/destination-state'
import { presetSubscriptions } from '../helpers/harness'
import { polledJobs } from '../simulator/helpers'
import { issuedCredentialsIn } from '../../src/simulator'

const CLIENT_ID = 'segment-connection'
const CLIENT_SECRET = 'sim-client-secret-1'
const ACCESS_TOKEN_SECONDS = 1800
const START = Date.parse('2026-12-04T09:00:00.000Z')

/**
 * A host as actions-core expects one: it keeps the connection, gives every event its own copy of the settings, and
 * stores what `onTokenRefresh` hands it.
 */
class Host {
  connection: { access_token: string; refresh_token?: string; clientId: string; clientSecret: string }
  refreshes = 0

  constructor(
    readonly destination: Destination<Settings>,
    tokens: { access_token?: string; refresh_token?: string }
  ) {
    this.connection = { access_token: tokens.access_token ?? '', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
    if (tokens.refresh_token) this.connection.refresh_token = tokens.refresh_token
  }

  private settings() {
    return { subdomain: 'acme', oauth: { ...this.connection }, subscriptions: presetSubscriptions } as any
  }

  private readonly options = {
    onTokenRefresh: async (tokens: { accessToken: string; refreshToken?: string }) => {
      this.refreshes++
      this.connection.access_token = tokens.accessToken
      if (tokens.refreshToken) this.connection.refresh_token = tokens.refreshToken
    }
  }

  /** One result status per action the event ran: 200, or the error's status. */
  async send(event: Partial<SegmentEvent>): Promise<number[]> {
    try {
      const results = await this.destination.onEvent(event as SegmentEvent, this.settings(), this.options)
      return results.filter((r) => r.output === 'Action Executed').map(() => 200)
    } catch (error) {
      return [(error as { status?: number }).status ?? 500]
    }
  }

  /** Every event's status from every subscription that ran it. */
  async sendBatch(events: Partial<SegmentEvent>[]): Promise<number[]> {
    const results = await this.destination.onBatch(events as SegmentEvent[], this.settings(), this.options)
    return results.flatMap((result: any) =>
      (result.multistatus ?? [])
        .filter(
          (item: any) => item && item.errormessage !== 'Payload is either invalid or does not match the subscription'
        )
        .map((item: any) => item.status)
    )
  }
}

let simulator: RunningSimulator
let now = START
/** When set, time jumps this far as soon as Zendesk is asked for a job's status (once). */
let jumpAtFirstPoll: number | undefined

/** The simulator's clock: a little later at every reading, and jumping at the first job poll when asked. */
function simulatorClock(): number {
  const last = simulator?.requests[simulator.requests.length - 1]
  if (jumpAtFirstPoll !== undefined && last?.path.startsWith('/api/v2/job_statuses')) {
    now += jumpAtFirstPoll
    jumpAtFirstPoll = undefined
  }
  return (now += 25)
}

beforeAll(async () => {
  simulator = await startSimulator(
    polledJobs({
      account: 'bulk-import',
      endpointLimits: false,
      // Time moves a little with every request Zendesk answers, so an access token ends wherever it ends: in the
      // middle of a batch, between a job's submission and its polls.
      clock: simulatorClock,
      oauthClients: [
        {
          identifier: CLIENT_ID,
          kind: 'confidential',
          secret: CLIENT_SECRET,
          redirectUris: ['https://host.example.com/oauth/callback'],
          accessTokenLifetimeSeconds: ACCESS_TOKEN_SECONDS
        }
      ]
    })
  )
})
afterAll(() => simulator.close())
beforeEach(() => {
  simulator.reset()
  now = START
  jumpAtFirstPoll = undefined
})

const destinationOnSimulator = () =>
  new Destination<Settings>(
    testDefinition({ origin: simulator.url, clock: () => now, jobPolling: { firstWaitMs: 1, maxWaitMs: 5 } })
  )

const tokenRequests = () => simulator.requests.filter((r) => r.path === '/oauth/tokens')

/** The events of one minute of traffic: users, companies, activity and tickets of the minutes before. */
function minuteOfTraffic(minute: number): { batch: Partial<SegmentEvent>[]; single: Partial<SegmentEvent>[] } {
  const id = (kind: string, i: number, at = minute) => `${kind}-${at}-${i}`
  const timestamp = new Date(START + minute * 60_000).toISOString()
  const base = (kind: string, i: number) => ({ messageId: id(`m-${kind}`, i), timestamp, receivedAt: timestamp })
  const range = (n: number) => Array.from({ length: n }, (_, i) => i)
  const earlier = minute > 0
  const identify = (i: number): Partial<SegmentEvent> => ({
    ...base('identify', i),
    type: 'identify',
    userId: id('u', i),
    traits: { name: `User ${i}`, email: `${id('u', i)}@example.com` }
  })
  /** A user of the minute before joins a company of the minute before (both exist by now). */
  const joins = (i: number): Partial<SegmentEvent> => ({
    ...base('joins', i),
    type: 'identify',
    userId: id('u', i, minute - 1),
    traits: { email: `${id('u', i, minute - 1)}@example.com`, company: { id: id('org', i % 3, minute - 1) } }
  })
  const group = (i: number): Partial<SegmentEvent> => ({
    ...base('group', i),
    type: 'group',
    groupId: id('org', i),
    traits: { name: `Org ${minute}-${i}` }
  })
  const track = (i: number, user = i): Partial<SegmentEvent> => ({
    ...base('track', i),
    type: 'track',
    event: 'Article Read',
    userId: id('u', user, Math.max(0, minute - 1)),
    properties: { seq: id('m-track', i) }
  })
  const ticketCreated = (i: number): Partial<SegmentEvent> => ({
    ...base('ticket', i),
    type: 'track',
    event: 'Ticket Created',
    userId: id('u', i, Math.max(0, minute - 1)),
    properties: { subject: `Help ${minute}-${i}`, comment: 'It broke', external_id: id('t', i) }
  })
  const ticketUpdated = (i: number, ticket = i): Partial<SegmentEvent> => ({
    ...base('update', i),
    type: 'track',
    event: 'Ticket Updated',
    userId: id('u', i, Math.max(0, minute - 2)),
    properties: { external_id: id('t', ticket, minute - 1), comment: `Update ${id('m-update', i)}`, status: 'open' }
  })
  return {
    batch: [
      ...range(10).map(identify),
      ...(earlier ? range(4).map(joins) : []),
      ...range(4).map(group),
      ...(earlier ? range(10).map(track) : []),
      ...(earlier ? range(3).map(ticketCreated) : []),
      ...(minute > 1 ? range(3).map(ticketUpdated) : [])
    ],
    single: [
      ...range(2).map((i) => identify(20 + i)),
      ...(earlier ? range(5).map((i) => track(20 + i, i)) : []),
      ...(minute > 1 ? [ticketUpdated(20, 0)] : [])
    ]
  }
}

describe('an OAuth connection whose access tokens expire every 30 minutes', () => {
  it('two simulated hours of mixed traffic: every event delivered, one token request per expiry, nothing written twice', async () => {
    const destination = destinationOnSimulator()
    const host = new Host(destination, simulator.oauth.issue(CLIENT_ID))
    const statuses: number[] = []
    let events = 0
    const trackSeqs: string[] = []
    const updateComments: string[] = []
    const TWO_HOURS_MS = 2 * 60 * 60 * 1000
    let minute = 0
    for (; minute <= 120; minute++) {
      now = Math.max(now, START + minute * 60_000)
      const { batch, single } = minuteOfTraffic(minute)
      for (const event of [...batch, ...single]) {
        if (event.event === 'Article Read') trackSeqs.push(String(event.properties!.seq))
        if (event.event === 'Ticket Updated') updateComments.push(String(event.properties!.comment))
      }
      events += batch.length + single.length
      const answers = await Promise.all([host.sendBatch(batch), ...single.map((event) => host.send(event))])
      statuses.push(...answers.flat())
    }
    expect(events).toBeGreaterThanOrEqual(5000)
    expect(now - START).toBeGreaterThanOrEqual(TWO_HOURS_MS)

    const failed = statuses.filter((status) => status !== 200)
    expect({ failed: failed.length, statuses: [...new Set(failed)] }).toEqual({ failed: 0, statuses: [] })
    const expiries = Math.floor((now - START) / (ACCESS_TOKEN_SECONDS * 1000))
    expect(tokenRequests().length).toBeGreaterThanOrEqual(1)
    expect(tokenRequests().length).toBeLessThanOrEqual(expiries)
    expect(host.refreshes).toBeGreaterThanOrEqual(tokenRequests().length)

    const state = simulator.state()
    const written = state.events.map((event) => String(event.properties.seq))
    expect(written.length).toBe(trackSeqs.length)
    expect(new Set(written).size).toBe(written.length)
    const comments = state.tickets.flatMap((ticket) => ticket.comments.map((comment) => comment.body))
    for (const comment of updateComments) expect(comments.filter((body) => body === comment)).toHaveLength(1)
    expect(state.tickets).toHaveLength(3 * (minute - 1))
  }, 600_000)
})

describe('a token that expires while a job runs', () => {
  it('the job is followed with the renewed token: submitted once, one token request, every event delivered', async () => {
    const host = new Host(destinationOnSimulator(), simulator.oauth.issue(CLIENT_ID))
    jumpAtFirstPoll = (ACCESS_TOKEN_SECONDS + 1) * 1000
    const events = Array.from({ length: 20 }, (_, i) => ({
      type: 'identify' as const,
      userId: `j-${i}`,
      messageId: `m-j-${i}`,
      traits: { email: `j-${i}@example.com`, name: `J ${i}` }
    }))
    const statuses = await host.sendBatch(events)
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    const polls = simulator.requests.filter((r) => r.path.startsWith('/api/v2/job_statuses'))
    expect(polls[0].status).toBe(401)
    expect(simulator.requests.filter((r) => r.path === '/api/v2/users/create_or_update_many')).toHaveLength(1)
    expect(tokenRequests()).toHaveLength(1)
    expect(simulator.state().users.filter((user) => user.external_id?.startsWith('j-'))).toHaveLength(20)
  })
})

describe('one instance, many events on an expired token', () => {
  it('50 concurrent events, each with its own settings copy: one token request, all delivered', async () => {
    const host = new Host(destinationOnSimulator(), simulator.oauth.issue(CLIENT_ID))
    now += (ACCESS_TOKEN_SECONDS + 1) * 1000
    const events = Array.from({ length: 50 }, (_, i) => ({
      type: 'identify' as const,
      userId: `c-${i}`,
      messageId: `m-c-${i}`,
      traits: { email: `c-${i}@example.com`, name: `C ${i}` }
    }))
    const statuses = (await Promise.all(events.map((event) => host.send(event)))).flat()
    expect(statuses.every((status) => status === 200)).toBe(true)
    expect(tokenRequests()).toHaveLength(1)
    expect(simulator.state().users.filter((user) => user.external_id?.startsWith('c-'))).toHaveLength(50)
  })

  it('client credentials: 1,000 events cost one token request until the token expires, then one more', async () => {
    const host = new Host(destinationOnSimulator(), {})
    const identify = (i: number) => ({
      type: 'identify' as const,
      userId: `cc-${i}`,
      messageId: `m-cc-${i}`,
      traits: { email: `cc-${i}@example.com`, name: `CC ${i}` }
    })
    for (let part = 0; part < 10; part++) {
      const statuses = await host.sendBatch(Array.from({ length: 100 }, (_, i) => identify(part * 100 + i)))
      expect(statuses.filter((status) => status !== 200)).toEqual([])
    }
    expect(tokenRequests()).toHaveLength(1)
    expect(tokenRequests()[0].body).toMatchObject({ grant_type: 'client_credentials' })
    now += (ACCESS_TOKEN_SECONDS + 1) * 1000
    expect((await host.send(identify(1000))).every((status) => status === 200)).toBe(true)
    expect(tokenRequests()).toHaveLength(2)
  })
})

describe('a connection Zendesk no longer accepts', () => {
  it('a revoked refresh token: every event a non-retryable "reconnect" error, one token request, no credential shown', async () => {
    const tokens = simulator.oauth.issue(CLIENT_ID)
    simulator.oauth.revokeAll()
    const destination = destinationOnSimulator()
    const settings = () =>
      ({
        subdomain: 'acme',
        oauth: {
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET
        },
        subscriptions: presetSubscriptions
      }) as any
    const event = (i: number) =>
      ({ type: 'identify', userId: `r-${i}`, messageId: `m-r-${i}`, traits: { email: `r-${i}@example.com` } }) as any
    const errors = await Promise.all(
      [0, 1, 2].map((i) =>
        destination.onEvent(event(i), settings()).then(
          () => undefined,
          (error) => error
        )
      )
    )
    const batchError = await destination.onBatch([event(3), event(4)], settings()).catch((error) => error)
    for (const error of [...errors, batchError]) {
      expect(error).toMatchObject({ status: 401, code: 'OAUTH_REFRESH_FAILED' })
      expect(error.message).toMatch(/Reconnect the Zendesk account/)
      const shown = inspect(error, { depth: 8 }) + String(error.stack)
      expect(issuedCredentialsIn(shown)).toEqual([])
      expect(shown).not.toContain(CLIENT_SECRET)
    }
    expect(tokenRequests()).toHaveLength(1)
  })

  it('a token endpoint answering 500 or an HTML page: retryable, and the connection works once it is back', async () => {
    const host = new Host(destinationOnSimulator(), simulator.oauth.issue(CLIENT_ID))
    now += (ACCESS_TOKEN_SECONDS + 1) * 1000
    const event = {
      type: 'identify' as const,
      userId: 'down-1',
      messageId: 'm-down-1',
      traits: { email: 'd@example.com' }
    }
    simulator.setFaults({ serverError: { count: 1, status: 500, path: '/oauth/tokens' } })
    expect(await host.send(event)).toEqual([500])
    simulator.setFaults({ htmlPage: { count: 1, path: '/oauth/tokens' } })
    expect((await host.send(event))[0]).toBeGreaterThanOrEqual(500)
    simulator.setFaults({})
    expect(await host.send(event)).toEqual([200])
  })
})
