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
 * How one account's requests are spread: one every `spacingMs`, and up to `toleranceMs` ahead of that pace after
 * a quiet while. Sent that way, no stretch of one window holds more requests than the limit, wherever Zendesk's
 * windows start.
 */
export interface Spacing {
  spacingMs: number
  toleranceMs: number
}

export function spacingFor(limit: number, windowMs: number): Spacing {
  const burst = Math.max(1, Math.floor(limit * BURST_SHARE))
  const spacingMs = windowMs / Math.max(1, limit - burst)
  return { spacingMs, toleranceMs: (burst - 1) * spacingMs }
}

/**
 * One request's turn under the generic cell rate algorithm: `due` is when the account's next request is due at
 * the steady pace (the "theoretical arrival time"). A request goes at `sendAt`, the later of now and `toleranceMs`
 * before it is due, and moves the next one's due time a spacing on. Any stretch of `windowMs` then holds at most
 * floor((windowMs + toleranceMs) / spacingMs) + 1 = limit requests.
 */
export function book(due: number, now: number, { spacingMs, toleranceMs }: Spacing): { sendAt: number; due: number } {
  return { sendAt: Math.max(now, due - toleranceMs), due: Math.max(due, now) + spacingMs }
}

/**
 * How long the account's window is spent for, by an answer: none is left until it resets (the reset the headers
 * give, else a 429's Retry-After). A 429 that leaves requests in the window is an endpoint's limit, not the account's.
 */
export function spentForMs(report: RateLimitReport, retryAfterSeconds?: number): number | undefined {
  if (report.remaining !== 0) return undefined
  const seconds = report.resetSeconds ?? retryAfterSeconds
  return seconds === undefined ? undefined : seconds * 1000
}

/**
 * An account's request budget: its requests a minute, spent before each request is sent. The limit is the one
 * Zendesk's answers report; one that says the window is spent holds every request until it resets.
 */
export interface RequestBudget {
  /**
   * Resolves when the account's budget has a request for the caller, spent once it resolves. A wait longer than
   * the longest is retryable at once, with that wait, and spends nothing.
   */
  spend(account: string, about: string): Promise<void>
  /** What an answer said of the account's limit; `retryAfterSeconds` is a 429's. */
  observe(account: string, report: RateLimitReport, retryAfterSeconds?: number): Promise<void>
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

/** A budget that counts nothing: for a simulator that enforces no account limit. */
export const UNCOUNTED_REQUESTS: RequestBudget = {
  spend: async () => undefined,
  observe: async () => undefined
}

interface AccountBudget {
  limit: number
  spacing: Spacing
  due: number
}

/** The request budgets of the accounts this process sends to, when no other process sends to them. */
export class MemoryRequestBudget implements RequestBudget {
  private readonly accounts = new Map<string, AccountBudget>()

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_BUDGET_WAIT_MS
  ) {}

  async spend(account: string, about: string): Promise<void> {
    const budget = this.budgetOf(account)
    const now = this.clock()
    const turn = book(budget.due, now, budget.spacing)
    const wait = turn.sendAt - now
    if (wait > this.maxWaitMs) throw budgetSpent(budget.limit, about, wait)
    budget.due = turn.due
    if (wait > 0) await sleep(this.timers, wait)
  }

  async observe(account: string, report: RateLimitReport, retryAfterSeconds?: number): Promise<void> {
    const budget = this.budgetOf(account)
    if (report.limit !== undefined && report.limit !== budget.limit) {
      budget.limit = report.limit
      budget.spacing = spacingFor(report.limit, this.windowMs)
    }
    const spentMs = spentForMs(report, retryAfterSeconds)
    // Nothing goes before the window resets, and then at the steady pace.
    if (spentMs !== undefined) budget.due = Math.max(budget.due, this.clock() + spentMs + budget.spacing.toleranceMs)
  }

  private budgetOf(account: string): AccountBudget {
    let budget = this.accounts.get(account)
    if (!budget) {
      budget = { limit: ASSUMED_REQUEST_LIMIT, spacing: spacingFor(ASSUMED_REQUEST_LIMIT, this.windowMs), due: 0 }
      this.accounts.set(account, budget)
    }
    return budget
  }
}
