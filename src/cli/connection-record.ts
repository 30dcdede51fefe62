/**
 * What the host reads off a stored connection: when it is due for renewal, its tokens, and what a renewal makes of
 * it.
 */
import type { ZendeskTokens } from '../destinations/zendesk'
import type { StoredConnection } from './connection-file'

/** Renewed this long before the access token ends (at most half its life), so calls never meet an expired one. */
const RENEW_BEFORE_ACCESS_END_MS = 5 * 60_000
/** Renewed at least this long before the refresh token ends (at most half its life), so a quiet connection lives on. */
const RENEW_BEFORE_REFRESH_END_MS = 24 * 60 * 60_000

export const iso = (ms: number) => new Date(ms).toISOString()

/** When to renew ahead of `end`: `before` earlier, or half-way through the token's life when that is sooner. */
function renewalDue(end: string | undefined, obtainedAt: number, before: number): number | undefined {
  if (end === undefined) return undefined
  const endMs = Date.parse(end)
  return endMs - Math.min(before, Math.max(0, endMs - obtainedAt) / 2)
}

/** When a connection is to be renewed: before either token ends; undefined for tokens without an end. */
export function renewalDueOf(record: StoredConnection): number | undefined {
  const obtainedAt = Date.parse(record.lastRefreshAt ?? record.connectedAt)
  const dues = [
    renewalDue(record.expiresAt, obtainedAt, RENEW_BEFORE_ACCESS_END_MS),
    renewalDue(record.refreshTokenExpiresAt, obtainedAt, RENEW_BEFORE_REFRESH_END_MS)
  ].filter((due): due is number => due !== undefined)
  return dues.length ? Math.min(...dues) : undefined
}

/** The connection's tokens as a renewal answers them. */
export function tokensOf(record: StoredConnection): ZendeskTokens {
  return {
    accessToken: record.accessToken,
    ...(record.refreshToken && { refreshToken: record.refreshToken }),
    ...(record.expiresAt && { expiresAt: record.expiresAt }),
    ...(record.refreshTokenExpiresAt && { refreshTokenExpiresAt: record.refreshTokenExpiresAt })
  }
}

/** The connection renewed into `renewed` at `now`. */
export function renewedRecord(record: StoredConnection, renewed: ZendeskTokens, now: number): StoredConnection {
  return {
    ...record,
    accessToken: renewed.accessToken,
    // A grant without a refresh token (client credentials, or an old client's) keeps the one there was.
    refreshToken: renewed.refreshToken ?? record.refreshToken,
    expiresAt: renewed.expiresAt,
    refreshTokenExpiresAt: renewed.refreshToken ? renewed.refreshTokenExpiresAt : record.refreshTokenExpiresAt,
    lastRefreshAt: iso(now)
  }
}
