import type { Pool, PoolClient } from 'pg'
import { inTransaction, resilientPool } from '../destinations/zendesk/client/postgres/database'
import { ADVISORY_LOCKS } from './advisory-locks'
import { KEEP_FINISHED, type DeliveryStore, type NewDelivery } from './deliveries'
import { isRunnable, PENDING_STATES, stateOf, type Delivery, type Runnable } from './delivery-rules'

/**
 * One row per accepted event. While a host works it, `lease_until` is when another may take it over (the host
 * renews it while it works; one that dies leaves it due then); otherwise it is due at `next_try_at`, none once
 * nothing is left to do or while it awaits a connection.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS local_host_deliveries (
  seq bigserial PRIMARY KEY,
  message_id text NOT NULL,
  description text NOT NULL,
  event jsonb,
  rejected text,
  accepted_at timestamptz NOT NULL,
  give_up_at timestamptz NOT NULL,
  attempts integer NOT NULL,
  results jsonb NOT NULL,
  running boolean NOT NULL,
  gave_up boolean NOT NULL,
  next_try_at timestamptz,
  state text NOT NULL,
  lease_until timestamptz
);
CREATE INDEX IF NOT EXISTS local_host_deliveries_due ON local_host_deliveries ((coalesce(lease_until, next_try_at)));
CREATE INDEX IF NOT EXISTS local_host_deliveries_state ON local_host_deliveries (state);
`

/** The columns a delivery is written with, from a JSON record of the same names. */
const RECORD_COLUMNS = `
  seq bigint, message_id text, description text, event jsonb, rejected text, accepted_at timestamptz,
  give_up_at timestamptz, attempts integer, results jsonb, running boolean, gave_up boolean, next_try_at timestamptz,
  state text, lease_until timestamptz`

/** When a delivery may be taken: at the end of its lease while a host works it, else at its next try. */
const DUE_AT = 'coalesce(lease_until, next_try_at)'

/** Due deliveries taken by one host in one claim, so that a batch of retries stays a reasonable size. */
const CLAIM_AT_MOST = 500
const DEFAULT_LOOK_EVERY_MS = 5000

interface Row {
  seq: string
  message_id: string
  description: string
  event: Runnable['event'] | null
  rejected: string | null
  accepted_at: Date
  give_up_at: Date
  attempts: number
  results: Delivery['results']
  running: boolean
  gave_up: boolean
  next_try_at: Date | null
}

/** The database failed: said by its error code alone (its message may name the server). */
export class DeliveryStoreError extends Error {}

export interface PostgresDeliveriesOptions {
  /** how often to look for deliveries other hosts left due (default 5 s) */
  lookEveryMs?: number
  /** where the database is, without credentials, for the start-up lines */
  label: string
}

/**
 * The deliveries in a PostgreSQL table several hosts share: a delivery is written before its event is answered,
 * and a host takes due ones with `FOR UPDATE SKIP LOCKED` (each goes to one host), with a lease it renews while it
 * works them; recording the attempt ends the lease and sets the next try. A host that dies leaves its deliveries due
 * when its lease ends, and another takes them over.
 */
export class PostgresDeliveryStore implements DeliveryStore {
  readonly lookEveryMs: number
  readonly description: string

  private constructor(
    private readonly pool: Pool,
    options: PostgresDeliveriesOptions
  ) {
    this.lookEveryMs = options.lookEveryMs ?? DEFAULT_LOOK_EVERY_MS
    this.description = `in PostgreSQL (${options.label}): kept across crashes and restarts, shared by every host on it`
  }

  /** Connects (the `pg` package is loaded only then) and makes the table if it is not there. */
  static async open(url: string, options: PostgresDeliveriesOptions): Promise<PostgresDeliveryStore> {
    const { Pool } = await import('pg')
    const pool = resilientPool(Pool, { connectionString: url })
    const store = new PostgresDeliveryStore(pool, options)
    try {
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.deliveriesSchema])
        await client.query(SCHEMA)
      })
    } catch (error) {
      await pool.end()
      throw error
    }
    return store
  }

  async add(fresh: NewDelivery[], leaseUntil: number): Promise<Delivery[]> {
    if (fresh.length === 0) return []
    const records = fresh.map((delivery, ord) => ({
      ...recordOf({ id: '', ...delivery }),
      lease_until: delivery.running ? new Date(leaseUntil) : null,
      ord
    }))
    // One statement: every row or none. Sequence numbers follow the rows' order (ORDER BY ord).
    const { rows } = await this.query<{ seq: string }>(
      `INSERT INTO local_host_deliveries (message_id, description, event, rejected, accepted_at, give_up_at, attempts,
         results, running, gave_up, next_try_at, state, lease_until)
       SELECT message_id, description, event, rejected, accepted_at, give_up_at, attempts, results, running, gave_up,
         next_try_at, state, lease_until
       FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS}, ord integer)
       ORDER BY ord
       RETURNING seq`,
      [JSON.stringify(records)]
    )
    const seqs = rows.map((row) => BigInt(row.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const last = seqs[seqs.length - 1]
    if (last / 1000n !== (seqs[0] - 1n) / 1000n) await this.forgetOldFinished(last)
    return fresh.map((delivery, i) => ({ id: `d${seqs[i]}`, ...delivery }))
  }

  async save(deliveries: Delivery[]): Promise<void> {
    await this.query(
      `UPDATE local_host_deliveries d SET give_up_at = r.give_up_at, attempts = r.attempts, results = r.results,
         running = r.running, gave_up = r.gave_up, next_try_at = r.next_try_at, state = r.state, lease_until = NULL
       FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS})
       WHERE d.seq = r.seq`,
      [JSON.stringify(deliveries.map(recordOf))]
    )
  }

  async claimDue(now: number, leaseUntil: number): Promise<Runnable[]> {
    const { rows } = await this.query<Row>(
      `UPDATE local_host_deliveries SET lease_until = $2
       WHERE seq IN (
         SELECT seq FROM local_host_deliveries WHERE ${DUE_AT} <= $1 AND event IS NOT NULL
         ORDER BY ${DUE_AT} LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [new Date(now), new Date(leaseUntil), CLAIM_AT_MOST]
    )
    return rows
      .sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)))
      .map(deliveryOf)
      .filter(isRunnable)
  }

  async renewLeases(ids: string[], leaseUntil: number): Promise<void> {
    // A lease the attempt's record has ended (NULL) stays ended.
    await this.query(
      'UPDATE local_host_deliveries SET lease_until = $2 WHERE seq = ANY($1::bigint[]) AND lease_until IS NOT NULL',
      [ids.map((id) => id.slice(1)), new Date(leaseUntil)]
    )
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await this.query<{ at: Date | null }>(`SELECT min(${DUE_AT}) AS at FROM local_host_deliveries`)
    return rows[0].at?.getTime()
  }

  async get(ids: string[]): Promise<Delivery[]> {
    const seqs = ids.flatMap((id) => (/^d\d+$/.test(id) ? [id.slice(1)] : []))
    const { rows } = await this.query<Row>('SELECT * FROM local_host_deliveries WHERE seq = ANY($1::bigint[])', [seqs])
    const bySeq = new Map(rows.map((row) => [`d${row.seq}`, deliveryOf(row)]))
    return ids.flatMap((id) => bySeq.get(id) ?? [])
  }

  async list(): Promise<Delivery[]> {
    return this.select('TRUE ORDER BY seq DESC LIMIT $1', [KEEP_FINISHED])
  }

  async pending(): Promise<Delivery[]> {
    return this.select('state = ANY($1) ORDER BY seq DESC', [PENDING_STATES])
  }

  async recentRunnable(count: number): Promise<Runnable[]> {
    return (await this.select('event IS NOT NULL ORDER BY seq DESC LIMIT $1', [count])).filter(isRunnable)
  }

  async resumeAwaiting(change: (delivery: Delivery) => Delivery): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT * FROM local_host_deliveries WHERE state = 'awaiting connection' FOR UPDATE`
      )
      if (rows.length === 0) return
      await client.query(
        `UPDATE local_host_deliveries d SET give_up_at = r.give_up_at, next_try_at = r.next_try_at
         FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS})
         WHERE d.seq = r.seq`,
        [JSON.stringify(rows.map((row) => recordOf(change(deliveryOf(row)))))]
      )
    })
  }

  async close(): Promise<void> {
    await this.pool.end()
  }

  /** Finished deliveries older than the newest KEEP_FINISHED go, as they do in memory. */
  private async forgetOldFinished(newest: bigint): Promise<void> {
    await this.query(
      `DELETE FROM local_host_deliveries WHERE seq <= $1 AND ${DUE_AT} IS NULL AND NOT (state = ANY($2))`,
      [String(newest - BigInt(KEEP_FINISHED)), PENDING_STATES]
    )
  }

  private async select(where: string, values: unknown[]): Promise<Delivery[]> {
    return (await this.query<Row>(`SELECT * FROM local_host_deliveries WHERE ${where}`, values)).rows.map(deliveryOf)
  }

  private async query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query(text, values)
    } catch (error) {
      throw failed(error)
    }
  }

  private async transaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    try {
      await inTransaction(this.pool, work)
    } catch (error) {
      throw failed(error)
    }
  }
}

/** A delivery as a record of the table's columns (timestamps as ISO text, for jsonb_to_recordset). */
function recordOf(delivery: Delivery) {
  const at = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
  return {
    seq: delivery.id ? delivery.id.slice(1) : null,
    message_id: delivery.messageId,
    description: delivery.description,
    event: delivery.event ?? null,
    rejected: delivery.rejected ?? null,
    accepted_at: at(delivery.acceptedAt),
    give_up_at: at(delivery.giveUpAt),
    attempts: delivery.attempts,
    results: delivery.results,
    running: delivery.running,
    gave_up: delivery.gaveUp,
    next_try_at: at(delivery.nextTryAt),
    state: stateOf(delivery),
    lease_until: null
  }
}

function deliveryOf(row: Row): Delivery {
  return {
    id: `d${row.seq}`,
    messageId: row.message_id,
    description: row.description,
    ...(row.event !== null ? { event: row.event } : {}),
    ...(row.rejected !== null ? { rejected: row.rejected } : {}),
    acceptedAt: row.accepted_at.getTime(),
    giveUpAt: row.give_up_at.getTime(),
    attempts: row.attempts,
    results: row.results,
    running: row.running,
    gaveUp: row.gave_up,
    ...(row.next_try_at !== null ? { nextTryAt: row.next_try_at.getTime() } : {})
  }
}

function failed(error: unknown): DeliveryStoreError {
  if (error instanceof DeliveryStoreError) return error
  const code = (error as { code?: unknown } | undefined)?.code
  const shown = typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? ` (${code})` : ''
  return new DeliveryStoreError(`The PostgreSQL database the host keeps its deliveries in failed${shown}`)
}
