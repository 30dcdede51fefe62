import { IntegrationError } from '@segment/actions-core'
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg'
import { ZendeskRetryableError } from '../errors'

/** Any number, so the tables are made by one process at a time (CREATE TABLE IF NOT EXISTS races otherwise). */
const SCHEMA_LOCK = 7_202_622

const SCHEMA = `
CREATE TABLE IF NOT EXISTS zendesk_request_budgets (
  account text PRIMARY KEY,
  request_limit integer,
  spacing_ms double precision NOT NULL,
  tolerance_ms double precision NOT NULL,
  due timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS zendesk_job_slots (
  account text NOT NULL,
  slot integer NOT NULL,
  holder text,
  job_id text,
  until timestamptz,
  job_status jsonb,
  status_at timestamptz,
  PRIMARY KEY (account, slot)
);
CREATE TABLE IF NOT EXISTS zendesk_write_turns (
  key text PRIMARY KEY,
  next_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS zendesk_record_writes (
  key text PRIMARY KEY,
  times timestamptz[] NOT NULL
);
CREATE TABLE IF NOT EXISTS zendesk_soft_deleted_users (
  account text NOT NULL,
  external_id text NOT NULL,
  user_id bigint NOT NULL,
  soft_deleted_at timestamptz NOT NULL,
  PRIMARY KEY (account, external_id, user_id)
);
`

export type Query = <R extends QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>

/**
 * The PostgreSQL database the processes share Zendesk's limits on: a pool of connections made on first use (they
 * close when idle, and never keep the process alive), and the tables made once. Every failure to reach it is
 * retryable, and says nothing of the database's address or credentials.
 */
export class Database {
  private ready?: Promise<Pool>

  constructor(private readonly url: string) {}

  readonly query: Query = async (text, values) => {
    const pool = await this.pool()
    try {
      return (await pool.query(text, values)).rows
    } catch (error) {
      throw unreachable(error)
    }
  }

  /** `work` in one transaction, on one connection. */
  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const pool = await this.pool()
    try {
      return await inTransaction(pool, (client) =>
        work(async (text, values) => (await client.query(text, values)).rows)
      )
    } catch (error) {
      throw error instanceof ZendeskRetryableError ? error : unreachable(error)
    }
  }

  /** A connection of the caller's own (to LISTEN on): it must `release` it. */
  async connect(): Promise<PoolClient> {
    const pool = await this.pool()
    try {
      return await pool.connect()
    } catch (error) {
      throw unreachable(error)
    }
  }

  private pool(): Promise<Pool> {
    this.ready ??= this.open().catch((error) => {
      this.ready = undefined
      throw error
    })
    return this.ready
  }

  private async open(): Promise<Pool> {
    const { Pool } = await loadPg()
    const pool = resilientPool(Pool, { connectionString: this.url })
    const client = await pool.connect().catch((error) => {
      throw unreachable(error)
    })
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK])
      await client.query(SCHEMA)
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw unreachable(error)
    } finally {
      client.release()
    }
    return pool
  }
}

/**
 * A pool of connections that close when idle, never keep the process alive, and never crash it when the server
 * goes away (it restarted, or was stopped): a connection lost while idle is dropped, and another opened when needed;
 * one lost while in use fails its queries, which is how its user hears of it.
 */
export function resilientPool(PoolOfPg: typeof Pool, config: PoolConfig): Pool {
  const pool = new PoolOfPg({ idleTimeoutMillis: 5000, allowExitOnIdle: true, ...config })
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  return pool
}

/** `work` in one transaction on one of the pool's connections: committed once it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

async function loadPg(): Promise<typeof import('pg')> {
  try {
    return await import('pg')
  } catch {
    throw new IntegrationError(
      'coordination.postgres needs the pg package: install it beside this destination (npm install pg)',
      'MISSING_PG',
      500
    )
  }
}

/** A failure of the database (or of reaching it), by its code alone: its message may name the server. */
function unreachable(error: unknown): ZendeskRetryableError {
  const code = (error as { code?: unknown } | undefined)?.code
  const shown = typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? ` (${code})` : ''
  return new ZendeskRetryableError(
    `The PostgreSQL database this destination shares Zendesk's limits on failed${shown}; the request will be retried`,
    503
  )
}
