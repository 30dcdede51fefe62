import { ZendeskRetryableError } from './errors'
import { sleep, type Clock, type Timers } from './time'

/**
 * Zendesk's limit on single-user writes (`users/create_or_update`, `PUT users/{id}`) is one a second per account;
 * a tenth of a second more keeps two writes apart when the first one travels slower than the second.
 */
export const SINGLE_USER_WRITE_INTERVAL_MS = 1100
/** Longer than this in the queue, a write is not worth holding the event for: it is retried later instead. */
export const MAX_WAIT_MS = 5000

/** The single-user writes of one account: when the last one was sent, and the writes waiting for their turn. */
interface AccountWrites {
  lastSentAt?: number
  waiting: number
  /** Settles when the last write in line has been sent: the next one waits for it. */
  lineEnd: Promise<void>
}

/** Single-user writes, one a second per account: `slot` resolves when the caller may send its write. */
export interface AccountWritePacing {
  slot(account: string, about: string): Promise<void>
}

/** Writes of one record, 5 a minute: `turn` resolves when the caller may send its write of `record`. */
export interface RecordWriteTurns {
  turn(record: string, about: string): Promise<void>
}

/** Zendesk's limit on writes of one kind of record: at most `limit` of one record in any `windowMs`. */
export interface RecordLimit {
  limit: number
  windowMs: number
  /** the record's kind, for messages: `user`, `organization` */
  what: string
}

/**
 * A record's next write, given the times of its writes so far (`times`): now while fewer than `limit` are in the
 * window, else when the oldest of the last `limit` leaves it. Answers how long until it goes and the times to keep
 * (the writes still in the window and this one); a turn further off than `maxWaitMs` is retryable at once, with the
 * time its turn comes, and costs Zendesk nothing.
 */
export function nextRecordWrite(
  times: readonly number[],
  now: number,
  { limit, windowMs, what }: RecordLimit,
  about: string,
  maxWaitMs: number
): { waitMs: number; times: number[] } {
  const recent = times.filter((at) => at > now - windowMs)
  const at = recent.length < limit ? now : recent[recent.length - limit] + windowMs
  if (at - now > maxWaitMs) {
    const seconds = Math.ceil((at - now) / 1000)
    throw new ZendeskRetryableError(
      `Zendesk allows ${limit} writes a minute per ${what}, and ${about} has had them; it will be retried. Retry after ${seconds} s.`,
      429,
      seconds
    )
  }
  return { waitMs: at - now, times: [...recent, at] }
}

/** The retryable error of a single-user write whose turn is further off than the longest wait. */
export function userWriteTurnTooFar(about: string, waitMs: number): ZendeskRetryableError {
  const seconds = Math.ceil(waitMs / 1000)
  return new ZendeskRetryableError(
    `Zendesk allows one single-user write a second per account, and ${about} would wait ${seconds} s for its turn; it will be retried. Retry after ${seconds} s.`,
    429,
    seconds
  )
}

/**
 * Spreads one kind of request under a per-account rate, so an account's documented endpoint limit is met by
 * waiting a moment rather than answered with a burst of 429s. Writes take their turns in order, each at least the
 * interval after the previous one was actually sent (a timer that fires late delays the ones behind it, never
 * brings them closer). A write that would wait too long is retryable at once, with the time after which its turn
 * comes.
 */
export class Pacer implements AccountWritePacing {
  private readonly accounts = new Map<string, AccountWrites>()

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_WAIT_MS
  ) {}

  /** Resolves when the caller may send its write; it is counted as sent then. */
  async slot(account: string, about: string): Promise<void> {
    if (this.intervalMs <= 0) return
    const writes = this.writesOf(account)
    const wait = this.expectedWait(writes)
    if (wait > this.maxWaitMs) throw userWriteTurnTooFar(about, wait)
    const previous = writes.lineEnd
    let sent!: () => void
    writes.lineEnd = new Promise((resolve) => (sent = resolve))
    writes.waiting += 1
    try {
      await previous
      await this.untilIntervalAfter(writes)
      writes.lastSentAt = this.clock()
    } finally {
      writes.waiting -= 1
      sent()
    }
  }

  private writesOf(account: string): AccountWrites {
    let writes = this.accounts.get(account)
    if (!writes) {
      writes = { waiting: 0, lineEnd: Promise.resolve() }
      this.accounts.set(account, writes)
    }
    return writes
  }

  /** The writes waiting go one interval apart from the last one sent; a new write goes after them. */
  private expectedWait(writes: AccountWrites): number {
    const now = this.clock()
    const firstTurn = writes.lastSentAt === undefined ? now : Math.max(now, writes.lastSentAt + this.intervalMs)
    return firstTurn + writes.waiting * this.intervalMs - now
  }

  /** Sleeps until the interval since the last write sent has passed, reading the clock again on every wake. */
  private async untilIntervalAfter(writes: AccountWrites): Promise<void> {
    for (;;) {
      const wait = writes.lastSentAt === undefined ? 0 : writes.lastSentAt + this.intervalMs - this.clock()
      if (wait <= 0) return
      await sleep(this.timers, wait)
    }
  }
}

/** Zendesk's limit on updates of one user (`create_or_update`, `PUT users/{id}`) or one organization: 5 a minute. */
export const WRITES_PER_RECORD = { limit: 5, windowMs: 60_000 }

/** Zendesk's per-record limit on writes of one kind of record, at `limit` a minute (0 counts none). */
export const perRecordLimit = (limit: number, what: string): RecordLimit => ({
  limit,
  windowMs: WRITES_PER_RECORD.windowMs,
  what
})

/** Records whose writes are remembered before the ones with no write in the window are forgotten. */
const RECORDS_BEFORE_PRUNING = 10_000

/** Keeps the writes of one record (a user, an organization) under Zendesk's per-record limit, in this process. */
export class RecordWriteLimit implements RecordWriteTurns {
  /** The start times of the writes in the window, by record. */
  private readonly writes = new Map<string, number[]>()
  private prunedAt = 0

  constructor(
    private readonly rule: RecordLimit,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_WAIT_MS
  ) {}

  async turn(record: string, about: string): Promise<void> {
    if (this.rule.limit <= 0) return
    const now = this.clock()
    // At most once a window, so a busy account does not walk every record on every write.
    if (this.writes.size > RECORDS_BEFORE_PRUNING && now - this.prunedAt > this.rule.windowMs) this.prune(now)
    const { waitMs, times } = nextRecordWrite(this.writes.get(record) ?? [], now, this.rule, about, this.maxWaitMs)
    this.writes.set(record, times)
    if (waitMs > 0) await sleep(this.timers, waitMs)
  }

  private prune(now: number): void {
    this.prunedAt = now
    for (const [record, times] of this.writes) {
      if (times.every((at) => at <= now - this.rule.windowMs)) this.writes.delete(record)
    }
  }
}

/** Zendesk's limit on permanent user deletions (`DELETE deleted_users/{id}`): 700 every 10 minutes per account. */
export const PERMANENT_USER_DELETIONS = { limit: 700, windowMs: 10 * 60_000 }

/**
 * Keeps one kind of request of each account under Zendesk's limit of `limit` in any `windowMs`. One more is
 * retryable at once, with the time until the oldest leaves the window, and costs Zendesk nothing: a wait of
 * minutes is not worth holding a request for.
 */
export class AccountWindowLimit {
  /** The times of the requests in the window, by account. */
  private readonly sent = new Map<string, number[]>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** what is limited, e.g. `permanent user deletions` */
    private readonly what: string,
    private readonly now: () => number
  ) {}

  /** Counts one request of the account, or throws the retryable error that says when the next one may go. */
  take(account: string, about: string): void {
    const now = this.now()
    const recent = (this.sent.get(account) ?? []).filter((at) => at > now - this.windowMs)
    if (recent.length >= this.limit) {
      this.sent.set(account, recent)
      const seconds = Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000))
      const minutes = this.windowMs / 60_000
      throw new ZendeskRetryableError(
        `Zendesk allows ${this.limit} ${this.what} every ${minutes} minutes per account, and this account has had them; ${about} will be retried. Retry after ${seconds} s.`,
        429,
        seconds
      )
    }
    this.sent.set(account, [...recent, now])
  }
}

/** The endpoint limits on writes of single records, kept for one destination instance. */
export interface WriteLimits {
  /** `users/create_or_update` and `PUT users/{id}`: one a second per account. */
  userWritesPerAccount: AccountWritePacing
  /** The same writes, per user. */
  writesPerUser: RecordWriteTurns
  /** `organizations/create_or_update` (an update of an existing organization counts), per organization. */
  writesPerOrganization: RecordWriteTurns
  /** `DELETE deleted_users/{id}`, per account, counted on the clock given (milliseconds since the epoch). */
  permanentUserDeletions: AccountWindowLimit
}
