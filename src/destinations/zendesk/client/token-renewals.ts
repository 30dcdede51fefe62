import { createHash } from 'crypto'
import type { ZendeskTokens } from './oauth'
import { TtlCache } from './ttl-cache'

/** What actions-core hands `refreshAccessToken`: the connection as the host stored it (its own copy). */
export interface ConnectionToRenew {
  accessToken?: string
  refreshToken?: string
  clientId?: string
  clientSecret?: string
}

/** The newest tokens of one connection, shared by every key that led to it (each rotation adds keys). */
interface Lineage {
  tokens: ZendeskTokens
}

/** How long a renewal is remembered: longer than a refresh token can live (90 days at most) is not needed here. */
const REMEMBERED_MS = 24 * 60 * 60 * 1000
const REMEMBERED_CONNECTIONS = 10_000
/** A refused renewal is not asked again with the same tokens for this long: the answer will not change. */
const REFUSAL_MS = 10 * 60 * 1000
/** A token this close to its end is renewed rather than handed out again. */
const EXPIRY_MARGIN_MS = 60 * 1000

const digest = (value: string) => createHash('sha256').update(value).digest('hex')

/**
 * The renewals of OAuth connections in one destination instance, keyed by account and a digest of the tokens
 * (no map holds a token as its key). Renewals of one connection share one token request; a renewal asked with
 * tokens this instance already renewed answers the newest tokens without a request (Zendesk deletes a rotated
 * refresh token, so asking again with it would be refused); a refused renewal is remembered; and a request made
 * with a rotated-away access token is sent with the newest one.
 */
export class TokenRenewals {
  private readonly underWay = new Map<string, Promise<ZendeskTokens>>()
  private readonly lineages: TtlCache<string, Lineage>
  private readonly refusals: TtlCache<string, Error>

  constructor(private readonly now: () => number) {
    this.lineages = new TtlCache(REMEMBERED_CONNECTIONS, REMEMBERED_MS, now)
    this.refusals = new TtlCache(REMEMBERED_CONNECTIONS, REFUSAL_MS, now)
  }

  /**
   * The access token to send instead of `accessToken`, asked at each request: the newest this instance renewed it
   * into, while it lives. The key is digested once, not at every request.
   */
  follow(account: string, accessToken: string): () => string {
    const key = accessKey(account, accessToken)
    return () => {
      const lineage = this.lineages.get(key)
      return lineage && this.isLive(lineage.tokens) ? lineage.tokens.accessToken : accessToken
    }
  }

  /**
   * New tokens for `connection`: the newest this instance holds for it when they are still good and not the
   * ones the caller found rejected, else one request through `grant` shared by every concurrent caller.
   */
  async renew(
    account: string,
    connection: ConnectionToRenew,
    grant: (connection: ConnectionToRenew) => Promise<ZendeskTokens>
  ): Promise<ZendeskTokens> {
    const key = connectionKey(account, connection)
    const refused = this.refusals.get(key)
    if (refused) throw refused
    const lineage = this.lineages.get(key)
    if (lineage) {
      const newest = lineage.tokens
      if (this.isLive(newest) && newest.accessToken !== connection.accessToken) return newest
      // The newest tokens are spent too: renew them, not the ones the caller holds (those are gone at Zendesk).
      if (newest.refreshToken && newest.refreshToken !== connection.refreshToken) {
        return this.renew(account, { ...connection, ...newest }, grant)
      }
    }
    const underWay = this.underWay.get(key)
    if (underWay) return underWay
    const renewal = grant(connection).then(
      (tokens) => {
        this.remember(account, connection, lineage ?? { tokens }, tokens)
        return tokens
      },
      (error: unknown) => {
        if ((error as { status?: unknown })?.status === 401) this.refusals.set(key, error as Error)
        throw error
      }
    )
    this.underWay.set(key, renewal)
    const forget = () => this.underWay.delete(key)
    renewal.then(forget, forget)
    return renewal
  }

  private remember(account: string, renewed: ConnectionToRenew, lineage: Lineage, tokens: ZendeskTokens): void {
    lineage.tokens = tokens
    const keys = [
      connectionKey(account, renewed),
      connectionKey(account, { ...renewed, ...tokens }),
      ...[renewed.accessToken, tokens.accessToken].flatMap((token) => (token ? [accessKey(account, token)] : []))
    ]
    for (const key of keys) this.lineages.set(key, lineage)
  }

  private isLive(tokens: ZendeskTokens): boolean {
    return tokens.expiresAt === undefined || Date.parse(tokens.expiresAt) - EXPIRY_MARGIN_MS > this.now()
  }
}

/** A refresh token names its connection; without one, the client and the access token it had do. */
function connectionKey(account: string, connection: ConnectionToRenew): string {
  if (connection.refreshToken) return `${account} refresh ${digest(connection.refreshToken)}`
  const client = digest(`${connection.clientId ?? ''}\n${connection.clientSecret ?? ''}`)
  return `${account} client ${client} ${digest(connection.accessToken ?? '')}`
}

function accessKey(account: string, accessToken: string): string {
  return `${account} access ${digest(accessToken)}`
}
