import { startEmbeddedPostgres } from './embedded-postgres'

/** Where `npm start` keeps PostgreSQL's data when it runs one, in the project (git-ignored). */
export const DATA_FOLDER = '.data/postgres'

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
  const dataFolder = options.dataFolder ?? DATA_FOLDER
  const server = await startEmbeddedPostgres({ dataFolder, log: options.log })
  options.log(`PostgreSQL from npm (embedded-postgres) runs for this host, its data in ${dataFolder}`)
  return { url: server.url(), stop: () => server.stop() }
}
