import { statusOf, type Settled } from './results'

/** Answers that hold for every further request of the call: bad credentials, rate limit, maintenance. */
const ACCOUNT_WIDE_STATUSES = new Set([401, 429, 503])

/**
 * The rule of one action call: after a 401, 429 or 503 no further request is made, and each attempt still to
 * come gets that error instead.
 */
export class AccountWideStop {
  private stoppedBy: { error: unknown } | undefined

  /** The error that stopped the call, if one did. */
  get stopped(): { error: unknown } | undefined {
    return this.stoppedBy
  }

  /** Takes note of a failure: the first account-wide one stops the call. */
  note(error: unknown): void {
    if (!this.stoppedBy && ACCOUNT_WIDE_STATUSES.has(statusOf(error))) this.stoppedBy = { error }
  }

  /** Makes the request unless the call is stopped: its value, or the error that stopped it or the call. */
  async attempt<T>(request: () => Promise<T>): Promise<Settled<T>> {
    if (this.stoppedBy) return { ok: false, error: this.stoppedBy.error }
    try {
      return { ok: true, value: await request() }
    } catch (error) {
      this.note(error)
      return { ok: false, error }
    }
  }
}
