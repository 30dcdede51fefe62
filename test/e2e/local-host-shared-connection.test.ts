import { existsSync, mkdtempSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { SINGLE_USER_WRITE_INTERVAL_MS } from '../../src/destinations/zendesk/client/pacing'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { answerConsent } from '../helpers/consent'
import { credentialsIn, FAKE_CLIENT_SECRETS } from '../helpers/credentials'
import { eventually } from '../helpers/eventually'
import { call } from '../helpers/local-host-client'
import { ManualTimers } from '../helpers/manual-timers'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'

/**
 * Several local hosts on one database send to one Zendesk account (a simulator this test runs) through one OAuth
 * connection. Zendesk rotates refresh tokens: once one is used, the old pair is refused. Access tokens live 10
 * minutes, so each is renewed 5 minutes after it was issued; the clock is the test's.
 */
jest.mock('../../src/destinations/zendesk/client/postgres', () => {
  const { memoryCoordination } = jest.requireActual('../../src/destinations/zendesk/client/coordination')
  // Zendesk's limits are not what this test is about: the hosts' destinations keep them in memory, where their
  // waits run on the test's clock (in the database they would be counted on the database's own).
  return { postgresCoordination: (_url: string, settings: unknown) => memoryCoordination(settings) }
})

const SECOND = 1000
const MINUTE = 60 * SECOND
const ACCESS_TOKEN_SECONDS = 600
const RENEWAL_DUE_MS = 5 * MINUTE
/** how old a host's copy of the shared connection may get before it reads the database again */
const FOLLOW_MS = 5 * SECOND
const CLIENT = 'actions-zendesk'
const CONFIDENTIAL_CLIENT = 'actions-zendesk-server'
const CLIENT_SECRET = FAKE_CLIENT_SECRETS[0]

let postgres: RunningPostgres
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())

let timers: ManualTimers
let simulator: RunningSimulator
let databaseUrl: string
let directory: string
let logged: string[]
let running: LocalHost[]

beforeEach(async () => {
  // The clock starts at the real time: the events the hosts stamp now are not from another year.
  timers = new ManualTimers(Date.now())
  simulator = await startSimulator({
    endpointLimits: false,
    clock: timers.now,
    oauthClients: [{ identifier: CONFIDENTIAL_CLIENT, kind: 'confidential', secret: CLIENT_SECRET, redirectUris: [] }]
  })
  databaseUrl = await postgres.database()
  directory = mkdtempSync(join(tmpdir(), 'shared-connection-'))
  logged = []
  running = []
})
afterEach(async () => {
  for (const host of running) await host.close()
  await simulator.close()
  expect(credentialsIn(logged.join('\n'))).toEqual([])
})

/**
 * A host for the account with the public client (or the confidential one), on the database (or the one given)
 * unless told otherwise, with a connection file of its own.
 */
async function startHost(
  name: string,
  { onDatabase = true, confidential = false, database = databaseUrl } = {}
): Promise<LocalHost> {
  const client = confidential
    ? { ZENDESK_CLIENT_ID: CONFIDENTIAL_CLIENT, ZENDESK_CLIENT_SECRET: CLIENT_SECRET }
    : { ZENDESK_CLIENT_ID: CLIENT }
  const host = await startLocalHost({
    port: 0,
    env: { ZENDESK_SUBDOMAIN: 'acme', ...client },
    connectionFile: join(directory, `${name}.json`),
    ...(onDatabase && { databaseUrl: database }),
    zendeskOrigin: simulator.url,
    timers,
    log: (line) => logged.push(`${name}: ${line}`)
  })
  running.push(host)
  return host
}

/** The account's public client, its redirect URLs those of the hosts (as an admin registers them). */
function registerClient(hosts: LocalHost[]): void {
  simulator.oauth.addClient({
    identifier: CLIENT,
    kind: 'public',
    redirectUris: hosts.map((host) => `${host.url}/oauth/callback`),
    accessTokenLifetimeSeconds: ACCESS_TOKEN_SECONDS
  })
}

/** Hosts started on the database, the first connected by Connect Zendesk. */
async function connectedHosts(count: number): Promise<LocalHost[]> {
  const hosts: LocalHost[] = []
  for (let i = 0; i < count; i++) hosts.push(await startHost(`host-${i + 1}`))
  registerClient(hosts)
  await answerConsent(hosts[0], 'allow')
  // The others read the connection from the database before their first event.
  for (const [i, host] of hosts.entries()) {
    expect((await identify(host, `first-${i}`)).body.actions[0].result).toBe('delivered')
  }
  return hosts
}

const tokenRequests = () => simulator.oauth.tokenRequests().length
const refusedTokenRequests = () => simulator.oauth.tokenRequests().filter((r) => r.status !== 200)
const unauthorized = () => simulator.requests.filter((r) => r.status === 401 && r.path.startsWith('/api/'))
const connectionOf = async (host: LocalHost) => (await call(host, 'GET', '/connection')).body
/** An identify, sent once the single-user write before it is far enough behind on the clock. */
function identify(host: LocalHost, userId: string) {
  timers.advance(SINGLE_USER_WRITE_INTERVAL_MS)
  return call(host, 'POST', '/v1/identify', {
    userId,
    traits: { name: `User ${userId}`, email: `${userId}@example.com` }
  })
}
const userIds = () => simulator.state().users.flatMap((user) => (user.external_id ? [user.external_id] : []))
/** Moves the clock a single-user write's interval at a time until `answer` comes. */
async function whileTheClockMoves<T>(answer: Promise<T>): Promise<T> {
  let answered = false
  const ticking = (async () => {
    while (!answered) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      if (!answered) timers.advance(SINGLE_USER_WRITE_INTERVAL_MS)
    }
  })()
  try {
    return await answer
  } finally {
    answered = true
    await ticking
  }
}

const settled = (hosts: LocalHost[]) => Promise.all(hosts.map((host) => host.target.connection!.settled()))

test('three hosts across several expiries: one token request per expiry, every host on the newest tokens', async () => {
  const hosts = await connectedHosts(3)
  const connected = tokenRequests()

  for (let expiry = 1; expiry <= 4; expiry++) {
    timers.advance(RENEWAL_DUE_MS) // each host's renewal falls due at once
    await settled(hosts)
    expect(tokenRequests()).toBe(connected + expiry)
    for (const [i, host] of hosts.entries()) {
      expect((await identify(host, `expiry-${expiry}-${i}`)).body.actions[0].result).toBe('delivered')
      expect(await connectionOf(host)).toMatchObject({
        state: 'connected',
        storedIn: expect.stringMatching(/database/)
      })
      expect((await connectionOf(host)).problem).toBeUndefined()
    }
  }
  expect(unauthorized()).toEqual([])
  expect(refusedTokenRequests()).toEqual([])
  expect(userIds()).toHaveLength(3 + 4 * 3)
  expect(logged.join('\n')).not.toMatch(/refused/)
})

test('renewals asked by every host at one moment make one token request', async () => {
  const hosts = await connectedHosts(3)
  const before = tokenRequests()
  await Promise.all(hosts.map((host) => host.target.connection!.renewNow()))
  expect(tokenRequests()).toBe(before + 1)
  const tokens = hosts.map((host) => host.target.account.settings().oauth?.access_token)
  expect(new Set(tokens).size).toBe(1)
  for (const [i, host] of hosts.entries()) {
    expect((await identify(host, `after-${i}`)).body.actions[0].result).toBe('delivered')
  }
  expect(unauthorized()).toEqual([])
})

test('a host still holding a rotated-away token recovers on its 401 with the stored tokens, never "reconnect"', async () => {
  const [first, second] = await connectedHosts(2)
  const before = tokenRequests()
  // The first host renews; the second's copy is fresh enough that it does not read the database before its call.
  await first.target.connection!.renewNow()
  // The write the 401 refused is sent again a write interval later on the test's clock, which moves until then.
  const { body } = await whileTheClockMoves(identify(second, 'after'))
  expect(body.actions[0].result).toBe('delivered')
  expect(unauthorized()).toHaveLength(1)
  expect(tokenRequests()).toBe(before + 1)
  expect(refusedTokenRequests()).toEqual([])
  expect(await connectionOf(second)).toMatchObject({ state: 'connected' })

  // Its own renewal, due with the rotated-away refresh token in memory, takes the stored tokens as well.
  await first.target.connection!.renewNow()
  await second.target.connection!.renewNow()
  expect(tokenRequests()).toBe(before + 2)
  expect(refusedTokenRequests()).toEqual([])
  expect((await identify(second, 'later')).body.actions[0].result).toBe('delivered')
  expect(await connectionOf(second)).toMatchObject({ state: 'connected' })
})

test('Disconnect on one host: the others hold events; Connect Zendesk on any delivers them', async () => {
  const [first, second, third] = await connectedHosts(3)
  expect((await call(first, 'POST', '/connection/disconnect', {})).body).toMatchObject({ revoked: true })

  // The second host's copy is fresh: its call meets the revoked token, and its renewal finds no connection.
  const held = await identify(second, 'held')
  expect(held.body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
  expect(await connectionOf(second)).toMatchObject({ state: 'not connected' })
  // The third reads the database on its timer.
  timers.advance(FOLLOW_MS)
  await eventually(async () => expect(await connectionOf(third)).toMatchObject({ state: 'not connected' }))
  expect(refusedTokenRequests()).toEqual([])

  await answerConsent(third, 'allow')
  await eventually(async () => {
    timers.advance(FOLLOW_MS)
    expect((await call(second, 'GET', `/deliveries?id=${held.body.deliveryId}`)).body.state).toBe('delivered')
  })
  expect(await connectionOf(second)).toMatchObject({ state: 'connected' })
})

test('Disconnect while another host renews: the renewed token is the one revoked, and the connection stays gone', async () => {
  const [first, second] = await connectedHosts(2)
  const before = tokenRequests()
  // Zendesk answers the first host's renewal late: the second host's Disconnect comes while it is under way.
  simulator.setFaults({ slow: { count: 1, delayMs: 1000, path: '/oauth/tokens' } })
  const renewing = first.target.connection!.renewNow()
  await eventually(async () => expect(tokenRequests()).toBe(before + 1))
  const disconnected = await call(second, 'POST', '/connection/disconnect', {})
  await renewing
  expect(disconnected.body).toMatchObject({ revoked: true, account: { state: 'not connected' } })
  const renewed = first.target.account.settings().oauth?.access_token
  const revoked = await fetch(`${simulator.url}/api/v2/users/me`, { headers: { Authorization: `Bearer ${renewed}` } })
  expect(revoked.status).toBe(401)

  timers.advance(FOLLOW_MS)
  await eventually(async () => expect(await connectionOf(first)).toMatchObject({ state: 'not connected' }))
  const held = await identify(first, 'after-disconnect')
  expect(held.body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
})

test('Connect Zendesk while another host renews: the new connection is the one every host keeps', async () => {
  const [first, second] = await connectedHosts(2)
  const before = tokenRequests()
  simulator.setFaults({ slow: { count: 1, delayMs: 1000, path: '/oauth/tokens' } })
  const renewing = first.target.connection!.renewNow()
  await eventually(async () => expect(tokenRequests()).toBe(before + 1))
  await answerConsent(second, 'allow')
  await renewing
  const renewedByFirst = first.target.account.settings().oauth?.access_token
  const connected = second.target.account.settings().oauth?.access_token
  timers.advance(FOLLOW_MS)
  await eventually(async () => expect(first.target.account.settings().oauth?.access_token).toBe(connected))
  expect(second.target.account.settings().oauth?.access_token).toBe(connected)
  // The renewal the new connection replaced is revoked.
  const replaced = await fetch(`${simulator.url}/api/v2/users/me`, {
    headers: { Authorization: `Bearer ${renewedByFirst}` }
  })
  expect(replaced.status).toBe(401)
  for (const [i, host] of [first, second].entries()) {
    expect((await identify(host, `reconnected-${i}`)).body.actions[0].result).toBe('delivered')
  }
})

test('hosts with a confidential client starting together on an empty database connect once', async () => {
  const hosts = await Promise.all(['one', 'two', 'three'].map((name) => startHost(name, { confidential: true })))
  expect(simulator.oauth.tokenRequests().map((r) => (r.body as { grant_type?: string }).grant_type)).toEqual([
    'client_credentials'
  ])
  const tokens = hosts.map((host) => host.target.account.settings().oauth?.access_token)
  expect(new Set(tokens).size).toBe(1)
  for (const [i, host] of hosts.entries()) {
    expect((await identify(host, `started-${i}`)).body.actions[0].result).toBe('delivered')
  }
})

test('a connection Zendesk revoked is reported on every host, as with one host', async () => {
  const [first, second] = await connectedHosts(2)
  simulator.oauth.revokeAll()
  for (const host of [first, second]) {
    const { body } = await identify(host, 'after-revoke')
    expect(body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
    expect(await connectionOf(host)).toMatchObject({
      state: 'reconnect needed',
      problem: expect.stringMatching(/refused to renew/)
    })
  }
})

test('a database the host cannot reach: the host does not start, and says so without its address or password', async () => {
  const unreachable = 'postgres://hosts:database-password-7f3a@127.0.0.1:1/zendesk'
  const refused = await startHost('unreachable', { database: unreachable }).catch((error: Error) => error)
  expect(refused).toBeInstanceOf(Error)
  expect((refused as Error).message).toMatch(/ECONNREFUSED/)
  const said = [(refused as Error).message, (refused as Error).stack, logged.join('\n')].join('\n')
  expect(said).not.toMatch(/database-password|hosts:|127\.0\.0\.1:1\b/)
})

test('the database lost once the host runs: it goes on with its copy of the connection, says so once, without the address or password', async () => {
  const own = await startPostgres()
  try {
    const url = (await own.database()).replace('postgres://postgres@', 'postgres://postgres:database-password-7f3a@')
    const host = await startHost('lost', { database: url })
    registerClient([host])
    await answerConsent(host, 'allow')
    await own.stop()
    const failedRead =
      /^lost: Reading the Zendesk connection from the database failed \(ECONNREFUSED\)\. This host goes on with its copy until it can\.$/
    for (let i = 0; i < 3; i++) {
      timers.advance(FOLLOW_MS)
      await eventually(async () => expect(logged.some((line) => failedRead.test(line))).toBe(true))
    }
    expect(await connectionOf(host)).toMatchObject({ state: 'connected' })
    expect(logged.filter((line) => failedRead.test(line))).toHaveLength(1)
    expect(logged.join('\n')).not.toMatch(/database-password/)
  } finally {
    await own.stop()
  }
})

test('a connection file is moved into an empty database once; the host stays connected without a token request', async () => {
  const alone = await startHost('alone', { onDatabase: false })
  registerClient([alone])
  await answerConsent(alone, 'allow')
  await alone.close()
  running.splice(running.indexOf(alone), 1)
  const before = tokenRequests()

  const host = await startHost('alone')
  expect(existsSync(join(directory, 'alone.json'))).toBe(false)
  expect(await connectionOf(host)).toMatchObject({ state: 'connected', storedIn: expect.stringMatching(/database/) })
  expect(logged.join('\n')).toMatch(/alone\.json is moved to the database/)
  expect((await identify(host, 'adopted')).body.actions[0].result).toBe('delivered')
  expect(tokenRequests()).toBe(before)
})
