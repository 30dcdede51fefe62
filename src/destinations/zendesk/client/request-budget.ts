import { ZendeskRetryableError } from './errors'
import type { RateLimitReport } from './rate-limit-report'
import { sleep, type Clock, type Timers } from './time'

/** Zendesk counts an account's requests a minute. */
export const REQUEST_WINDOW_MS = 60_000
/**
 * The account's limit until one of its answers reports it: Team's 200 a minute, the smallest of the plans but
 * Essential's 10 (an Essential account's first answers bring the budget down to its own).
 */
export const ASSUMED_REQUEST_LIMIT = 200
/** Longer than this, a request is not worth holding its event for: it is retried later instead. */
export const MAX_BUDGET_WAIT_MS = 20_000
/** The share of the limit that may go at once after a quiet while; the rest is spread evenly over the window. */
const BURST_SHARE = 0.05
/**
 * The share of the limit kept unplanned, for requests that go later than their turn (a busy process wakes late):
 * a late one may land in Zendesk's next window, and takes a share of it.
 */
const HEADROOM_SHARE = 0.05

/**
 * How one account's requests are spread: one every `spacingMs`, and up to `toleranceMs` ahead of that pace after
 * a quiet while. Sent that way, no stretch of one window holds more than the limit less its headroom, wherever
 * Zendesk's windows start. A request that would go more than `lateMs` after its turn takes another turn instead.
 */
export interface Spacing {
  spacingMs: number
  toleranceMs: number
  lateMs: number
}

export function spacingFor(limit: number, windowMs: number): Spacing {
  const burst = Math.max(1, Math.floor(limit * BURST_SHARE))
  const headroom = Math.max(1, Math.floor(limit * HEADROOM_SHARE))
  // Whole microseconds (PostgreSQL's unit), rounded up: never closer than the limit allows.
  const spacingUs = Math.ceil((windowMs * 1000) / Math.max(1, limit - burst - headroom))
  return {
    spacingMs: spacingUs / 1000,
    toleranceMs: ((burst - 1) * spacingUs) / 1000,
    lateMs: (headroom * spacingUs) / 1000
  }
}

/**
 * One request's turn under the generic cell rate algorithm: `due` is when the account's next request is due at
 * the steady pace (the "theoretical arrival time"). A request goes at `sendAt`, the later of now and `toleranceMs`
 * before it is due, and moves the next one's due time a spacing on. Any stretch of `windowMs` then holds at most
 * floor((windowMs + toleranceMs) / spacingMs) + 1 = limit - headroom requests.
 */
export function book(due: number, now: number, { spacingMs, toleranceMs }: Spacing): { sendAt: number; due: number } {
  // Counted in whole microseconds, so that a minute of spacings adds up exactly.
  const [dueUs, nowUs, spacingUs, toleranceUs] = [due, now, spacingMs, toleranceMs].map((ms) => Math.round(ms * 1000))
  return { sendAt: Math.max(nowUs, dueUs - toleranceUs) / 1000, due: (Math.max(dueUs, nowUs) + spacingUs) / 1000 }
}

/**
 * How long before an answer's window resets new turns must stop coming: before it resets (in `resetSeconds`, else a
 * 429's Retry-After), no more requests may go than the answer says are left in it, less the `outstanding` ones sent
 * and not yet answered (Zendesk has not counted them yet). The account's next turn is then due no sooner than this
 * long before the reset; turns already given go as booked. Undefined when that holds nothing back: a 429 that leaves
 * requests in the window is an endpoint's limit, not the account's.
 */
export function holdBackMs(
  report: RateLimitReport,
  retryAfterSeconds: number | undefined,
  outstanding: number,
  spacingMs: number
): number | undefined {
  const resetSeconds = report.resetSeconds ?? retryAfterSeconds
  if (report.remaining === undefined || resetSeconds === undefined) return undefined
  const holdBack = resetSeconds * 1000 - (report.remaining - outstanding) * spacingMs
  return holdBack > 0 ? holdBack : undefined
}

/**
 * An account's request budget: its requests a minute, spent before each request is sent. The limit is the one
 * Zendesk's answers report; one that says fewer are left in the window than the pace would send holds requests
 * back until it resets.
 */
export interface RequestBudget {
  /**
   * Resolves when the account's budget has a request for the caller, spent once it resolves. A wait longer than
   * the longest is retryable at once, with that wait, and spends nothing.
   */
  spend(account: string, about: string): Promise<void>
  /**
   * A request spent is over: what its answer said of the account's limit (nothing, when no answer came);
   * `retryAfterSeconds` is a 429's.
   */
  answered(account: string, report: RateLimitReport, retryAfterSeconds?: number): Promise<void>
}

/** The retryable error of a request the budget does not let go within the longest wait. */
export function budgetSpent(limit: number, about: string, waitMs: number): ZendeskRetryableError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return new ZendeskRetryableError(
    `This Zendesk account allows ${limit} requests a minute, and they are spent for the next ${seconds} s: ${about} will be retried. Retry after ${seconds} s.`,
    429,
    seconds
  )
}

/**
 * Waits for a request's turn: `bookTurn` books one and answers how long until it comes. Woken more than `lateMs`
 * after it (a busy process wakes late), the turn is past — sent now, the request could crowd Zendesk's next window —
 * and another is booked.
 */
export async function untilTurn(
  bookTurn: () => number | Promise<number>,
  lateMs: number,
  clock: Clock,
  timers: Timers
): Promise<void> {
  for (;;) {
    const waitMs = await bookTurn()
    const bookedAt = clock()
    if (waitMs > 0) await sleep(timers, waitMs)
    if (clock() - bookedAt - waitMs <= lateMs) return
  }
}

/** A budget that counts nothing: for a simulator that enforces no account limit. */
export const UNCOUNTED_REQUESTS: RequestBudget = {
  spend: async () => undefined,
  answered: async () => undefined
}

/**
 * Until an account's limit is known here, its requests go one at a time: the first one's answer reports the limit
 * (or, reporting none, leaves the assumed one), where a burst at an assumed limit above the account's would be
 * refused.
 */
export class LimitProbes {
  private readonly probes = new Map<string, { answered: Promise<void>; end(): void }>()

  /** Resolves when the caller may spend: once the limit is `known`, or as the account's one request under way. */
  async turn(account: string, known: () => boolean): Promise<void> {
    while (!known()) {
      const probe = this.probes.get(account)
      if (!probe) {
        let end!: () => void
        const answered = new Promise<void>((resolve) => (end = resolve))
        this.probes.set(account, { answered, end })
        return
      }
      await probe.answered
    }
  }

  /** The account's request under way is answered, or was never sent: the next one may go. */
  end(account: string): void {
    this.probes.get(account)?.end()
    this.probes.delete(account)
  }
}

interface AccountBudget {
  limit: number
  /** Whether an answer has come: `limit` is then the reported one, unless the answers report none. */
  known: boolean
  spacing: Spacing
  due: number
  /** Requests spent and not yet answered. */
  outstanding: number
}

/** The request budgets of the accounts this process sends to, when no other process sends to them. */
export class MemoryRequestBudget implements RequestBudget {
  private readonly accounts = new Map<string, AccountBudget>()
  private readonly probes = new LimitProbes()

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_BUDGET_WAIT_MS
  ) {}

  async spend(account: string, about: string): Promise<void> {
    const budget = this.budgetOf(account)
    await this.probes.turn(account, () => budget.known)
    const bookTurn = () => {
      const now = this.clock()
      const turn = book(budget.due, now, budget.spacing)
      const waitMs = turn.sendAt - now
      if (waitMs > this.maxWaitMs) {
        this.probes.end(account)
        throw budgetSpent(budget.limit, about, waitMs)
      }
      budget.due = turn.due
      return waitMs
    }
    await untilTurn(bookTurn, budget.spacing.lateMs, this.clock, this.timers)
    budget.outstanding += 1
  }

  async answered(account: string, report: RateLimitReport, retryAfterSeconds?: number): Promise<void> {
    const budget = this.budgetOf(account)
    budget.outstanding = Math.max(0, budget.outstanding - 1)
    if (report.limit !== undefined && report.limit !== budget.limit) {
      budget.limit = report.limit
      budget.spacing = spacingFor(report.limit, this.windowMs)
    }
    budget.known = true
    this.probes.end(account)
    const holdBack = holdBackMs(report, retryAfterSeconds, budget.outstanding, budget.spacing.spacingMs)
    if (holdBack !== undefined) {
      budget.due = Math.max(budget.due, this.clock() + holdBack + budget.spacing.toleranceMs)
    }
  }

  private budgetOf(account: string): AccountBudget {
    let budget = this.accounts.get(account)
    if (!budget) {
      const limit = ASSUMED_REQUEST_LIMIT
      budget = { limit, known: false, spacing: spacingFor(limit, this.windowMs), due: 0, outstanding: 0 }
      this.accounts.set(account, budget)
    }
    return budget
  }
}
