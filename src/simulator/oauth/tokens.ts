import { newCredential } from './credentials'
import type { Lifetimes } from './lifetimes'
import type { OAuthTokenAnswer } from './types'

/** An access token and the refresh token issued with it (a pair dies together). Times in clock milliseconds. */
export interface IssuedToken {
  id: number
  accessToken: string
  /** null for client credentials */
  refreshToken: string | null
  clientIdentifier: string
  userId: number
  scope: string
  createdAt: number
  /** null: never expires */
  accessExpiresAt: number | null
  refreshExpiresAt: number | null
  /** when it last authenticated an API request */
  usedAt: number | null
}

export interface Grant {
  clientIdentifier: string
  userId: number
  scope: string
  withRefreshToken: boolean
  lifetimes: Lifetimes
}

const FIRST_TOKEN_ID = 9200000001

const expiry = (from: number, seconds: number | null) => (seconds === null ? null : from + seconds * 1000)

/** Issued token pairs. Revoked pairs are forgotten; expired ones are kept but no longer honoured. */
export class TokenStore {
  private readonly byId = new Map<number, IssuedToken>()
  private readonly byAccessToken = new Map<string, IssuedToken>()
  private readonly byRefreshToken = new Map<string, IssuedToken>()
  private lastId = FIRST_TOKEN_ID - 1

  constructor(private readonly now: () => number) {}

  issue(grant: Grant): IssuedToken {
    const createdAt = this.now()
    const token: IssuedToken = {
      id: ++this.lastId,
      accessToken: newCredential('accessToken'),
      refreshToken: grant.withRefreshToken ? newCredential('refreshToken') : null,
      clientIdentifier: grant.clientIdentifier,
      userId: grant.userId,
      scope: grant.scope,
      createdAt,
      accessExpiresAt: expiry(createdAt, grant.lifetimes.accessSeconds),
      refreshExpiresAt: grant.withRefreshToken ? expiry(createdAt, grant.lifetimes.refreshSeconds) : null,
      usedAt: null
    }
    this.byId.set(token.id, token)
    this.byAccessToken.set(token.accessToken, token)
    if (token.refreshToken) this.byRefreshToken.set(token.refreshToken, token)
    return token
  }

  /** The pair whose access token this is, while that token has not expired or been revoked; noted as used now. */
  authenticate(accessToken: string): IssuedToken | undefined {
    const token = this.byAccessToken.get(accessToken)
    if (!token || !this.isLive(token.accessExpiresAt)) return undefined
    token.usedAt = this.now()
    return token
  }

  /** The pair whose refresh token this is, while that token has not expired or been revoked. */
  liveRefreshToken(refreshToken: string): IssuedToken | undefined {
    const token = this.byRefreshToken.get(refreshToken)
    return token && this.isLive(token.refreshExpiresAt) ? token : undefined
  }

  find(id: number): IssuedToken | undefined {
    return this.byId.get(id)
  }

  /** Deletes the pair: neither its access token nor its refresh token works again. */
  revoke(token: IssuedToken): void {
    this.byId.delete(token.id)
    this.byAccessToken.delete(token.accessToken)
    if (token.refreshToken) this.byRefreshToken.delete(token.refreshToken)
  }

  clear(): void {
    this.byId.clear()
    this.byAccessToken.clear()
    this.byRefreshToken.clear()
  }

  private isLive(expiresAt: number | null): boolean {
    return expiresAt === null || this.now() < expiresAt
  }
}

const secondsBetween = (from: number, to: number | null) => (to === null ? undefined : Math.round((to - from) / 1000))

/** The token endpoint's answer for a pair just issued: lifetimes in seconds, left out where a token never expires. */
export function tokenAnswer(token: IssuedToken): OAuthTokenAnswer {
  const expiresIn = secondsBetween(token.createdAt, token.accessExpiresAt)
  const refreshExpiresIn = secondsBetween(token.createdAt, token.refreshExpiresAt)
  return {
    access_token: token.accessToken,
    token_type: 'bearer',
    scope: token.scope,
    ...(token.refreshToken === null ? {} : { refresh_token: token.refreshToken }),
    ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
    ...(refreshExpiresIn === undefined ? {} : { refresh_token_expires_in: refreshExpiresIn })
  }
}
