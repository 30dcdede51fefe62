import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import { startLocalHost, type LocalHost, type LocalHostOptions } from '../../src/cli/local-host'
import { startSimulator, type RunningSimulator, type SimulatorOAuthClient } from '../../src/simulator'
import { answerConsent } from '../helpers/consent'
import { credentialsIn, FAKE_CLIENT_SECRETS } from '../helpers/credentials'
import { call } from '../helpers/local-host-client'
import { eventually } from '../helpers/eventually'
import { ManualTimers } from '../helpers/manual-timers'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const CLIENT_SECRET = FAKE_CLIENT_SECRETS[0]

const homer = { userId: '12345', traits: { name: 'Homer Simpson', email: 'homer.simpson@example.com' } }
const identify = (host: LocalHost, userId = homer.userId) => call(host, 'POST', '/v1/identify', { ...homer, userId })

describe('npm start with no variables: the embedded simulator, connected at once', () => {
  let host: LocalHost
  const logged: string[] = []

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, env: {}, log: (line) => logged.push(line) })
  })
  afterAll(() => host.close())

  test('connects with the simulated account’s confidential client, so the first event needs no click', async () => {
    const { body: connection } = await call(host, 'GET', '/connection')
    expect(connection).toMatchObject({
      kind: 'oauth',
      state: 'connected',
      grant: 'client_credentials',
      clientId: 'actions-zendesk-local-host',
      storedIn: expect.stringMatching(/^memory only/)
    })
    const { body } = await identify(host)
    expect(body.actions).toEqual([expect.objectContaining({ action: 'upsertUser', result: 'delivered' })])
    const write = host.simulator!.requests.find((r) => r.path.startsWith('/api/v2/users/create_or_update'))
    expect(write?.authorizationScheme).toBe('Bearer')
  })

  test('Connect Zendesk goes through the simulator’s consent page with its public client; Deny says so', async () => {
    expect(await answerConsent(host, 'deny')).toBe('/#connection')
    const denied = (await call(host, 'GET', '/connection')).body
    expect(denied).toMatchObject({
      state: 'connected',
      grant: 'client_credentials',
      problem: expect.stringMatching(/Deny/)
    })

    expect(await answerConsent(host, 'allow')).toBe('/#connection')
    const { body: connection } = await call(host, 'GET', '/connection')
    expect(connection).toMatchObject({
      state: 'connected',
      grant: 'authorization_code',
      clientId: 'actions-zendesk-connect',
      clientKind: 'public',
      connectedBy: { name: expect.any(String) }
    })
    expect(connection.problem).toBeUndefined()
    expect((await identify(host)).body.actions[0].result).toBe('delivered')
    // The client-credentials token it replaced is revoked.
    expect(
      host.simulator!.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/api/v2/oauth/tokens/'))
    ).toBe(true)
  })

  test('no token, code, refresh token or client secret in any answer or log line', async () => {
    const answers = await Promise.all(
      ['/connection', '/manifest', '/deliveries', '/mapping/model'].map((path) => call(host, 'GET', path))
    )
    const secrets = host.target.account.secrets()
    for (const text of [...answers.map((answer) => answer.text), logged.join('\n')]) {
      expect(credentialsIn(text)).toEqual([])
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
    expect(logged.join('\n')).toMatch(/GET \/oauth\/callback\?code=\[redacted\]&state=\[redacted\]/)
  })
})

describe('an account named by ZENDESK_* variables (a simulator this test runs plays it)', () => {
  let timers: ManualTimers
  let simulator: RunningSimulator
  let directory: string
  let logged: string[]
  const running: LocalHost[] = []

  const PUBLIC_CLIENT = 'actions-zendesk'
  const CONFIDENTIAL_CLIENT = 'actions-zendesk-server'

  beforeEach(async () => {
    // The clock starts at the real time: the events the host stamps now are not from another year.
    timers = new ManualTimers(Date.now())
    simulator = await startSimulator({
      endpointLimits: false,
      clock: timers.now,
      oauthClients: [{ identifier: CONFIDENTIAL_CLIENT, kind: 'confidential', secret: CLIENT_SECRET, redirectUris: [] }]
    })
    directory = mkdtempSync(join(tmpdir(), 'local-host-connection-'))
    logged = []
  })
  afterEach(async () => {
    for (const host of running.splice(0)) await host.close()
    await simulator.close()
    expect(credentialsIn(logged.join('\n'))).toEqual([])
  })

  const connectionFile = () => join(directory, 'actions-zendesk', 'zendesk-acme.json')
  const stored = () => JSON.parse(readFileSync(connectionFile(), 'utf8'))

  /** The host for the account, its public client's redirect URL registered at the simulator as an admin would. */
  async function start(env: Record<string, string>, more: Partial<LocalHostOptions> = {}): Promise<LocalHost> {
    const host = await startLocalHost({
      port: 0,
      env: { ZENDESK_SUBDOMAIN: 'acme', ...env },
      connectionFile: connectionFile(),
      zendeskOrigin: simulator.url,
      timers,
      log: (line) => logged.push(line),
      ...more
    })
    running.push(host)
    return host
  }
  async function startPublic(client: Partial<SimulatorOAuthClient> = {}, more: Partial<LocalHostOptions> = {}) {
    const host = await start({ ZENDESK_CLIENT_ID: PUBLIC_CLIENT }, more)
    simulator.oauth.addClient({
      identifier: PUBLIC_CLIENT,
      kind: 'public',
      redirectUris: [`${host.url}/oauth/callback`],
      ...client
    })
    return host
  }
  async function restart(host: LocalHost, env: Record<string, string>): Promise<LocalHost> {
    await host.close()
    running.splice(running.indexOf(host), 1)
    const again = await start(env)
    simulator.oauth.addClient({
      identifier: PUBLIC_CLIENT,
      kind: 'public',
      redirectUris: [`${again.url}/oauth/callback`]
    })
    return again
  }
  const connectionOf = async (host: LocalHost) => (await call(host, 'GET', '/connection')).body
  const unauthorized = () => simulator.requests.filter((r) => r.status === 401)

  test('a confidential client connects with client credentials at start; the file is owner-only; a restart stays connected', async () => {
    const env = { ZENDESK_CLIENT_ID: CONFIDENTIAL_CLIENT, ZENDESK_CLIENT_SECRET: CLIENT_SECRET }
    const host = await start(env)
    expect(await connectionOf(host)).toMatchObject({
      state: 'connected',
      grant: 'client_credentials',
      storedIn: connectionFile()
    })
    expect(statSync(connectionFile()).mode & 0o777).toBe(0o600)
    expect(statSync(join(directory, 'actions-zendesk')).mode & 0o777).toBe(0o700)
    expect(readFileSync(connectionFile(), 'utf8')).not.toContain(CLIENT_SECRET)
    expect((await identify(host)).body.actions[0].result).toBe('delivered')
    const tokenRequests = simulator.oauth.tokenRequests().length

    const again = await restart(host, env)
    expect(await connectionOf(again)).toMatchObject({ state: 'connected', grant: 'client_credentials' })
    expect((await identify(again)).body.actions[0].result).toBe('delivered')
    expect(simulator.oauth.tokenRequests()).toHaveLength(tokenRequests)
  })

  test('Connect Zendesk, refreshed ahead of time on the clock: the rotated refresh token is stored, no call meets a 401', async () => {
    const host = await startPublic()
    expect(await connectionOf(host)).toMatchObject({ state: 'not connected', clientKind: 'public' })
    await answerConsent(host, 'allow')
    const connection = host.target.connection!
    const first = stored()
    expect(first).toMatchObject({ grant: 'authorization_code', refreshToken: expect.stringMatching(/^zsrt_/) })
    expect(await connectionOf(host)).toMatchObject({
      state: 'connected',
      expiresAt: new Date(timers.now() + 30 * MINUTE).toISOString(),
      nextRefreshAt: new Date(timers.now() + 25 * MINUTE).toISOString()
    })

    timers.advance(25 * MINUTE)
    await connection.settled()
    const second = stored()
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.lastRefreshAt).toBe(new Date(timers.now()).toISOString())
    expect(simulator.oauth.tokenRequests().map((r) => (r.body as any).grant_type)).toEqual([
      'authorization_code',
      'refresh_token'
    ])
    // The old pair died at the rotation; the host uses the new one.
    timers.advance(10 * MINUTE)
    expect((await identify(host)).body.actions[0].result).toBe('delivered')
    expect(unauthorized()).toEqual([])
  })

  test('a quiet connection stays connected for months: each refresh lands before either token ends', async () => {
    const host = await startPublic({ accessTokenLifetimeSeconds: 2 * 86_400, refreshTokenLifetimeSeconds: 7 * 86_400 })
    await answerConsent(host, 'allow')
    const connection = host.target.connection!
    const end = timers.now() + 90 * DAY
    while (timers.nextAt()! <= end) {
      timers.advance(timers.nextAt()! - timers.now())
      await connection.settled()
    }
    timers.advance(end - timers.now())
    expect(simulator.oauth.tokenRequests().length).toBeGreaterThanOrEqual(45) // every 2 days minus 5 minutes
    expect((await identify(host)).body.actions[0].result).toBe('delivered')
    expect(unauthorized()).toEqual([])
    expect(await connectionOf(host)).toMatchObject({ state: 'connected' })
  })

  test('a restart reads the stored connection and renews it when its access token ended meanwhile', async () => {
    const host = await startPublic()
    await answerConsent(host, 'allow')
    await host.close()
    running.splice(running.indexOf(host), 1)
    timers.advance(2 * 60 * MINUTE) // down for two hours: the access token ended, the refresh token did not
    const again = await startPublic()
    timers.advance(0) // the renewal it planned as it started is due at once
    await again.target.connection!.settled()
    expect(await connectionOf(again)).toMatchObject({
      state: 'connected',
      grant: 'authorization_code',
      lastRefreshAt: new Date(timers.now()).toISOString()
    })
    expect((await identify(again)).body.actions[0].result).toBe('delivered')
    expect(unauthorized()).toEqual([])
  })

  test('events wait for a connection: held before Connect and after Disconnect, delivered once connected', async () => {
    const host = await startPublic()
    const before = await identify(host, 'early')
    expect(before.status).toBe(200)
    expect(before.body.actions).toEqual([
      expect.objectContaining({
        result: 'retryable',
        awaitingConnection: true,
        message: expect.stringMatching(/not connected/)
      })
    ])
    const early = before.body.deliveryId
    expect((await call(host, 'GET', `/deliveries?id=${early}`)).body.state).toBe('awaiting connection')

    await answerConsent(host, 'allow')
    await eventually(async () =>
      expect((await call(host, 'GET', `/deliveries?id=${early}`)).body.state).toBe('delivered')
    )
    expect(simulator.state().users.map((user) => user.external_id)).toContain('early')

    const { accessToken } = stored()
    const disconnected = await call(host, 'POST', '/connection/disconnect', {})
    expect(disconnected.body).toMatchObject({ revoked: true, account: { state: 'not connected' } })
    expect(existsSync(connectionFile())).toBe(false)
    const revoked = await fetch(`${simulator.url}/api/v2/users/me`, {
      headers: { Authorization: `Bearer ${accessToken}` }
    })
    expect(revoked.status).toBe(401)

    const after = await identify(host, 'late')
    expect(after.body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
    expect((await call(host, 'GET', '/deliveries')).body.pending).toBe(1)
    expect(simulator.state().users.map((user) => user.external_id)).not.toContain('late')
  })

  test('a refresh Zendesk refuses: reconnect needed, events held, delivered after Connect Zendesk', async () => {
    const host = await startPublic()
    await answerConsent(host, 'allow')
    simulator.oauth.revokeAll()
    const { body } = await identify(host, 'after-revoke')
    expect(body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
    expect(await connectionOf(host)).toMatchObject({
      state: 'reconnect needed',
      problem: expect.stringMatching(/refused to renew/)
    })
    await answerConsent(host, 'allow')
    // The held event's first write was sent a moment ago (refused): the next single-user write waits Zendesk's
    // second on the host's clock, which this test moves.
    await eventually(async () => {
      timers.advance(1100)
      expect((await call(host, 'GET', `/deliveries?id=${body.deliveryId}`)).body.state).toBe('delivered')
    })
  })

  test('a connection file that cannot be written: Connect Zendesk fails loudly and connects nothing', async () => {
    const blocker = join(directory, 'not-a-directory')
    writeFileSync(blocker, '')
    const host = await startPublic({}, { connectionFile: join(blocker, 'zendesk-acme.json') })
    await answerConsent(host, 'allow')
    const connection = await connectionOf(host)
    expect(connection).toMatchObject({
      state: 'not connected',
      problem: expect.stringMatching(
        /Zendesk connected, but Could not save the Zendesk connection to .*not-a-directory/
      )
    })
    expect(logged.join('\n')).toMatch(/Could not save the Zendesk connection/)
    expect((await identify(host)).body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
  })
})
