import { ZendeskRetryableError } from './errors'

/**
 * Zendesk's limit on single-user writes (`users/create_or_update`, `PUT users/{id}`) is one a second per account;
 * a tenth of a second more keeps two writes apart when the first one travels slower than the second.
 */
export const SINGLE_USER_WRITE_INTERVAL_MS = 1100
/** Longer than this in the queue, a write is not worth holding the event for: it is retried later instead. */
const MAX_WAIT_MS = 5000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Spreads one kind of request under a per-account rate, so an account's documented endpoint limit is met by
 * waiting a moment rather than answered with a burst of 429s. A write that would wait too long is retryable at
 * once, with the time after which its slot is free.
 */
export class Pacer {
  private readonly nextSlot = new Map<string, number>()

  constructor(
    private readonly intervalMs: number,
    private readonly maxWaitMs = MAX_WAIT_MS
  ) {}

  async slot(account: string, about: string): Promise<void> {
    if (this.intervalMs <= 0) return
    const now = Date.now()
    const at = Math.max(now, this.nextSlot.get(account) ?? 0)
    const wait = at - now
    if (wait > this.maxWaitMs) {
      const seconds = Math.ceil(wait / 1000)
      throw new ZendeskRetryableError(
        `Zendesk allows one single-user write a second per account, and ${about} would wait ${seconds} s for its turn; it will be retried. Retry after ${seconds} s.`,
        429,
        seconds
      )
    }
    this.nextSlot.set(account, at + this.intervalMs)
    if (wait > 0) await sleep(wait)
  }
}
