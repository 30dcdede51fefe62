import type { RateLimitReport } from '../rate-limit-report'
import {
  ASSUMED_REQUEST_LIMIT,
  budgetSpent,
  holdBackMs,
  LimitProbes,
  MAX_BUDGET_WAIT_MS,
  spacingFor,
  untilTurn,
  type RequestBudget
} from '../request-budget'
import type { Clock, Timers } from '../time'
import type { Database } from './database'

const MS = "* interval '1 millisecond'"

/**
 * One request's turn (request-budget.ts's `book`) in one statement on the account's row, on the database's clock:
 * the next request is due a spacing later, and the wait returned is until `tolerance` before this one was due.
 * No row comes back when the wait would be longer than the longest ($2).
 */
const SPEND = `
UPDATE zendesk_request_budgets SET due = greatest(due, now()) + spacing_ms ${MS}
WHERE account = $1 AND due - tolerance_ms ${MS} <= now() + $2 ${MS}
RETURNING greatest(0, extract(epoch FROM due - (spacing_ms + tolerance_ms) ${MS} - now()) * 1000)::float8 AS wait_ms`

const WAIT = `
SELECT coalesce(request_limit, ${ASSUMED_REQUEST_LIMIT}) AS request_limit, greatest(0, extract(epoch FROM due - tolerance_ms ${MS} - now()) * 1000)::float8 AS wait_ms
FROM zendesk_request_budgets WHERE account = $1`

/**
 * Holds the account's next turns back as an answer asks (request-budget.ts's `holdBackMs`): $2 ms until the window
 * resets, $3 requests left in it that this process has not sent yet.
 */
const HOLD_BACK = `
UPDATE zendesk_request_budgets SET due = greatest(due, now() + ($2::float8 - $3::float8 * spacing_ms + tolerance_ms) ${MS})
WHERE account = $1`

/**
 * The request budgets of the accounts sent to, shared by every process using the database: one row per account
 * holds its limit (as Zendesk's answers report it) and when its next request is due. Spending one is one atomic
 * update of that row: processes wait for their turns side by side, none holds a lock while it waits or sends.
 */
export class PostgresRequestBudget implements RequestBudget {
  /** The accounts whose row this process has made or found. */
  private readonly rows = new Set<string>()
  /** Each account's limit as this process last wrote or read it (once an answer came): the row is written when it changes. */
  private readonly limits = new Map<string, number>()
  /** Requests this process spent and has not had answered, by account. */
  private readonly outstanding = new Map<string, number>()
  private readonly probes = new LimitProbes()

  constructor(
    private readonly db: Database,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_BUDGET_WAIT_MS
  ) {}

  async spend(account: string, about: string): Promise<void> {
    await this.findRow(account)
    await this.probes.turn(account, () => this.limits.has(account))
    const { lateMs } = spacingFor(this.limits.get(account) ?? ASSUMED_REQUEST_LIMIT, this.windowMs)
    await untilTurn(() => this.turn(account, about), lateMs, this.clock, this.timers)
    this.outstanding.set(account, (this.outstanding.get(account) ?? 0) + 1)
  }

  /** Books the request's turn; how long until it comes. */
  private async turn(account: string, about: string): Promise<number> {
    try {
      const [turn] = await this.db.query<{ wait_ms: number }>(SPEND, [account, this.maxWaitMs])
      if (turn) return turn.wait_ms
      const [row] = await this.db.query<{ request_limit: number; wait_ms: number }>(WAIT, [account])
      throw budgetSpent(row.request_limit, about, row.wait_ms)
    } catch (error) {
      this.probes.end(account)
      throw error
    }
  }

  async answered(account: string, report: RateLimitReport, retryAfterSeconds?: number): Promise<void> {
    const outstanding = Math.max(0, (this.outstanding.get(account) ?? 0) - 1)
    this.outstanding.set(account, outstanding)
    try {
      await this.findRow(account)
      // An answer that reports no limit leaves the assumed one, now known: the account's requests stop going one at a time.
      const limit = report.limit ?? this.limits.get(account) ?? ASSUMED_REQUEST_LIMIT
      if (limit !== this.limits.get(account)) {
        const { spacingMs, toleranceMs } = spacingFor(limit, this.windowMs)
        await this.db.query(
          'UPDATE zendesk_request_budgets SET request_limit = $2, spacing_ms = $3, tolerance_ms = $4 WHERE account = $1',
          [account, limit, spacingMs, toleranceMs]
        )
        this.limits.set(account, limit)
      }
      // Whether the answer holds the budget back is judged here, on the limit known here (the row is written only
      // then); by how much, on the row.
      if (
        holdBackMs(report, retryAfterSeconds, outstanding, spacingFor(limit, this.windowMs).spacingMs) !== undefined
      ) {
        const resetMs = (report.resetSeconds ?? retryAfterSeconds ?? 0) * 1000
        await this.db.query(HOLD_BACK, [account, resetMs, (report.remaining ?? 0) - outstanding])
      }
    } catch {
      // What an answer reports is said again by the next one: a failure to note it here is not the request's.
    } finally {
      this.probes.end(account)
    }
  }

  /** The account's row, made (with the assumed limit's spacing) unless another process made it; its limit, if known. */
  private async findRow(account: string): Promise<void> {
    if (this.rows.has(account)) return
    const { spacingMs, toleranceMs } = spacingFor(ASSUMED_REQUEST_LIMIT, this.windowMs)
    await this.db.query(
      `INSERT INTO zendesk_request_budgets (account, spacing_ms, tolerance_ms, due)
       VALUES ($1, $2, $3, now()) ON CONFLICT (account) DO NOTHING`,
      [account, spacingMs, toleranceMs]
    )
    const [row] = await this.db.query<{ request_limit: number | null }>(
      'SELECT request_limit FROM zendesk_request_budgets WHERE account = $1',
      [account]
    )
    if (row.request_limit !== null && !this.limits.has(account)) this.limits.set(account, row.request_limit)
    this.rows.add(account)
  }
}
