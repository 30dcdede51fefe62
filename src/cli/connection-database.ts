import { Pool, type PoolClient } from 'pg'
import { resilientPool } from '../destinations/zendesk/client/postgres/database'
import { ADVISORY_LOCKS } from './advisory-locks'
import { storedConnectionSchema, type ConnectionFile, type StoredConnection } from './connection-file'
import type { ConnectionStore, ConnectionTurn } from './connection-store'

const TABLE = 'zendesk_host_connections'

const SCHEMA = `CREATE TABLE IF NOT EXISTS ${TABLE} (account text PRIMARY KEY, connection jsonb NOT NULL)`
const SELECT = `SELECT connection FROM ${TABLE} WHERE account = $1`
const UPSERT = `INSERT INTO ${TABLE} (account, connection) VALUES ($1, $2)
  ON CONFLICT (account) DO UPDATE SET connection = EXCLUDED.connection`

/** The database failed, said by its error code alone: a driver's message may name the server or the user. */
export class ConnectionDatabaseError extends Error {}

const DOING = {
  reach: 'Reaching the database of the Zendesk connection',
  read: 'Reading the Zendesk connection from the database',
  save: 'Saving the Zendesk connection to the database',
  delete: 'Deleting the Zendesk connection from the database',
  lock: 'Waiting for the turn to renew the Zendesk connection in the database'
}

function failed(doing: keyof typeof DOING, error: unknown): ConnectionDatabaseError {
  const code = (error as { code?: unknown } | undefined)?.code
  const shown = typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? ` (${code})` : ''
  return new ConnectionDatabaseError(`${DOING[doing]} failed${shown}.`)
}

/**
 * The Zendesk OAuth connection in PostgreSQL, one row per account (its address), shared by every host on the
 * database. A host's turn (a renewal) holds a transaction-scoped advisory lock on the account, so the hosts renew
 * one at a time and each reads what the one before it stored.
 */
export class ConnectionDatabase implements ConnectionStore {
  readonly location = `the database (table ${TABLE}), shared by every host on it`
  private readonly pool: Pool
  private ready?: Promise<void>

  constructor(
    url: string,
    private readonly account: string
  ) {
    this.pool = resilientPool(Pool, { connectionString: url, max: 4 })
  }

  async read(): Promise<StoredConnection | undefined> {
    const { rows } = await this.query('read', SELECT, [this.account])
    return rows.length ? this.parse(rows[0].connection) : undefined
  }

  async write(connection: StoredConnection): Promise<void> {
    await this.query('save', UPSERT, [this.account, connection])
  }

  async remove(): Promise<void> {
    await this.query('delete', `DELETE FROM ${TABLE} WHERE account = $1`, [this.account])
  }

  /** Stores `connection` unless the database holds one already; true when it was stored. */
  async adopt(connection: StoredConnection): Promise<boolean> {
    const insert = `INSERT INTO ${TABLE} (account, connection) VALUES ($1, $2) ON CONFLICT (account) DO NOTHING`
    const { rows } = await this.query('save', `${insert} RETURNING connection`, [this.account, connection])
    return rows.length > 0
  }

  async takeTurn<T>(turn: (stored: StoredConnection | undefined) => Promise<ConnectionTurn<T>>): Promise<T> {
    await this.schema()
    const client = await this.pool.connect().catch((error) => {
      throw failed('reach', error)
    })
    const query = (doing: keyof typeof DOING, text: string, values: unknown[] = []) =>
      client.query<{ connection: unknown }>(text, values).catch((error) => {
        throw failed(doing, error)
      })
    try {
      await query('lock', 'BEGIN')
      await query('lock', 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCKS.connectionTurn, this.account])
      const { rows } = await query('read', SELECT, [this.account])
      const { answer, store } = await turn(rows.length ? this.parse(rows[0].connection) : undefined)
      if (store) await query('save', UPSERT, [this.account, store])
      await query('save', 'COMMIT')
      return answer
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  close(): Promise<void> {
    return this.pool.end()
  }

  private parse(json: unknown): StoredConnection {
    const parsed = storedConnectionSchema.safeParse(json)
    if (!parsed.success) {
      throw new ConnectionDatabaseError(`The Zendesk connection in ${this.location} is not one this host wrote.`)
    }
    return parsed.data
  }

  private async query(doing: keyof typeof DOING, text: string, values: unknown[]) {
    await this.schema()
    return this.pool.query<{ connection: unknown }>(text, values).catch((error) => {
      throw failed(doing, error)
    })
  }

  private schema(): Promise<void> {
    this.ready ??= this.withClient(async (client) => {
      try {
        await client.query('BEGIN')
        await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.connectionsSchema])
        await client.query(SCHEMA)
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw failed('reach', error)
      }
    }).catch((error) => {
      this.ready = undefined
      throw error
    })
    return this.ready
  }

  private async withClient(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect().catch((error) => {
      throw failed('reach', error)
    })
    try {
      await work(client)
    } finally {
      client.release()
    }
  }
}

/**
 * The one-time move of a connection file into the database: when the database holds no connection for the account
 * and the file holds one, it is stored there and the file deleted (the database's copy is the one the hosts renew;
 * the file's refresh token would soon be a rotated-away one). Answers what to log, if anything.
 */
export async function adoptConnectionFile(
  database: ConnectionDatabase,
  file: ConnectionFile
): Promise<string | undefined> {
  if (await database.read()) return undefined
  const stored = await file.read()
  if (!stored) return undefined
  if (!(await database.adopt(stored))) return undefined
  await file.remove()
  return `The Zendesk connection in ${file.path} is moved to ${database.location}; the file is deleted.`
}
