import { createHash } from 'crypto'
import { existsSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { PrivateParentError, startEmbeddedPostgres } from './embedded-postgres'

/** Where `npm start` keeps PostgreSQL's data when it runs one, in the project (git-ignored). */
export const DATA_FOLDER = '.data/postgres'

/**
 * Where the data goes when root runs the host in a folder private to its owner (e.g. under /root): PostgreSQL runs
 * as `nobody` there, which cannot reach the project's folder. A folder of /var/tmp (kept across reboots, open to
 * everyone to pass through), named after the project's folder so that each project keeps its own.
 */
export function dataFolderOutside(project: string): string {
  const digest = createHash('sha256').update(path.resolve(project)).digest('hex').slice(0, 16)
  const root = existsSync('/var/tmp') ? '/var/tmp' : tmpdir()
  return path.join(root, `actions-zendesk-${digest}`, 'postgres')
}

/** The database the local host keeps accepted events in. */
export interface HostDatabase {
  url: string
  /** Stops the server the host runs (none when DATABASE_URL names it). */
  stop(): Promise<void>
}

export interface HostDatabaseOptions {
  /** --memory: no database */
  memory: boolean
  env: NodeJS.ProcessEnv
  /** where a PostgreSQL run from npm keeps its data (default DATA_FOLDER in the working directory) */
  dataFolder?: string
  log(line: string): void
}

/** None with --memory; the one DATABASE_URL names; else PostgreSQL from npm (embedded-postgres), its data kept. */
export async function hostDatabase(options: HostDatabaseOptions): Promise<HostDatabase | undefined> {
  if (options.memory) return undefined
  const given = options.env.DATABASE_URL?.trim()
  if (given) return { url: given, stop: async () => undefined }
  let dataFolder = options.dataFolder ?? DATA_FOLDER
  const server = await startEmbeddedPostgres({ dataFolder, log: options.log }).catch((error: unknown) => {
    if (!(error instanceof PrivateParentError) || options.dataFolder !== undefined) throw error
    dataFolder = dataFolderOutside(process.cwd())
    options.log(
      `${error.parent} does not let others through, and as root PostgreSQL runs as the user nobody: its data goes to ${dataFolder} instead of ${DATA_FOLDER}.`
    )
    return startEmbeddedPostgres({ dataFolder, log: options.log })
  })
  options.log(`PostgreSQL from npm (embedded-postgres) runs for this host, its data in ${dataFolder}`)
  return { url: server.url(), stop: () => server.stop() }
}
