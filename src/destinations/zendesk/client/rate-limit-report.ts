/** What one answer says of the account's requests a minute, as far as its headers say it. */
export interface RateLimitReport {
  /** The account's requests a window: 200 on Team, 700 on Enterprise, 2,500 with High Volume. */
  limit?: number
  /** Requests left in the account's current window. */
  remaining?: number
  /** Seconds until the account's current window starts again. */
  resetSeconds?: number
}

type Headers = { get(name: string): string | null }

/**
 * Zendesk's account-wide rate-limit headers, in the spellings it sends: `ratelimit-*` (documented on list
 * endpoints), `rate-limit-*` (recorded) and `X-Rate-Limit` / `X-Rate-Limit-Remaining` (documented, no reset). The
 * endpoint limits' `Zendesk-RateLimit-<name>` headers are not the account's and are not read here.
 */
export function rateLimitReport(headers: Headers): RateLimitReport {
  const report: RateLimitReport = {}
  const limit = firstCount(headers, ['ratelimit-limit', 'rate-limit', 'x-rate-limit'])
  const remaining = firstCount(headers, ['ratelimit-remaining', 'rate-limit-remaining', 'x-rate-limit-remaining'])
  const resetSeconds = firstCount(headers, ['ratelimit-reset', 'rate-limit-reset'])
  if (limit !== undefined && limit > 0) report.limit = limit
  if (remaining !== undefined) report.remaining = remaining
  if (resetSeconds !== undefined) report.resetSeconds = resetSeconds
  return report
}

/** The first of the headers that holds a whole number of 0 or more. */
function firstCount(headers: Headers, names: string[]): number | undefined {
  for (const name of names) {
    const value = headers.get(name)?.trim()
    if (value && /^\d{1,9}$/.test(value)) return Number(value)
  }
  return undefined
}
