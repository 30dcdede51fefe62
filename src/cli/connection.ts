import { createHash, randomBytes } from 'crypto'
import {
  ErrorCodes,
  InvalidAuthenticationError,
  RetryableError,
  type RefreshAccessTokenResult
} from '@segment/actions-core'
import type { Settings } from '../destinations/zendesk/generated-types'
import type { zendeskOAuth, ZendeskTokens } from '../destinations/zendesk'
import type { StoredConnection } from './connection-file'
import { iso, renewalDueOf, renewedRecord, tokensOf } from './connection-record'
import type { ConnectionStore } from './connection-store'
import type { Blocked, ConnectionView, HostAccount, HostSettings } from './host-account'
import { systemTimers, type Timers } from './timers'

/** The destination's host-side OAuth helper: every token request and revocation goes through it. */
export type ZendeskOAuth = ReturnType<typeof zendeskOAuth>

/** An OAuth client of the account: public (no secret, PKCE only) or confidential (with its secret). */
export interface OAuthClient {
  id: string
  secret?: string
}

export interface ConnectionOptions {
  /** the destination settings besides the credential: the subdomain and the options */
  settings: Settings
  /** what the page calls the account, e.g. https://acme.zendesk.com */
  accountLabel: string
  /** the client Connect Zendesk connects with */
  client: OAuthClient
  /**
   * a confidential client the host connects with at start (client credentials) when nothing is stored; default
   * `client` when it has a secret
   */
  startClient?: OAuthClient
  /** where Zendesk's consent page sends the person back: http://127.0.0.1:<port>/oauth/callback; none: no Connect */
  redirectUri?: string
  oauth: ZendeskOAuth
  /** a renewal through the destination, as actions-core makes on a 401 (Destination.refreshAccessToken) */
  renew(settings: HostSettings): Promise<ZendeskTokens>
  /**
   * where the connection is kept: the connection file, or a database several hosts share; undefined keeps it in
   * memory (an account that ends with the host)
   */
  store?: ConnectionStore
  /** why it is kept in memory, when there is no store */
  inMemoryBecause?: string
  timers?: Timers
  log(line: string): void
}

/** A person's answer on Zendesk's consent page that did not connect the host, said so that they know what to do. */
export class ConnectError extends Error {}

/** After a renewal that failed for a passing reason: the first wait, doubled up to the longest. */
const FIRST_RETRY_MS = 30_000
const LONGEST_RETRY_MS = 10 * 60_000
/** How long a Connect Zendesk started here waits for Zendesk's answer, and how many may wait at once. */
const AUTHORIZATION_TTL_MS = 10 * 60_000
const MAX_WAITING_AUTHORIZATIONS = 20
/** With a shared store: how old this host's copy of the stored connection may be when a call starts. */
const STORE_FOLLOW_MS = 5_000
/** Tokens of this run kept, for redaction and to know an older rotation when one comes back: the newest ones. */
const TOKENS_KEPT = 50

const base64url = (bytes: Buffer) => bytes.toString('base64url')
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Adds a value as the newest of the set, dropping the oldest beyond TOKENS_KEPT. */
function keepNewest(set: Set<string>, value: string): void {
  set.delete(value)
  set.add(value)
  if (set.size > TOKENS_KEPT) set.delete(set.values().next().value as string)
}

/** Zendesk refused a renewal (actions-core's OAUTH_REFRESH_FAILED): only connecting again helps. */
export function isRefusedRenewal(error: unknown): boolean {
  return (error as { code?: unknown })?.code === ErrorCodes.OAUTH_REFRESH_FAILED
}

/**
 * The local host's OAuth connection to one Zendesk account: made by a person's consent (authorization code with
 * PKCE S256) or, with a confidential client, with client credentials. It is stored before
 * it is used (each renewed refresh token is on disk before any call carries the new access token), renewed ahead
 * of time on `timers` so that neither token runs out while the host is quiet, and revoked on Disconnect.
 *
 * With a store several hosts share, they share the connection: one host at a time renews it (`renewInTurn`), the
 * others take the rotated tokens from the store, read again before a call when their copy is a few seconds old and
 * on `timers` every few seconds (so a Connect or Disconnect on one host reaches the others).
 */
export class ZendeskConnection implements HostAccount {
  private record?: StoredConnection
  /** the record is stored (or there is no store); an unsaved one is not used until a save succeeds */
  private saved = true
  /** the last save failed (and the problem says so) */
  private saveFailed = false
  /** the connection is gone at Zendesk (a refused renewal): it waits for someone to connect again */
  private lost = false
  private problem?: string
  private nextRenewalAt?: number
  private cancelTimer?: () => void
  private retryMs?: number
  private renewing?: Promise<void>
  /** with a shared store: when this host last read it, whether that read failed, how often its record changed here */
  private followedAt?: number
  private followFailed = false
  private changes = 0
  private cancelFollowing?: () => void
  private closed = false
  private readonly waiting = new Map<string, { verifier: string; startedAt: number }>()
  /** access tokens this connection has held: a renewal answering one of them is an older rotation, not news */
  private readonly heldAccessTokens = new Set<string>()
  /** the tokens of this run, for redaction */
  private readonly heldSecrets = new Set<string>()
  private readonly connectedListeners: (() => void)[] = []
  private readonly timers: Timers

  constructor(private readonly options: ConnectionOptions) {
    this.timers = options.timers ?? systemTimers
  }

  /**
   * Takes up the stored connection (a restart stays connected), or with a confidential client and none stored,
   * connects with client credentials (with a shared store, in its turn: hosts starting together connect once).
   * Problems are logged and shown on the page; the host starts either way.
   */
  async start(): Promise<void> {
    const stored = await this.readStored()
    if (stored) {
      this.take(stored)
      this.options.log(`Zendesk connection read from ${this.options.store!.location}${this.describeWho(stored)}.`)
    } else if (this.startClient) {
      try {
        await this.connectAtStart(this.startClient)
      } catch (error) {
        this.report(`Connecting with the OAuth client's credentials failed: ${messageOf(error)}`)
      }
    }
    this.planRenewal()
    this.followStoreOnTimers()
  }

  /** Whenever the host becomes connected (Connect Zendesk, or a save that finally succeeded). */
  whenConnected(listener: () => void): void {
    this.connectedListeners.push(listener)
  }

  settings(): HostSettings {
    if (!this.record || this.lost) return { ...this.options.settings }
    return this.settingsOf(this.record)
  }

  async blocked(): Promise<Blocked | undefined> {
    await this.followStore()
    if (!this.record) {
      return { reason: 'Zendesk is not connected: Connect Zendesk on the local host’s page.', untilConnected: true }
    }
    if (this.lost) return { reason: this.problem ?? 'The Zendesk connection is gone.', untilConnected: true }
    if (!(await this.saveIfUnsaved())) return { reason: this.problem!, untilConnected: false }
    return undefined
  }

  /**
   * actions-core's onTokenRefresh, and where a renewal ahead of time ends: the renewed connection is saved before
   * this resolves, so nothing uses a refresh token that is not on disk. A save that fails is logged, shown on the
   * page and rejects (the call is retried; every later call tries the save again first).
   */
  onTokenRefresh = async (tokens: RefreshAccessTokenResult): Promise<void> => {
    const renewed = tokens as ZendeskTokens
    if (!this.record || this.heldAccessTokens.has(renewed.accessToken)) return
    this.record = renewedRecord(this.record, renewed, this.timers.now())
    this.changes++
    this.hold(renewed)
    this.lost = false
    this.saved = false
    this.retryMs = undefined
    const stored = await this.saveIfUnsaved()
    this.planRenewal()
    if (!stored) throw new RetryableError(this.problem!)
  }

  renewalRefused(used: HostSettings, error: unknown): void {
    // A call that began with an older token says nothing about the connection in force now.
    if (!this.record || this.lost || used.oauth?.access_token !== this.record.accessToken) return
    this.loseConnection(messageOf(error))
  }

  secrets(): string[] {
    const clientSecrets = [this.options.client.secret, this.options.startClient?.secret]
    return [...clientSecrets.filter((secret): secret is string => !!secret), ...this.heldSecrets]
  }

  view(): ConnectionView {
    const record = this.record
    const { store, inMemoryBecause, accountLabel } = this.options
    const client = (record && this.clientOf(record.clientId)) ?? this.options.client
    return {
      kind: 'oauth',
      state: !record ? 'not connected' : this.lost ? 'reconnect needed' : 'connected',
      account: accountLabel,
      clientId: client.id,
      clientKind: client.secret ? 'confidential' : 'public',
      ...(record && {
        grant: record.grant,
        connectedBy: record.connectedBy,
        connectedAt: record.connectedAt,
        expiresAt: record.expiresAt,
        refreshTokenExpiresAt: record.refreshTokenExpiresAt,
        lastRefreshAt: record.lastRefreshAt
      }),
      ...(this.nextRenewalAt !== undefined && { nextRefreshAt: iso(this.nextRenewalAt) }),
      storedIn: store ? store.location : `memory only (${inMemoryBecause ?? 'no file'})`,
      ...(this.problem && { problem: this.problem })
    }
  }

  /** Zendesk's consent page for a new connection: a fresh state and PKCE S256 verifier, kept here for the answer. */
  authorizationUrl(): string {
    const { settings, client, redirectUri, oauth } = this.options
    if (!redirectUri) throw new ConnectError('Connect Zendesk needs the local host: run npm start and open its page.')
    const now = this.timers.now()
    for (const [state, { startedAt }] of this.waiting) {
      if (now - startedAt > AUTHORIZATION_TTL_MS || this.waiting.size >= MAX_WAITING_AUTHORIZATIONS) {
        this.waiting.delete(state)
      }
    }
    const state = base64url(randomBytes(32))
    const verifier = base64url(randomBytes(32))
    this.waiting.set(state, { verifier, startedAt: now })
    return oauth.authorizationUrl({
      subdomain: settings.subdomain,
      clientId: client.id,
      redirectUri,
      state,
      codeChallenge: base64url(createHash('sha256').update(verifier).digest())
    })
  }

  /**
   * Zendesk's answer on the redirect URL: exchanges the code (with the PKCE verifier of the state it answers) and
   * makes the connection; a Deny, an unknown or expired state, or a failed exchange is a ConnectError.
   */
  async completeAuthorization(query: URLSearchParams): Promise<void> {
    const state = query.get('state') ?? ''
    const waiting = this.waiting.get(state)
    this.waiting.delete(state)
    const error = query.get('error')
    if (error === 'access_denied') {
      throw this.connectFailed(
        'Zendesk’s consent page was answered with Deny, so no connection was made. Choose Connect Zendesk again and Allow to connect.'
      )
    }
    if (error) {
      const description = query.get('error_description')
      throw this.connectFailed(`Zendesk did not connect the host (${error}${description ? `: ${description}` : ''}).`)
    }
    if (!waiting || this.timers.now() - waiting.startedAt > AUTHORIZATION_TTL_MS) {
      throw this.connectFailed(
        'This answer from Zendesk does not match a Connect Zendesk started here (unknown or expired state). Choose Connect Zendesk again.'
      )
    }
    const code = query.get('code')
    if (!code) throw this.connectFailed('Zendesk’s answer carries no authorization code. Choose Connect Zendesk again.')
    const { settings, client, redirectUri, oauth } = this.options
    let tokens: ZendeskTokens
    try {
      tokens = await oauth.exchangeCode({
        subdomain: settings.subdomain,
        clientId: client.id,
        ...(client.secret && { clientSecret: client.secret }),
        code,
        codeVerifier: waiting.verifier,
        redirectUri: redirectUri!
      })
    } catch (exchangeError) {
      throw this.connectFailed(`Zendesk did not exchange the authorization code: ${messageOf(exchangeError)}`)
    }
    await this.connect(tokens, 'authorization_code', client)
  }

  /**
   * Revokes the token at Zendesk, forgets the connection and deletes the file. A revocation that fails is reported
   * (the token then lives until it expires); the connection is forgotten either way. A connection Zendesk already
   * refused has nothing left to revoke. With a shared store, in its turn: the token revoked is the newest, and no
   * host renews the connection while it is revoked and deleted.
   */
  async disconnect(): Promise<{ revoked: boolean; problem?: string }> {
    const store = this.options.store
    if (!store?.takeTurn) return this.disconnectNow()
    return store.takeTurn(async (stored) => {
      if (!stored) this.disconnectedElsewhere()
      else if (stored.accessToken !== this.record?.accessToken) this.take(stored)
      return { answer: await this.disconnectNow() }
    })
  }

  private async disconnectNow(): Promise<{ revoked: boolean; problem?: string }> {
    const record = this.record
    if (!record) return { revoked: false }
    const alreadyGone = this.lost
    this.forget()
    this.problem = undefined
    let problem: string | undefined
    let revoked = false
    try {
      if (!alreadyGone) {
        await this.options.oauth.revoke(this.options.settings, record.accessToken)
        revoked = true
      }
    } catch (error) {
      problem = `Zendesk did not revoke the token (${messageOf(error)}); it stays valid until it expires${record.expiresAt ? ` at ${record.expiresAt}` : ''}. Revoke it in Admin Center if needed.`
    }
    try {
      await this.options.store?.remove()
    } catch (error) {
      problem = [problem, `${messageOf(error)}: delete it yourself.`].filter(Boolean).join(' ')
    }
    if (problem) this.report(problem)
    this.options.log(`Zendesk disconnected${revoked ? ': the token is revoked' : ''}.`)
    return { revoked, ...(problem && { problem }) }
  }

  /** Renews now, as the timer does (the simulator's reset calls it too); a failure is logged and planned again. */
  renewNow(): Promise<void> {
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined
      this.planRenewal()
    })
    return this.renewing
  }

  /** Resolves once a renewal under way has ended. */
  async settled(): Promise<void> {
    await this.renewing
  }

  close(): void {
    this.closed = true
    this.cancelTimer?.()
    this.cancelTimer = undefined
    this.cancelFollowing?.()
  }

  /**
   * A renewal of the connection a call or the host held (`used`), through `renew`. With a shared store, one host at
   * a time per account: in its turn the host reads the stored connection and, when a sibling already renewed what
   * `used` held, takes the stored tokens without asking Zendesk; otherwise it renews the stored tokens (so a refusal
   * is Zendesk's answer to the newest tokens, never to a sibling's rotation) and stores the renewed pair before its
   * turn ends.
   */
  async renewInTurn(
    used: HostSettings,
    renew: (current: HostSettings) => Promise<ZendeskTokens>
  ): Promise<ZendeskTokens> {
    const store = this.options.store
    if (!store?.takeTurn) return renew(used)
    let renewed: StoredConnection | undefined
    try {
      const current = await store.takeTurn(async (stored) => {
        if (!stored) {
          this.disconnectedElsewhere()
          throw new InvalidAuthenticationError(
            'Zendesk is not connected: it was disconnected on a host sharing the database. Connect Zendesk again.',
            ErrorCodes.OAUTH_REFRESH_FAILED
          )
        }
        const due = renewalDueOf(stored)
        if (stored.accessToken !== used.oauth?.access_token && (due === undefined || this.timers.now() < due)) {
          return { answer: stored }
        }
        let tokens: ZendeskTokens
        try {
          tokens = await renew(this.settingsOf(stored))
        } catch (error) {
          if (isRefusedRenewal(error)) this.refusedInTurn(stored, error)
          throw error
        }
        renewed = renewedRecord(stored, tokens, this.timers.now())
        return { answer: renewed, store: renewed }
      })
      this.takeShared(current)
      return tokensOf(current)
    } catch (error) {
      // Zendesk renewed the connection but the database did not store it: this host holds the only copy.
      if (renewed && this.record?.accessToken !== renewed.accessToken) this.holdUnsaved(renewed)
      throw error
    }
  }

  /** The confidential client the host connects with at start, if there is one. */
  private get startClient(): OAuthClient | undefined {
    const client = this.options.startClient ?? this.options.client
    return client.secret ? client : undefined
  }

  private clientOf(id: string): OAuthClient | undefined {
    return [this.options.client, this.options.startClient].find((client) => client?.id === id)
  }

  /** Client credentials at start; with a shared store in its turn, so that hosts starting together connect once. */
  private async connectAtStart(client: OAuthClient): Promise<void> {
    const store = this.options.store
    if (!store?.takeTurn) return this.connectWithClientCredentials(client)
    await store.takeTurn(async (stored) => {
      if (stored && this.usable(stored)) this.takeShared(stored)
      // This turn is under way: the new connection is written as it is.
      else await this.connectWithClientCredentials(client, async (record) => (await store.write(record), stored))
      return { answer: undefined }
    })
  }

  private async connectWithClientCredentials(
    client: OAuthClient,
    save?: (record: StoredConnection) => Promise<StoredConnection | undefined>
  ): Promise<void> {
    const { settings, oauth } = this.options
    const tokens = await oauth.clientCredentials({
      subdomain: settings.subdomain,
      clientId: client.id,
      clientSecret: client.secret!
    })
    await this.connect(tokens, 'client_credentials', client, save)
  }

  /**
   * A new connection: who it acts as, stored (or reported and revoked when it cannot be), then in force; the
   * connection it replaces is revoked. `save` stores it and answers the connection it replaces.
   */
  private async connect(
    tokens: ZendeskTokens,
    grant: StoredConnection['grant'],
    client: OAuthClient,
    save: (record: StoredConnection) => Promise<StoredConnection | undefined> = (record) => this.storeReplacing(record)
  ): Promise<void> {
    const { settings, oauth, store } = this.options
    this.hold(tokens)
    const agent = await oauth.connectedAgent(settings, tokens.accessToken).catch((error) => {
      this.options.log(`Could not look up who the new Zendesk connection acts as: ${messageOf(error)}`)
      return undefined
    })
    const now = this.timers.now()
    const record: StoredConnection = {
      version: 1,
      subdomain: settings.subdomain,
      clientId: client.id,
      grant,
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken && { refreshToken: tokens.refreshToken }),
      ...(tokens.expiresAt && { expiresAt: tokens.expiresAt }),
      ...(tokens.refreshTokenExpiresAt && { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt }),
      connectedAt: iso(now),
      ...(agent && { connectedBy: { name: agent.name, email: agent.email } })
    }
    let replaced: StoredConnection | undefined
    try {
      replaced = await save(record)
    } catch (error) {
      await oauth.revoke(settings, tokens.accessToken).catch(() => undefined)
      throw this.connectFailed(`Zendesk connected, but ${messageOf(error)}. The new token is revoked; not connected.`)
    }
    this.take(record)
    this.problem = undefined
    this.options.log(`Zendesk connected${this.describeWho(record)}${store ? `; stored in ${store.location}` : ''}.`)
    this.planRenewal()
    if (replaced && replaced.accessToken !== record.accessToken) {
      await oauth.revoke(settings, replaced.accessToken).catch(() => undefined)
    }
    this.connectedListeners.forEach((listener) => listener())
  }

  /**
   * Stores a new connection and answers the one it replaces: with a shared store, the stored one, in the store's
   * turn, so that a renewal under way on another host cannot store the old connection over the new one.
   */
  private async storeReplacing(record: StoredConnection): Promise<StoredConnection | undefined> {
    const store = this.options.store
    if (!store?.takeTurn) {
      await store?.write(record)
      return this.record
    }
    return store.takeTurn(async (stored) => ({ answer: stored, store: record }))
  }

  /** A connection that is stored (or has no store) comes into force. */
  private take(record: StoredConnection): void {
    this.record = record
    this.changes++
    this.saved = true
    this.lost = false
    this.retryMs = undefined
    this.hold(record)
  }

  private forget(): void {
    this.record = undefined
    this.changes++
    this.saved = true
    this.lost = false
    this.nextRenewalAt = undefined
    this.cancelTimer?.()
  }

  private async readStored(): Promise<StoredConnection | undefined> {
    const { store } = this.options
    if (!store) return undefined
    let stored: StoredConnection | undefined
    try {
      stored = await store.read()
    } catch (error) {
      const then = store.takeTurn ? 'It is read again every few seconds.' : 'Connect Zendesk to replace it.'
      this.report(`${messageOf(error)} ${then}`)
      return undefined
    }
    if (!stored || this.usable(stored)) return stored
    this.report(
      `The connection in ${store.location} is for ${stored.subdomain} with the OAuth client ${stored.clientId}, not ${this.options.settings.subdomain} with ${this.options.client.id}: it is not used. Connect Zendesk to replace it.`
    )
    return undefined
  }

  /** A stored connection this host can use: for its account, with one of its clients. */
  private usable(stored: StoredConnection): boolean {
    return stored.subdomain === this.options.settings.subdomain && !!this.clientOf(stored.clientId)
  }

  /** The settings of a call with `record`: its tokens, and its client with the secret from the environment. */
  private settingsOf(record: StoredConnection): HostSettings {
    const { settings } = this.options
    const client = this.clientOf(record.clientId)
    if (!client) return { ...settings }
    return {
      ...settings,
      oauth: {
        access_token: record.accessToken,
        ...(record.refreshToken && { refresh_token: record.refreshToken }),
        clientId: client.id,
        ...(client.secret && { clientSecret: client.secret })
      }
    }
  }

  /**
   * With a shared store: the connection as the other hosts left it, read when this host's copy is older than
   * STORE_FOLLOW_MS (or now, when `now`). A read that fails leaves this host with its copy.
   */
  private async followStore(now = false): Promise<void> {
    const store = this.options.store
    if (!store?.takeTurn || this.closed) return
    if (!now && this.followedAt !== undefined && this.timers.now() - this.followedAt < STORE_FOLLOW_MS) return
    this.followedAt = this.timers.now()
    const changes = this.changes
    let stored: StoredConnection | undefined
    try {
      stored = await store.read()
    } catch (error) {
      // Said once, not at every read until the database is back.
      if (!this.followFailed) this.options.log(`${messageOf(error)} This host goes on with its copy until it can.`)
      this.followFailed = true
      return
    }
    this.followFailed = false
    // A read that overlapped a change made here answers what was stored before it; and a renewal this host could
    // not store yet is newer than anything stored.
    if (changes !== this.changes || !this.saved) return
    if (!stored) return this.record ? this.disconnectedElsewhere() : undefined
    if (stored.accessToken !== this.record?.accessToken && this.usable(stored)) this.takeShared(stored)
  }

  /** Reads the shared store every STORE_FOLLOW_MS, so a host sees a Connect or Disconnect made on another. */
  private followStoreOnTimers(): void {
    if (!this.options.store?.takeTurn || this.closed) return
    this.cancelFollowing = this.timers.after(STORE_FOLLOW_MS, () => {
      void this.followStore(true).finally(() => this.followStoreOnTimers())
    })
  }

  /** The stored connection (a sibling's renewal or Connect) comes into force here. */
  private takeShared(stored: StoredConnection): void {
    if (stored.accessToken === this.record?.accessToken) return
    const waiting = !this.record || this.lost
    this.take(stored)
    this.problem = undefined
    this.planRenewal()
    if (waiting) {
      this.options.log(
        `Zendesk connected on a host sharing ${this.options.store!.location}${this.describeWho(stored)}.`
      )
      this.connectedListeners.forEach((listener) => listener())
    }
  }

  private disconnectedElsewhere(): void {
    if (!this.record) return
    this.forget()
    this.problem = undefined
    this.options.log('Zendesk was disconnected on a host sharing the database: events wait for Connect Zendesk.')
  }

  /** Zendesk refused to renew the stored (newest) tokens: the connection is gone for every host. */
  private refusedInTurn(stored: StoredConnection, error: unknown): void {
    if (stored.accessToken !== this.record?.accessToken) this.take(stored)
    this.loseConnection(messageOf(error))
  }

  /** A renewed connection the store could not keep: in force here, saved again before each call until it is. */
  private holdUnsaved(renewed: StoredConnection): void {
    this.record = renewed
    this.changes++
    this.hold(renewed)
    this.lost = false
    this.saved = false
    this.planRenewal()
  }

  /** Saves a record not yet stored; false (with the problem reported) when the save fails. */
  private async saveIfUnsaved(): Promise<boolean> {
    if (this.saved || !this.record) return true
    const record = this.record
    try {
      await this.options.store?.write(record)
    } catch (error) {
      this.saveFailed = true
      this.report(
        `The renewed Zendesk connection could not be saved (${messageOf(error)}): calls wait until it can be, and a restart before then needs Connect Zendesk again.`
      )
      return false
    }
    if (this.record !== record) return this.saveIfUnsaved()
    this.saved = true
    if (this.saveFailed) {
      this.saveFailed = false
      this.problem = undefined
      this.options.log('The renewed Zendesk connection is saved now.')
      this.connectedListeners.forEach((listener) => listener())
    }
    return true
  }

  /** A renewal ahead of time; never with a refresh token that is not on disk yet (the save is tried first). */
  private async renew(): Promise<void> {
    if (!this.record || this.lost) return
    let used: HostSettings | undefined
    try {
      if (!(await this.saveIfUnsaved())) throw new Error(this.problem)
      used = this.settings()
      await this.onTokenRefresh(await this.renewInTurn(used, (current) => this.options.renew(current)))
    } catch (error) {
      if (used && isRefusedRenewal(error)) return this.renewalRefused(used, error)
      this.retryMs = Math.min(LONGEST_RETRY_MS, this.retryMs === undefined ? FIRST_RETRY_MS : this.retryMs * 2)
      this.options.log(
        `Renewing the Zendesk connection failed (${messageOf(error)}); trying again in ${Math.round(this.retryMs / 1000)} s.`
      )
    }
  }

  /** The next renewal: before either token ends, or after a failed renewal's wait; none for tokens without an end. */
  private planRenewal(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    this.nextRenewalAt = undefined
    const record = this.record
    if (!record || this.lost) return
    const renewalDue = renewalDueOf(record)
    if (renewalDue === undefined) return
    const due = this.retryMs === undefined ? renewalDue : this.timers.now() + this.retryMs
    this.nextRenewalAt = due
    const wait = () => {
      this.cancelTimer = this.timers.after(due - this.timers.now(), () => {
        // A long wait may end early (timers cap it): wait again until the renewal is due.
        if (this.timers.now() < due) return wait()
        void this.renewNow()
      })
    }
    wait()
  }

  private loseConnection(reason: string): void {
    this.lost = true
    this.nextRenewalAt = undefined
    this.cancelTimer?.()
    this.report(`Zendesk refused to renew the connection, so it is gone: ${reason}`)
  }

  private connectFailed(message: string): ConnectError {
    this.report(message)
    return new ConnectError(message)
  }

  /** A problem is loud: logged, and kept for the page until the next success. */
  private report(problem: string): void {
    this.problem = problem
    this.options.log(problem)
  }

  private describeWho(record: StoredConnection): string {
    const who = record.connectedBy
    return who ? ` (acting as ${[who.name, who.email && `<${who.email}>`].filter(Boolean).join(' ')})` : ''
  }

  private hold(tokens: { accessToken: string; refreshToken?: string }): void {
    keepNewest(this.heldAccessTokens, tokens.accessToken)
    keepNewest(this.heldSecrets, tokens.accessToken)
    if (tokens.refreshToken) keepNewest(this.heldSecrets, tokens.refreshToken)
  }
}
