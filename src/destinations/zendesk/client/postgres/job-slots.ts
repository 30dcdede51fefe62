import { randomUUID } from 'crypto'
import type { PoolClient } from 'pg'
import { noFreeSlot, type EndedJobs, type JobSlot, type JobSlots, type JobSlotTimings } from '../job-slots'
import type { Clock, Timers } from '../time'
import type { Database } from './database'

const MS = "* interval '1 millisecond'"
/** The channel a freed slot is announced on, with its account as the payload. */
const CHANNEL = 'zendesk_job_slots'

const MAKE_ROWS = `
INSERT INTO zendesk_job_slots (account, slot) SELECT $1, generate_series(1, $2::int) ON CONFLICT DO NOTHING`

/**
 * A free slot, taken by this holder ($2) for its lease ($3 ms). A slot whose holder went silent without saying which
 * job it started (it may have died between Zendesk's answer and noting the job) is free once a job it started has
 * had $4 ms beyond the lease to end.
 */
const TAKE = `
UPDATE zendesk_job_slots AS slots
SET holder = $2, job_id = NULL, until = now() + $3::float8 ${MS}, job_status = NULL, status_at = NULL
FROM (
  SELECT slot FROM zendesk_job_slots
  WHERE account = $1 AND job_id IS NULL AND (holder IS NULL OR until < now() - $4::float8 ${MS})
  ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED
) AS free
WHERE slots.account = $1 AND slots.slot = free.slot
RETURNING slots.slot`

/**
 * The slots whose jobs are due to be asked about: left to their jobs, or held by a holder silent past its lease.
 * The caller asks Zendesk; the other processes skip them until `$2` ms from now.
 */
const CLAIM_CHECKS = `
UPDATE zendesk_job_slots AS slots SET holder = NULL, until = now() + $2::float8 ${MS}
FROM (
  SELECT slot FROM zendesk_job_slots
  WHERE account = $1 AND job_id IS NOT NULL AND until < now()
  FOR UPDATE SKIP LOCKED
) AS due
WHERE slots.account = $1 AND slots.slot = due.slot
RETURNING slots.job_id`

/** The slots of jobs found ended are free, unless a holder took them meanwhile. */
const FREE_ENDED = `
WITH freed AS (
  UPDATE zendesk_job_slots SET job_id = NULL, until = NULL, job_status = NULL, status_at = NULL
  WHERE account = $1 AND holder IS NULL AND job_id = ANY($2::text[])
  RETURNING slot
)
SELECT pg_notify('${CHANNEL}', $1) FROM freed LIMIT 1`

const SUBMITTED = 'UPDATE zendesk_job_slots SET job_id = $4 WHERE account = $1 AND slot = $2 AND holder = $3'

const RELEASE = `
WITH freed AS (
  UPDATE zendesk_job_slots SET holder = NULL, job_id = NULL, until = NULL, job_status = NULL, status_at = NULL
  WHERE account = $1 AND slot = $2 AND holder = $3
  RETURNING slot
)
SELECT pg_notify('${CHANNEL}', $1) FROM freed`

/** Left to its job, to be asked about `$4` ms from now; a slot that started no job is free. */
const LEAVE = `
WITH left_to_job AS (
  UPDATE zendesk_job_slots
  SET holder = NULL, until = CASE WHEN job_id IS NULL THEN NULL ELSE now() + $4::float8 ${MS} END
  WHERE account = $1 AND slot = $2 AND holder = $3
  RETURNING job_id
)
SELECT pg_notify('${CHANNEL}', $1) FROM left_to_job WHERE job_id IS NULL`

const HEARTBEAT = `UPDATE zendesk_job_slots SET until = now() + $2::float8 ${MS} WHERE holder = $1`

/**
 * The job slots of the accounts sent to, shared by every process using the database: a row per slot says who
 * holds it (a process, under a lease it renews while it lives) and for which job. A request takes a free row with
 * `FOR UPDATE SKIP LOCKED`; a slot stays its job's until Zendesk says the job has ended — when the process that
 * submitted it stopped following it, or went silent (died) — and is freed by whoever next needs a slot and asks.
 * A freed slot is announced (NOTIFY) to the processes waiting for one. In this process, an account's waiters look
 * for a slot one after another, in order.
 */
export class PostgresJobSlots implements JobSlots {
  /** This process's name on the rows it holds. */
  private readonly holder = randomUUID()
  private readonly accountsWithRows = new Set<string>()
  /** Per account, the end of the line of this process's waiters. */
  private readonly lines = new Map<string, Promise<void>>()
  private held = 0
  private waiting = 0
  private cancelHeartbeat?: () => void
  private readonly freed: FreedSlots

  constructor(
    private readonly db: Database,
    readonly limit: number,
    private readonly timings: JobSlotTimings,
    /** How long a slot stays this process's without a heartbeat from it. */
    private readonly leaseMs: number,
    /** How long past its lease the slot of a silent holder that noted no job stays held (TAKE). */
    private readonly unnotedJobMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers
  ) {
    this.freed = new FreedSlots(db, timers)
  }

  async take(account: string, about: string, ended: EndedJobs): Promise<JobSlot> {
    const deadline = this.clock() + this.timings.maxWaitMs
    this.waiting += 1
    try {
      return await this.inLine(account, () => this.firstFree(account, about, ended, deadline))
    } finally {
      this.waiting -= 1
      this.whenIdle()
    }
  }

  private async inLine<T>(account: string, work: () => Promise<T>): Promise<T> {
    const mine = (this.lines.get(account) ?? Promise.resolve()).then(work)
    const settled = mine.then(
      () => undefined,
      () => undefined
    )
    this.lines.set(account, settled)
    try {
      return await mine
    } finally {
      if (this.lines.get(account) === settled) this.lines.delete(account)
    }
  }

  private async firstFree(account: string, about: string, ended: EndedJobs, deadline: number): Promise<JobSlot> {
    await this.makeRows(account)
    for (;;) {
      let slot = await this.takeFree(account)
      if (slot === undefined && (await this.freeEnded(account, ended))) slot = await this.takeFree(account)
      if (slot !== undefined) return this.slot(account, slot)
      const left = deadline - this.clock()
      if (left <= 0) throw noFreeSlot(this.limit, about, this.timings.recheckMs)
      await this.freed.wait(account, Math.min(left, this.timings.recheckMs))
    }
  }

  private async makeRows(account: string): Promise<void> {
    if (this.accountsWithRows.has(account)) return
    await this.db.query(MAKE_ROWS, [account, this.limit])
    this.accountsWithRows.add(account)
  }

  private async takeFree(account: string): Promise<number | undefined> {
    const [row] = await this.db.query<{ slot: number }>(TAKE, [account, this.holder, this.leaseMs, this.unnotedJobMs])
    return row?.slot
  }

  /** Asks Zendesk about the jobs due to be asked about; whether it freed any slot. */
  private async freeEnded(account: string, ended: EndedJobs): Promise<boolean> {
    const due = await this.db.query<{ job_id: string }>(CLAIM_CHECKS, [account, this.timings.recheckMs])
    if (due.length === 0) return false
    let over: string[]
    try {
      over = await ended(due.map((row) => row.job_id))
    } catch {
      // Asked again once they are due again.
      return false
    }
    if (over.length === 0) return false
    await this.db.query(FREE_ENDED, [account, over])
    return true
  }

  private slot(account: string, slot: number): JobSlot {
    this.held += 1
    this.heartbeat()
    let done = false
    const finish = (sql: string, values: unknown[]) => async () => {
      if (done) return
      done = true
      try {
        await this.db.query(sql, values)
      } catch {
        // The lease runs out instead: the slot is then checked against its job.
      } finally {
        this.held -= 1
        this.whenIdle()
      }
    }
    return {
      submitted: async (jobId) => {
        await this.db.query(SUBMITTED, [account, slot, this.holder, jobId]).catch(() => undefined)
      },
      release: finish(RELEASE, [account, slot, this.holder]),
      leave: finish(LEAVE, [account, slot, this.holder, this.timings.recheckMs])
    }
  }

  /** While this process holds slots, it renews their lease three times a lease. */
  private heartbeat(): void {
    if (this.cancelHeartbeat || this.held === 0) return
    this.cancelHeartbeat = this.timers.after(this.leaseMs / 3, () => {
      this.cancelHeartbeat = undefined
      if (this.held === 0) return
      void this.db
        .query(HEARTBEAT, [this.holder, this.leaseMs])
        .catch(() => undefined)
        .then(() => this.heartbeat())
    })
  }

  /** Holding and awaiting nothing, this process keeps no timer and no connection. */
  private whenIdle(): void {
    if (this.held > 0) return
    this.cancelHeartbeat?.()
    this.cancelHeartbeat = undefined
    if (this.waiting === 0) this.freed.stop()
  }
}

/** Wakes this process's waiters when a slot of their account is freed by any process (LISTEN). */
class FreedSlots {
  private listener?: Promise<Listening | undefined>
  private readonly wakers = new Map<string, Set<() => void>>()

  constructor(
    private readonly db: Database,
    private readonly timers: Timers
  ) {}

  /** Resolves once a slot of the account is announced free, or after `ms` (an announcement may be missed). */
  async wait(account: string, ms: number): Promise<void> {
    await this.listen()
    let wakers = this.wakers.get(account)
    if (!wakers) {
      wakers = new Set()
      this.wakers.set(account, wakers)
    }
    const set = wakers
    await new Promise<void>((resolve) => {
      const wake = () => {
        cancel()
        set.delete(wake)
        resolve()
      }
      const cancel = this.timers.after(ms, wake)
      set.add(wake)
    })
  }

  stop(): void {
    const listener = this.listener
    this.listener = undefined
    void listener?.then((client) => client?.unlisten())
  }

  /** A connection listening on the channel, while this process waits or holds slots; none if it cannot connect. */
  private listen(): Promise<Listening | undefined> {
    if (this.listener) return this.listener
    const listener = this.db
      .connect()
      .then((client) =>
        new Listening(
          client,
          (account) => this.wake(account),
          () => this.lost(listener)
        ).start()
      )
      .catch(() => {
        this.lost(listener)
        return undefined
      })
    this.listener = listener
    return listener
  }

  private wake(account: string): void {
    for (const wake of this.wakers.get(account) ?? []) wake()
  }

  /** The connection is lost: the waits end by their timers, and the next wait listens again. */
  private lost(listener: Promise<Listening | undefined>): void {
    if (this.listener === listener) this.listener = undefined
  }
}

/** One connection LISTENing on the channel, given back to the pool once, whether it ends or fails. */
class Listening {
  private released = false

  constructor(
    private readonly client: PoolClient,
    private readonly freed: (account: string) => void,
    private readonly lost: () => void
  ) {}

  private readonly onNotification = ({ payload }: { payload?: string }) => this.freed(payload ?? '')
  private readonly onError = (error: Error) => {
    this.lost()
    this.release(error)
  }

  async start(): Promise<Listening> {
    this.client.on('notification', this.onNotification)
    this.client.on('error', this.onError)
    try {
      await this.client.query(`LISTEN ${CHANNEL}`)
    } catch (error) {
      this.release(error as Error)
      throw error
    }
    return this
  }

  unlisten(): void {
    this.client
      .query(`UNLISTEN ${CHANNEL}`)
      .then(() => this.release())
      .catch((error: Error) => this.release(error))
  }

  private release(error?: Error): void {
    if (this.released) return
    this.released = true
    this.client.removeListener('notification', this.onNotification)
    this.client.removeListener('error', this.onError)
    this.client.release(error)
  }
}
