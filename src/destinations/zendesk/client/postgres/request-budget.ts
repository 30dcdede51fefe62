import type { RateLimitReport } from '../rate-limit-report'
import {
  ASSUMED_REQUEST_LIMIT,
  budgetSpent,
  dueByReport,
  MAX_BUDGET_WAIT_MS,
  spacingFor,
  type RequestBudget
} from '../request-budget'
import { sleep, type Timers } from '../time'
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
SELECT request_limit, greatest(0, extract(epoch FROM due - tolerance_ms ${MS} - now()) * 1000)::float8 AS wait_ms
FROM zendesk_request_budgets WHERE account = $1`

/**
 * Holds the account's next request back as an answer asks (request-budget.ts's `dueByReport`): $2 ms until the
 * window resets, $3 requests left in it that this process has not spent yet.
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
  /** Each account's limit as this process last wrote or read it: the row is written only when it changes. */
  private readonly limits = new Map<string, number>()
  /** Requests this process spent and has not had answered, by account. */
  private readonly outstanding = new Map<string, number>()

  constructor(
    private readonly db: Database,
    private readonly windowMs: number,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_BUDGET_WAIT_MS
  ) {}

  async spend(account: string, about: string): Promise<void> {
    await this.ensureRow(account)
    const [turn] = await this.db.query<{ wait_ms: number }>(SPEND, [account, this.maxWaitMs])
    if (!turn) {
      const [row] = await this.db.query<{ request_limit: number; wait_ms: number }>(WAIT, [account])
      throw budgetSpent(row.request_limit, about, row.wait_ms)
    }
    this.outstanding.set(account, (this.outstanding.get(account) ?? 0) + 1)
    if (turn.wait_ms > 0) await sleep(this.timers, turn.wait_ms)
  }

  async answered(account: string, report: RateLimitReport, retryAfterSeconds?: number): Promise<void> {
    const outstanding = Math.max(0, (this.outstanding.get(account) ?? 0) - 1)
    this.outstanding.set(account, outstanding)
    try {
      await this.ensureRow(account)
      if (report.limit !== undefined && report.limit !== this.limits.get(account)) {
        const { spacingMs, toleranceMs } = spacingFor(report.limit, this.windowMs)
        await this.db.query(
          'UPDATE zendesk_request_budgets SET request_limit = $2, spacing_ms = $3, tolerance_ms = $4 WHERE account = $1',
          [account, report.limit, spacingMs, toleranceMs]
        )
        this.limits.set(account, report.limit)
      }
      // Whether the answer holds the budget back is judged here, on the limit known here (the row is written only
      // then); by how much, on the row.
      const limit = this.limits.get(account) ?? ASSUMED_REQUEST_LIMIT
      if (dueByReport(report, retryAfterSeconds, outstanding, 0, spacingFor(limit, this.windowMs)) !== undefined) {
        const resetMs = (report.resetSeconds ?? retryAfterSeconds ?? 0) * 1000
        await this.db.query(HOLD_BACK, [account, resetMs, (report.remaining ?? 0) - outstanding])
      }
    } catch {
      // What an answer reports is said again by the next one: a failure to note it here is not the request's.
    }
  }

  /** The account's row, made with the assumed limit unless another process made it. */
  private async ensureRow(account: string): Promise<void> {
    if (this.limits.has(account)) return
    const { spacingMs, toleranceMs } = spacingFor(ASSUMED_REQUEST_LIMIT, this.windowMs)
    await this.db.query(
      `INSERT INTO zendesk_request_budgets (account, request_limit, spacing_ms, tolerance_ms, due)
       VALUES ($1, $2, $3, $4, now()) ON CONFLICT (account) DO NOTHING`,
      [account, ASSUMED_REQUEST_LIMIT, spacingMs, toleranceMs]
    )
    const [row] = await this.db.query<{ request_limit: number }>(
      'SELECT request_limit FROM zendesk_request_budgets WHERE account = $1',
      [account]
    )
    this.limits.set(account, row.request_limit)
  }
}
