import {
  MAX_WAIT_MS,
  nextRecordWrite,
  userWriteTurnTooFar,
  type AccountWritePacing,
  type RecordLimit,
  type RecordWriteTurns
} from '../pacing'
import { sleep, type Clock, type Timers } from '../time'
import type { Database } from './database'

const MS = "* interval '1 millisecond'"

/**
 * A turn `$2` ms after the account's last one, unless that is further off than the longest wait ($3): one
 * statement on the account's row, on the database's clock. Nothing comes back for a turn too far off.
 */
const BOOK_TURN = `
INSERT INTO zendesk_write_turns AS turns (key, next_at) VALUES ($1, now() + $2 ${MS})
ON CONFLICT (key) DO UPDATE SET next_at = greatest(turns.next_at, now()) + $2 ${MS}
WHERE turns.next_at - now() <= $3 ${MS}
RETURNING greatest(0, extract(epoch FROM next_at - $2 ${MS} - now()) * 1000)::float8 AS wait_ms`

/** Single-user writes one `intervalMs` apart per account, across the processes using the database. */
export class PostgresWritePacing implements AccountWritePacing {
  constructor(
    private readonly db: Database,
    private readonly intervalMs: number,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_WAIT_MS
  ) {}

  async slot(account: string, about: string): Promise<void> {
    if (this.intervalMs <= 0) return
    const key = `single-user writes ${account}`
    const [turn] = await this.db.query<{ wait_ms: number }>(BOOK_TURN, [key, this.intervalMs, this.maxWaitMs])
    if (!turn) {
      const [row] = await this.db.query<{ wait_ms: number }>(
        'SELECT extract(epoch FROM next_at - now()) * 1000 AS wait_ms FROM zendesk_write_turns WHERE key = $1',
        [key]
      )
      throw userWriteTurnTooFar(about, Number(row.wait_ms))
    }
    if (turn.wait_ms > 0) await sleep(this.timers, turn.wait_ms)
  }
}

/**
 * At most `limit` writes of one record (a user, an organization) in any `windowMs`, across the processes using
 * the database: the record's row holds the times of its writes in the window, read and written under its row lock.
 */
export class PostgresRecordWrites implements RecordWriteTurns {
  /** When this process last cleared the rows of records with no write in the window. */
  private clearedAt = 0

  constructor(
    private readonly db: Database,
    private readonly rule: RecordLimit,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly maxWaitMs = MAX_WAIT_MS
  ) {}

  async turn(record: string, about: string): Promise<void> {
    if (this.rule.limit <= 0) return
    const key = `${this.rule.what} ${record}`
    const wait = await this.db.transaction(async (query) => {
      await query('INSERT INTO zendesk_record_writes (key, times) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
        key,
        []
      ])
      const [row] = await query<{ times: Date[]; now: Date }>(
        'SELECT times, now() AS now FROM zendesk_record_writes WHERE key = $1 FOR UPDATE',
        [key]
      )
      const times = row.times.map((time) => time.getTime())
      const next = nextRecordWrite(times, row.now.getTime(), this.rule, about, this.maxWaitMs)
      const written = next.times.map((time) => new Date(time))
      await query('UPDATE zendesk_record_writes SET times = $2 WHERE key = $1', [key, written])
      return next.waitMs
    })
    await this.clearOldRows()
    if (wait > 0) await sleep(this.timers, wait)
  }

  /** At most once a window: the rows of records with no write left in the window go. */
  private async clearOldRows(): Promise<void> {
    const now = this.clock()
    if (now - this.clearedAt < this.rule.windowMs) return
    this.clearedAt = now
    await this.db
      .query(`DELETE FROM zendesk_record_writes WHERE times[cardinality(times)] < now() - $1 ${MS}`, [
        this.rule.windowMs
      ])
      .catch(() => undefined)
  }
}
