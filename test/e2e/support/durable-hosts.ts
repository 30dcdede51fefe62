import { spawn, type ChildProcess } from 'child_process'
import path from 'path'
import { Client } from 'pg'
import type { DurableHostOptions } from './durable-host-process'

/** A local host process (durable-host-process.ts) the test started: its address, its log, and how to end it. */
export interface HostProcess {
  url: string
  child: ChildProcess
  output(): string
  exited: Promise<number | null>
  kill(signal: NodeJS.Signals): Promise<void>
}

/** Starts a host process; resolves once it listens (the test's timeout ends a wait for one that never does). */
export function startHostProcess(options: DurableHostOptions): Promise<HostProcess> {
  const script = path.join(__dirname, 'durable-host-process.ts')
  const tsNode = require.resolve('ts-node/dist/bin.js')
  const child = spawn(process.execPath, [tsNode, '--transpile-only', script, JSON.stringify(options)], {
    cwd: path.join(__dirname, '..', '..', '..')
  })
  let text = ''
  child.stdout!.on('data', (chunk) => (text += chunk))
  child.stderr!.on('data', (chunk) => (text = (text + chunk).slice(-200_000)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    void exited.then((code) => reject(new Error(`the host exited (${code}):\n${text}`)))
    child.stdout!.on('data', () => {
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]
      if (url)
        resolve({
          url,
          child,
          output: () => text,
          exited,
          kill: async (signal) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal)
            await exited
          }
        })
    })
  })
}

/** POSTs JSON to a host; a host that is gone answers `undefined`. */
export async function post(url: string, body: unknown): Promise<{ status: number; body: any } | undefined> {
  try {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    })
    return { status: answer.status, body: await answer.json() }
  } catch {
    return undefined
  }
}

/** How many deliveries the database holds in each state. */
export async function deliveryStates(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT state, count(*)::int AS n FROM local_host_deliveries GROUP BY state')
    return Object.fromEntries(rows.map((row) => [row.state, row.n]))
  } finally {
    await client.end()
  }
}

const PENDING = ['running', 'retrying', 'awaiting connection']

/** Resolves once no delivery in the database is pending (the test's timeout ends a wait that never does). */
export async function untilNonePending(databaseUrl: string): Promise<Record<string, number>> {
  for (;;) {
    const states = await deliveryStates(databaseUrl)
    if (!PENDING.some((state) => states[state] > 0)) return states
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The values of `key` that appear more than once. */
export function duplicates<T>(records: T[], key: (record: T) => unknown): unknown[] {
  const seen = new Map<unknown, number>()
  for (const record of records) seen.set(key(record), (seen.get(key(record)) ?? 0) + 1)
  return [...seen].filter(([value, count]) => value !== null && value !== undefined && count > 1).map(([v]) => v)
}
