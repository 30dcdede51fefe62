import { createHash } from 'crypto'
import * as fs from 'fs/promises'
import { mkdtempSync, readFileSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import { ErrorCodes, InvalidAuthenticationError, RetryableError } from '@segment/actions-core'
import { ConnectionFile, type ConnectionFs, type StoredConnection } from '../../src/cli/connection-file'
import type { ConnectionStore, ConnectionTurn } from '../../src/cli/connection-store'
import { ConnectError, ZendeskConnection, type ConnectionOptions, type ZendeskOAuth } from '../../src/cli/connection'
import type { ZendeskTokens } from '../../src/destinations/zendesk'
import type { HostSettings } from '../../src/cli/host-account'
import { FAKE_CLIENT_SECRETS } from '../helpers/credentials'
import { ManualTimers } from '../helpers/manual-timers'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const CLIENT_SECRET = FAKE_CLIENT_SECRETS[0]

/** Zendesk's side, as the connection sees it: numbered tokens, and what it was asked. */
class FakeZendesk implements ZendeskOAuth {
  issued = 0
  revoked: string[] = []
  renewals: HostSettings[] = []
  challenges = new Map<string, string>()
  refuseRenewals = false
  accessLifetimeMs: number | undefined = 30 * MINUTE
  refreshLifetimeMs: number | undefined = 30 * DAY

  constructor(private readonly timers: ManualTimers) {}

  tokens(withRefresh: boolean): ZendeskTokens {
    const n = ++this.issued
    const at = (ms: number | undefined) =>
      ms === undefined ? undefined : new Date(this.timers.now() + ms).toISOString()
    return {
      accessToken: `access-${n}`,
      ...(withRefresh && { refreshToken: `refresh-${n}`, refreshTokenExpiresAt: at(this.refreshLifetimeMs) }),
      expiresAt: at(this.accessLifetimeMs)
    }
  }

  authorizationUrl(request: Parameters<ZendeskOAuth['authorizationUrl']>[0]): string {
    this.challenges.set(request.state, request.codeChallenge)
    const url = new URL('https://acme.zendesk.com/oauth/authorizations/new')
    url.search = new URLSearchParams({ state: request.state, redirect_uri: request.redirectUri }).toString()
    return url.toString()
  }

  async exchangeCode(exchange: Parameters<ZendeskOAuth['exchangeCode']>[0]): Promise<ZendeskTokens> {
    const challenge = createHash('sha256').update(exchange.codeVerifier).digest('base64url')
    if (![...this.challenges.values()].includes(challenge) || exchange.code !== 'good-code') {
      throw new InvalidAuthenticationError('invalid_grant', ErrorCodes.OAUTH_REFRESH_FAILED)
    }
    return this.tokens(true)
  }

  async clientCredentials(request: Parameters<ZendeskOAuth['clientCredentials']>[0]): Promise<ZendeskTokens> {
    expect(request.clientSecret).toBe(CLIENT_SECRET)
    return this.tokens(false)
  }

  async connectedAgent() {
    return { id: 7, name: 'Ada Admin', email: 'ada@example.com' }
  }

  async revoke(_settings: unknown, accessToken: string): Promise<void> {
    this.revoked.push(accessToken)
  }

  renew = async (settings: HostSettings): Promise<ZendeskTokens> => {
    this.renewals.push(settings)
    if (this.refuseRenewals) {
      throw new InvalidAuthenticationError(
        'Zendesk refused to renew the connection (invalid_grant).',
        ErrorCodes.OAUTH_REFRESH_FAILED
      )
    }
    return this.tokens(settings.oauth?.refresh_token !== undefined)
  }
}

/** node's fs, with saves failing while `failing` is set. */
function switchableFs() {
  const state = { failing: false }
  const real = fs as unknown as ConnectionFs
  const failingFs: ConnectionFs = {
    ...real,
    rename: (from, to) =>
      state.failing ? Promise.reject(new Error('EROFS: read-only file system, rename')) : real.rename(from, to)
  }
  return { state, fs: failingFs }
}

describe('the local host’s Zendesk connection', () => {
  let timers: ManualTimers
  let zendesk: FakeZendesk
  let path: string
  let logged: string[]
  let saves: ReturnType<typeof switchableFs>

  beforeEach(() => {
    timers = new ManualTimers()
    zendesk = new FakeZendesk(timers)
    path = join(mkdtempSync(join(tmpdir(), 'connection-')), 'zendesk-acme.json')
    logged = []
    saves = switchableFs()
  })

  function connection(more: Partial<ConnectionOptions> = {}): ZendeskConnection {
    return new ZendeskConnection({
      settings: { subdomain: 'acme' },
      accountLabel: 'https://acme.zendesk.com',
      client: { id: 'actions-zendesk' },
      redirectUri: 'http://127.0.0.1:4000/oauth/callback',
      oauth: zendesk,
      renew: (settings) => zendesk.renew(settings),
      store: new ConnectionFile(path, saves.fs),
      timers,
      log: (line) => logged.push(line),
      ...more
    })
  }
  const stored = () => JSON.parse(readFileSync(path, 'utf8'))

  /** Connect Zendesk as a person does: the consent page's URL, then Zendesk's answer on the redirect URL. */
  async function connectAsPerson(host: ZendeskConnection): Promise<void> {
    const url = new URL(host.authorizationUrl())
    await host.completeAuthorization(new URLSearchParams({ code: 'good-code', state: url.searchParams.get('state')! }))
  }

  test('a confidential client connects with client credentials at start; the connection is stored and shown, never a token', async () => {
    const host = connection({ client: { id: 'actions-zendesk', secret: CLIENT_SECRET } })
    await host.start()
    expect(host.settings()).toEqual({
      subdomain: 'acme',
      oauth: { access_token: 'access-1', clientId: 'actions-zendesk', clientSecret: CLIENT_SECRET }
    })
    expect(stored()).toMatchObject({
      grant: 'client_credentials',
      accessToken: 'access-1',
      clientId: 'actions-zendesk'
    })
    expect(JSON.stringify(stored())).not.toContain(CLIENT_SECRET)
    const view = host.view()
    expect(view).toMatchObject({
      state: 'connected',
      grant: 'client_credentials',
      clientKind: 'confidential',
      connectedBy: { name: 'Ada Admin', email: 'ada@example.com' },
      expiresAt: '2026-11-02T09:30:00.000Z',
      nextRefreshAt: '2026-11-02T09:25:00.000Z',
      storedIn: path
    })
    expect(JSON.stringify(view)).not.toMatch(/access-1|sim-client-secret/)
    expect(host.secrets()).toEqual(expect.arrayContaining([CLIENT_SECRET, 'access-1']))
    await expect(host.blocked()).resolves.toBeUndefined()
  })

  test('a public client waits for Connect Zendesk; events are held until then', async () => {
    const host = connection()
    await host.start()
    expect(host.view().state).toBe('not connected')
    expect(host.settings()).toEqual({ subdomain: 'acme' })
    await expect(host.blocked()).resolves.toEqual({
      reason: expect.stringMatching(/not connected/),
      untilConnected: true
    })
  })

  test('Connect Zendesk: PKCE S256 and a state of its own; the code is exchanged and the connection stored', async () => {
    const host = connection()
    const connected = jest.fn()
    host.whenConnected(connected)
    await host.start()
    const url = new URL(host.authorizationUrl())
    const state = url.searchParams.get('state')!
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(zendesk.challenges.get(state)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await host.completeAuthorization(new URLSearchParams({ code: 'good-code', state }))
    expect(host.view()).toMatchObject({ state: 'connected', grant: 'authorization_code', clientKind: 'public' })
    expect(stored()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', grant: 'authorization_code' })
    expect(connected).toHaveBeenCalledTimes(1)
    // A state answers once.
    await expect(host.completeAuthorization(new URLSearchParams({ code: 'good-code', state }))).rejects.toThrow(
      /does not match a Connect Zendesk started here/
    )
  })

  test('a Deny, an unknown state or an expired one connects nothing and says why', async () => {
    const host = connection()
    await host.start()
    const state = new URL(host.authorizationUrl()).searchParams.get('state')!
    await expect(host.completeAuthorization(new URLSearchParams({ error: 'access_denied', state }))).rejects.toThrow(
      /answered with Deny, so no connection was made/
    )
    expect(host.view()).toMatchObject({ state: 'not connected', problem: expect.stringMatching(/Deny/) })
    await expect(
      host.completeAuthorization(new URLSearchParams({ code: 'good-code', state: 'made-up' }))
    ).rejects.toBeInstanceOf(ConnectError)
    const late = new URL(host.authorizationUrl()).searchParams.get('state')!
    timers.advance(11 * MINUTE)
    await expect(host.completeAuthorization(new URLSearchParams({ code: 'good-code', state: late }))).rejects.toThrow(
      /unknown or expired state/
    )
    expect(host.view().state).toBe('not connected')
  })

  test('a restart reads the stored connection: still connected, no token request', async () => {
    const first = connection()
    await first.start()
    await connectAsPerson(first)
    first.close()
    const issued = zendesk.issued

    const second = connection()
    await second.start()
    expect(zendesk.issued).toBe(issued)
    expect(second.view()).toMatchObject({ state: 'connected', connectedBy: { name: 'Ada Admin' } })
    expect(second.settings().oauth).toEqual({
      access_token: 'access-1',
      refresh_token: 'refresh-1',
      clientId: 'actions-zendesk'
    })
  })

  test('renews ahead of time on the clock: before the access token ends, the rotated refresh token on disk', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    timers.advance(25 * MINUTE - 1)
    expect(zendesk.renewals).toHaveLength(0)
    timers.advance(1)
    await host.settled()
    expect(zendesk.renewals.map((settings) => settings.oauth?.refresh_token)).toEqual(['refresh-1'])
    expect(stored()).toMatchObject({
      accessToken: 'access-2',
      refreshToken: 'refresh-2',
      lastRefreshAt: '2026-11-02T09:25:00.000Z',
      expiresAt: '2026-11-02T09:55:00.000Z'
    })
    // Every 25 minutes from then on, for as long as the host runs.
    for (let i = 0; i < 10; i++) {
      timers.advance(25 * MINUTE)
      await host.settled()
    }
    expect(zendesk.renewals).toHaveLength(11)
    expect(host.settings().oauth?.refresh_token).toBe('refresh-12')
  })

  test('a quiet connection whose access token never ends is renewed a day before its refresh token ends', async () => {
    zendesk.accessLifetimeMs = undefined
    zendesk.refreshLifetimeMs = 7 * DAY
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    expect(host.view().nextRefreshAt).toBe('2026-11-08T09:00:00.000Z')
    timers.advance(6 * DAY - 1)
    expect(zendesk.renewals).toHaveLength(0)
    timers.advance(1)
    await host.settled()
    expect(zendesk.renewals).toHaveLength(1)
    expect(stored().refreshTokenExpiresAt).toBe('2026-11-15T09:00:00.000Z')
  })

  test('onTokenRefresh resolves only once the renewed tokens are on disk', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow = new ConnectionFile(path, { ...saves.fs, rename: async (a, b) => (await gate, saves.fs.rename(a, b)) })
    const gated = connection({ store: slow })
    await gated.start()
    let done = false
    const refreshing = gated
      .onTokenRefresh({ accessToken: 'access-9', refreshToken: 'refresh-9' })
      .then(() => (done = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(done).toBe(false)
    expect(stored().refreshToken).toBe('refresh-1')
    release()
    await refreshing
    expect(stored().refreshToken).toBe('refresh-9')
  })

  test('a renewal that cannot be saved is loud, holds calls, and is saved on the next try once the disk allows', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    saves.state.failing = true
    const error = await host.onTokenRefresh({ accessToken: 'access-9', refreshToken: 'refresh-9' }).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain(`Could not save the Zendesk connection to ${path}: EROFS`)
    expect(logged.join('\n')).toContain('The renewed Zendesk connection could not be saved')
    expect(host.view().problem).toMatch(/could not be saved/)
    await expect(host.blocked()).resolves.toEqual({ reason: expect.stringMatching(/EROFS/), untilConnected: false })
    expect(stored().refreshToken).toBe('refresh-1')

    saves.state.failing = false
    await expect(host.blocked()).resolves.toBeUndefined()
    expect(stored().refreshToken).toBe('refresh-9')
    expect(host.view().problem).toBeUndefined()
  })

  test('no renewal ahead of time while the renewed tokens are not on disk: the save is tried again, then the renewal', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    saves.state.failing = true
    const unsaved = zendesk.tokens(true)
    await expect(host.onTokenRefresh(unsaved)).rejects.toThrow()
    timers.advance(25 * MINUTE)
    await host.settled()
    expect(zendesk.renewals).toHaveLength(0)
    expect(host.view().nextRefreshAt).toBe(new Date(timers.now() + 30_000).toISOString())
    timers.advance(30_000)
    await host.settled()
    expect(zendesk.renewals).toHaveLength(0)
    saves.state.failing = false
    timers.advance(60_000)
    await host.settled()
    expect(zendesk.renewals.map((settings) => settings.oauth?.refresh_token)).toEqual([unsaved.refreshToken])
    expect(stored().refreshToken).toBe(`refresh-${zendesk.issued}`)
    expect(host.view().problem).toBeUndefined()
  })

  test('an older rotation arriving after a newer one changes nothing', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    await host.onTokenRefresh({ accessToken: 'access-2', refreshToken: 'refresh-2' })
    await host.onTokenRefresh({ accessToken: 'access-3', refreshToken: 'refresh-3' })
    await host.onTokenRefresh({ accessToken: 'access-2', refreshToken: 'refresh-2' })
    expect(stored()).toMatchObject({ accessToken: 'access-3', refreshToken: 'refresh-3' })
  })

  test('a renewal Zendesk refuses: reconnect needed, calls held until Connect Zendesk', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    zendesk.refuseRenewals = true
    await host.renewNow()
    expect(host.view()).toMatchObject({ state: 'reconnect needed', problem: expect.stringMatching(/refused to renew/) })
    await expect(host.blocked()).resolves.toMatchObject({ untilConnected: true })
    expect(timers.nextAt()).toBeUndefined()
    await connectAsPerson(host)
    expect(host.view().state).toBe('connected')
    await expect(host.blocked()).resolves.toBeUndefined()
  })

  test('Disconnect of a connection Zendesk refused revokes nothing (nothing is left) and deletes the file', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    zendesk.refuseRenewals = true
    await host.renewNow()
    await expect(host.disconnect()).resolves.toEqual({ revoked: false })
    expect(zendesk.revoked).toEqual([])
    await expect(fs.stat(path)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(host.view()).toMatchObject({ state: 'not connected' })
    expect(host.view().problem).toBeUndefined()
  })

  test('a renewal that fails for a passing reason is tried again later, the wait doubling', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    const renew = zendesk.renew
    zendesk.renew = async () => {
      throw new RetryableError('Zendesk server error (503)')
    }
    await host.renewNow()
    expect(host.view().nextRefreshAt).toBe('2026-11-02T09:00:30.000Z')
    expect(logged.join('\n')).toContain(
      'Renewing the Zendesk connection failed (Zendesk server error (503)); trying again in 30 s.'
    )
    timers.advance(30_000)
    await host.settled()
    expect(host.view().nextRefreshAt).toBe('2026-11-02T09:01:30.000Z')
    zendesk.renew = renew
    timers.advance(60_000)
    await host.settled()
    expect(host.view()).toMatchObject({ state: 'connected', lastRefreshAt: '2026-11-02T09:01:30.000Z' })
    expect(host.view().nextRefreshAt).toBe('2026-11-02T09:26:30.000Z')
  })

  test('Disconnect revokes the token at Zendesk and deletes the file; events wait for a new connection', async () => {
    const host = connection()
    await host.start()
    await connectAsPerson(host)
    await expect(host.disconnect()).resolves.toEqual({ revoked: true })
    expect(zendesk.revoked).toEqual(['access-1'])
    await expect(fs.stat(path)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(host.view().state).toBe('not connected')
    await expect(host.blocked()).resolves.toMatchObject({ untilConnected: true })
    expect(timers.nextAt()).toBeUndefined()
  })

  test('a connection that cannot be stored is not made: the new token is revoked and the failure reported', async () => {
    const host = connection()
    await host.start()
    saves.state.failing = true
    await expect(connectAsPerson(host)).rejects.toThrow(/Zendesk connected, but Could not save the Zendesk connection/)
    expect(zendesk.revoked).toEqual(['access-1'])
    expect(host.view()).toMatchObject({ state: 'not connected', problem: expect.stringMatching(/EROFS/) })
  })

  test('a stored connection for another client is not used, and says so', async () => {
    const first = connection()
    await first.start()
    await connectAsPerson(first)
    const other = connection({ client: { id: 'another-client' } })
    await other.start()
    expect(other.view()).toMatchObject({ state: 'not connected', problem: expect.stringMatching(/not used/) })
  })
})

/** A store several hosts share, in memory: one turn at a time; while `failing`, reads and saves fail. */
class SharedStore implements ConnectionStore {
  readonly location = 'the shared test store'
  connection?: StoredConnection
  failing = false
  private turns: Promise<unknown> = Promise.resolve()

  async read(): Promise<StoredConnection | undefined> {
    if (this.failing) throw new Error('The database could not read the Zendesk connection (57P01).')
    return this.connection
  }

  async write(connection: StoredConnection): Promise<void> {
    if (this.failing) throw new Error('The database could not save the Zendesk connection (57P01).')
    this.connection = connection
  }

  async remove(): Promise<void> {
    this.connection = undefined
  }

  takeTurn<T>(turn: (stored: StoredConnection | undefined) => Promise<ConnectionTurn<T>>): Promise<T> {
    const run = this.turns.then(async () => {
      const { answer, store } = await turn(this.connection)
      if (store) await this.write(store)
      return answer
    })
    this.turns = run.catch(() => undefined)
    return run
  }
}

describe('hosts sharing one stored connection', () => {
  let timers: ManualTimers
  let zendesk: FakeZendesk
  let store: SharedStore
  let logged: string[]

  beforeEach(() => {
    timers = new ManualTimers()
    zendesk = new FakeZendesk(timers)
    store = new SharedStore()
    logged = []
  })

  async function startHost(): Promise<ZendeskConnection> {
    const host = new ZendeskConnection({
      settings: { subdomain: 'acme' },
      accountLabel: 'https://acme.zendesk.com',
      client: { id: 'actions-zendesk' },
      redirectUri: 'http://127.0.0.1:4000/oauth/callback',
      oauth: zendesk,
      renew: (settings) => zendesk.renew(settings),
      store,
      timers,
      log: (line) => logged.push(line)
    })
    await host.start()
    return host
  }

  test('a renewal the store could not keep stays in force on its host, held from calls until it is stored', async () => {
    const [first, second] = [await startHost(), await startHost()]
    const url = new URL(first.authorizationUrl())
    await first.completeAuthorization(new URLSearchParams({ code: 'good-code', state: url.searchParams.get('state')! }))
    await expect(second.blocked()).resolves.toBeUndefined()
    expect(second.settings().oauth?.access_token).toBe('access-1')

    store.failing = true
    await first.renewNow()
    expect(zendesk.renewals).toHaveLength(1)
    expect(logged.join('\n')).toContain('Renewing the Zendesk connection failed (The database could not save')
    await expect(first.blocked()).resolves.toMatchObject({ untilConnected: false })
    // The other host cannot read the store either: it goes on with its copy.
    timers.advance(5_000)
    await expect(second.blocked()).resolves.toBeUndefined()

    store.failing = false
    await expect(first.blocked()).resolves.toBeUndefined()
    expect(store.connection).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' })
    timers.advance(5_000)
    await expect(second.blocked()).resolves.toBeUndefined()
    expect(second.settings().oauth?.access_token).toBe('access-2')
    expect(zendesk.renewals).toHaveLength(1)
  })
})
