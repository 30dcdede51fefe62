import { spawn } from 'child_process'
import path from 'path'
import { createInterface } from 'readline'
import type { SimulatorOptions } from '../../src/simulator'
import { startPostgres } from '../../test/helpers/postgres'
import type { BenchOptions, Scenario } from './scenario'
import type { SimulatorStats } from './simulator-process'
import type { WorkerFigures, WorkerOptions } from './worker-process'

export const IDENTIFIES = 50_000
const PREFIX = 'worker-user-'

export interface SeveralProcessesFigures {
  setup: string
  processes: number
  events: number
  delivered: number
  firstAttempt: number
  /** events their first attempt left retryable with a wait */
  firstRetryableWithWait: number
  /** answers that a job was still queued when following it stopped */
  stillQueued: number
  retryableWithoutWait: number
  requests: number
  jobPolls: number
  requestsPerEvent: number
  refusedSubmissions: number
  refusedOther: number
  users: number
  /** the requests while submissions went on, as a share of what the account allowed in that time */
  ceilingUsed: number
  seconds: number
  retryable: Record<string, number>
}

/** A TypeScript script of this folder in a process of its own; `lines` reads what it prints. */
function child(script: string, args: string[]) {
  const tsNode = require.resolve('ts-node/dist/bin.js')
  const running = spawn(process.execPath, [tsNode, '--transpile-only', path.join(__dirname, script), ...args], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const lines = createInterface({ input: running.stdout! })
  const queue: string[] = []
  const waiting: ((line: string) => void)[] = []
  lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)))
  const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
  return {
    line: () =>
      new Promise<string>((resolve, reject) => {
        if (queue.length) return resolve(queue.shift()!)
        waiting.push(resolve)
        void exited.then(() => reject(new Error(`${script} exited`)))
      }),
    write: (line: string) => running.stdin!.write(`${line}\n`),
    exited
  }
}

/**
 * One run: the simulator in its own process enforcing the account limit (in windows of `limitSeconds`) and 30
 * jobs (worked `jobWorkers` at a time, when given), `processes` worker processes sharing the identifies,
 * coordinated on a fresh PostgreSQL database or each on its own.
 */
export async function runWorkers(
  setup: string,
  processes: number,
  options: BenchOptions,
  { postgres, jobWorkers }: { postgres?: string; jobWorkers?: number } = {}
): Promise<SeveralProcessesFigures> {
  const events = Math.round(IDENTIFIES * options.scale)
  const windowMs = options.limitSeconds * 1000
  const simulatorOptions: SimulatorOptions = {
    account: 'bulk-import',
    accountRateLimit: { requests: Math.round((options.limitPerMinute * windowMs) / 60_000), windowMs },
    jobMsPer100Items: options.jobMsPer100Items,
    jobWorkers,
    latencyMs: options.latencyMs
  }
  const simulator = child('simulator-process.ts', [JSON.stringify(simulatorOptions), PREFIX])
  const url = await simulator.line()
  const share = Math.ceil(events / processes)
  const workers = Array.from({ length: processes }, (_, i) => {
    const worker: WorkerOptions = {
      simulator: url,
      postgres,
      prefix: PREFIX,
      from: i * share,
      count: Math.max(0, Math.min(share, events - i * share)),
      batchesInFlight: options.batchesInFlight,
      requestWindowMs: windowMs
    }
    return child('worker-process.ts', [JSON.stringify(worker)])
  })
  await Promise.all(workers.map((worker) => worker.line()))
  const started = performance.now()
  for (const worker of workers) worker.write('go')
  const results = (await Promise.all(workers.map((worker) => worker.line()))).map(
    (line) => JSON.parse(line) as WorkerFigures
  )
  const seconds = (performance.now() - started) / 1000
  simulator.write('stats')
  const stats = JSON.parse(await simulator.line()) as SimulatorStats
  simulator.write('close')
  await simulator.exited
  const retryable: Record<string, number> = {}
  for (const result of results) {
    for (const [reason, count] of Object.entries(result.retryable)) retryable[reason] = (retryable[reason] ?? 0) + count
  }
  const allowedWhileBusy = (options.limitPerMinute * stats.busyMs) / 60_000
  const total = (figure: (result: WorkerFigures) => number) => results.reduce((sum, r) => sum + figure(r), 0)
  return {
    setup,
    processes,
    events,
    delivered: total((r) => r.delivered),
    firstAttempt: total((r) => r.firstAttempt),
    firstRetryableWithWait: total((r) => r.firstRetryableWithWait),
    stillQueued: total((r) => r.stillQueued),
    retryableWithoutWait: total((r) => r.retryableWithoutWait),
    requests: stats.requests,
    jobPolls: stats.jobPolls,
    requestsPerEvent: stats.requests / events,
    refusedSubmissions: stats.refusedSubmissions,
    refusedOther: stats.refusedOther,
    users: stats.users,
    ceilingUsed: allowedWhileBusy > 0 ? stats.requestsWhileBusy / allowedWhileBusy : 0,
    seconds,
    retryable
  }
}

function line(f: SeveralProcessesFigures): string {
  const percent = (value: number) => `${(100 * value).toFixed(0)}%`
  return [
    f.setup.padEnd(34),
    `${f.delivered}/${f.events} delivered (${f.firstAttempt} first try)`.padEnd(42),
    `${f.requests} requests (${f.jobPolls} job polls)`.padEnd(30),
    `${f.requestsPerEvent.toFixed(4)} req/event`.padEnd(18),
    `429s: ${f.refusedSubmissions} submissions, ${f.refusedOther} other`.padEnd(34),
    `${percent(f.ceilingUsed)} of the ceiling used`.padEnd(26),
    `${f.users} users, ${f.seconds.toFixed(0)} s`
  ].join('')
}

/** The targets for the coordinated processes, against the one-process baseline. */
function problemsOf(baseline: SeveralProcessesFigures, shared: SeveralProcessesFigures): string[] {
  const problems: string[] = []
  const name = shared.setup
  if (shared.requestsPerEvent > 1.1 * baseline.requestsPerEvent) {
    problems.push(
      `${name}: ${shared.requestsPerEvent.toFixed(4)} requests/event > 1.1 × ${baseline.requestsPerEvent.toFixed(4)}`
    )
  }
  if (shared.refusedSubmissions > 0) problems.push(`${name}: ${shared.refusedSubmissions} submissions refused (429)`)
  const refused = shared.refusedSubmissions + shared.refusedOther
  if (refused > 0.01 * shared.requests) problems.push(`${name}: ${refused} 429s, more than 1% of ${shared.requests}`)
  if (shared.users !== shared.events) problems.push(`${name}: ${shared.users} users of ${shared.events}`)
  if (shared.delivered !== shared.events) problems.push(`${name}: ${shared.events - shared.delivered} not delivered`)
  if (shared.ceilingUsed < 0.8) {
    problems.push(`${name}: ${(100 * shared.ceilingUsed).toFixed(0)}% of the account's ceiling used, < 80%`)
  }
  return problems
}

/**
 * The "several processes, one account": a baseline of one worker process, then four on their own (each
 * believes it owns the account's limits), then four sharing them on PostgreSQL — the simulator in a process of
 * its own enforcing the account limit and 30 jobs.
 */
export const severalProcesses: Scenario = {
  name: 'several-processes',
  about: (o) =>
    `${Math.round(IDENTIFIES * o.scale)} identifies, ${o.batchesInFlight} batches in flight per process, ` +
    `${o.limitPerMinute} requests/minute in ${o.limitSeconds}-second windows, 30 jobs of ${o.jobMsPer100Items} ms per 100 items`,
  async run(options, print) {
    const postgres = await startPostgres()
    try {
      const baseline = await runWorkers('1 process', 1, options)
      print(line(baseline))
      const naive = await runWorkers('4 processes, each on its own', 4, options)
      print(line(naive))
      const shared = await runWorkers('4 processes sharing PostgreSQL', 4, options, {
        postgres: await postgres.database()
      })
      print(line(shared))
      for (const f of [baseline, naive, shared]) {
        const reasons = Object.entries(f.retryable).sort(([, a], [, b]) => b - a)
        for (const [reason, count] of reasons.slice(0, 3)) print(`  ${f.setup}: ${count} × retryable ${reason}`)
      }
      const figures = [baseline, naive, shared]
      return {
        scenario: 'several-processes',
        figures,
        problems: problemsOf(baseline, shared),
        panels: [
          {
            title: `Requests per 1,000 events, ${Math.round(IDENTIFIES * options.scale)} identifies, one account (lower is better)`,
            unit: 'requests/1,000 events',
            bars: figures.map((f) => ({ group: f.setup, series: 'requests', value: 1000 * f.requestsPerEvent }))
          }
        ]
      }
    } finally {
      await postgres.stop()
    }
  }
}
