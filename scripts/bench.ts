/**
 * `npm run bench`: every action through Destination.onEvent / onBatch against the embedded simulator, next to the
 * naive path (one onEvent per event, caches cleared), then a run under a rate-limited account.
 * Prints the figures and writes bench/results.json and bench/chart.svg.
 * `--scale 0.2` runs smaller workloads (quicker, noisier).
 */
import { mkdirSync, writeFileSync } from 'fs'
import path from 'path'
import { benchChart } from './bench/chart'
import { DEFAULT_ACCOUNT_TARGET_PER_MINUTE, measureDefaultAccount, printDefaultAccount } from './bench/default-account'
import { measureUnderLimit, type RateLimitedFigures } from './bench/rate-limited'
import { measureSyncModes, printSyncModes } from './bench/sync-modes'
import { measurePath, type PathFigures } from './bench/throughput'
import { groupEvents, identifyEvents, trackEvents, workloads, type Workload } from './bench/workloads'

const LATENCY_MS = 5
const LIMIT_PER_MINUTE = 700
/** Tickets are created one POST each with an Idempotency-Key, after a duplicate check: at most this many requests. */
const MAX_REQUESTS_PER_TICKET = 2.05

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const fixed = (value: number, digits: number) => value.toFixed(digits).padStart(9)

function printPaths(rows: PathFigures[]) {
  console.log(`\nThroughput (simulator latency ${LATENCY_MS} ms per request)`)
  console.log('action                        path      events  ev/s      req/ev    p50 ms    p99 ms  vs naive (req/ev)')
  for (const row of rows) {
    const naive = rows.find((r) => r.action === row.action && r.path === 'naive')!
    const ratio = row.requestsPerEvent > 0 ? naive.requestsPerEvent / row.requestsPerEvent : Infinity
    const failed = row.events - row.delivered
    console.log(
      `${row.action.padEnd(30)}${row.path.padEnd(9)}${String(row.events).padStart(7)}${fixed(row.eventsPerSecond, 1)}${fixed(row.requestsPerEvent, 3)}${fixed(row.p50Ms, 1)}${fixed(row.p99Ms, 1)}  ${row.path === 'naive' ? '' : `${ratio.toFixed(1)}x fewer`}${failed ? `  (${failed} not delivered: ${row.failures[0]})` : ''}`
    )
  }
}

function printTickets(rows: PathFigures[]) {
  const figures = rows.filter((row) => row.action === 'createTicket')
  const perTicket = figures.map((row) => `${row.path} ${row.requestsPerEvent.toFixed(3)}`).join(', ')
  console.log(`\nZendesk requests per ticket created (target ≤ ${MAX_REQUESTS_PER_TICKET}): ${perTicket}`)
}

function printLimited(rows: RateLimitedFigures[]) {
  console.log(`\nUnder a ${LIMIT_PER_MINUTE} requests/minute account limit (429 + Retry-After, host retries)`)
  console.log('action                        path      delivered/min   requests   429s   vs naive')
  for (const row of rows) {
    const naive = rows.find((r) => r.action === row.action && r.path === 'naive')!
    console.log(
      `${row.action.padEnd(30)}${row.path.padEnd(9)}${fixed(row.deliveredPerMinute, 0)}     ${String(row.requests).padStart(8)} ${String(row.rateLimited).padStart(6)}   ${row.path === 'naive' ? '' : `${(row.deliveredPerMinute / naive.deliveredPerMinute).toFixed(1)}x`}`
    )
  }
}

function checkTargets(rows: PathFigures[]): string[] {
  const problems: string[] = []
  const find = (action: string, p: string) => rows.find((r) => r.action === action && r.path === p)!
  const identify = find('upsertUser', 'onBatch')
  if (identify.requestsPerEvent > 0.05)
    problems.push(`identify in batches: ${identify.requestsPerEvent.toFixed(3)} req/event > 0.05`)
  for (const p of ['onEvent', 'onBatch']) {
    const track = find('trackEvent', p)
    if (track.requestsPerEvent > 1.1)
      problems.push(`track (${p}): ${track.requestsPerEvent.toFixed(3)} req/event > 1.1`)
  }
  for (const row of rows.filter((r) => r.action === 'createTicket')) {
    if (row.requestsPerEvent > MAX_REQUESTS_PER_TICKET)
      problems.push(`tickets (${row.path}): ${row.requestsPerEvent.toFixed(3)} req/ticket > ${MAX_REQUESTS_PER_TICKET}`)
  }
  for (const row of rows) {
    const naive = find(row.action, 'naive')
    if (row.requestsPerEvent > naive.requestsPerEvent + 1e-9) {
      problems.push(
        `${row.action} ${row.path}: ${row.requestsPerEvent.toFixed(3)} req/event, more than naive ${naive.requestsPerEvent.toFixed(3)}`
      )
    }
    if (row.delivered !== row.events)
      problems.push(`${row.action} ${row.path}: ${row.events - row.delivered} events not delivered`)
  }
  return problems
}

async function main() {
  const scale = argument('--scale', 1)
  const limitSeconds = argument('--limit-seconds', 12)
  const paths: PathFigures[] = []
  for (const workload of workloads(scale)) {
    for (const p of ['naive', 'onEvent', 'onBatch'] as const) {
      paths.push(await measurePath(workload, p, { latencyMs: LATENCY_MS }))
    }
  }
  printPaths(paths)
  printTickets(paths)

  const readers = 200
  const limitedWorkloads: Workload[] = [
    { action: 'upsertUser', events: identifyEvents(20000, 'limited'), prepare: () => undefined },
    { action: 'upsertOrganization', events: groupEvents(5000, 'limited'), prepare: () => undefined },
    {
      action: 'trackEvent',
      events: trackEvents(20000, readers),
      prepare: (simulator) => {
        for (let i = 0; i < readers; i++) {
          simulator.seed.user({ name: `Reader ${i}`, email: `reader-${i}@example.com`, external_id: `reader-${i}` })
        }
      }
    }
  ]
  const limited: RateLimitedFigures[] = []
  for (const workload of limitedWorkloads) {
    for (const p of ['naive', 'onBatch'] as const) {
      limited.push(
        await measureUnderLimit(workload, p, {
          limitPerMinute: LIMIT_PER_MINUTE,
          windowMs: 6000,
          seconds: limitSeconds
        })
      )
    }
  }
  printLimited(limited)

  const defaultAccount = await measureDefaultAccount(scale)
  printDefaultAccount(defaultAccount)
  const syncModes = await measureSyncModes()
  printSyncModes(syncModes)

  const problems = checkTargets(paths)
  for (const row of syncModes.filter((r) => r.mode === 'update' || r.mode === 'add')) {
    if (row.requestsPerEvent > 0.05)
      problems.push(`${row.action} ${row.mode} in batches: ${row.requestsPerEvent.toFixed(3)} req/event > 0.05`)
  }
  const known = defaultAccount.rounds[defaultAccount.rounds.length - 1]
  if (known.eventsPerMinute < DEFAULT_ACCOUNT_TARGET_PER_MINUTE) {
    problems.push(
      `identify without bulk import: ${Math.round(known.eventsPerMinute)} events/min < ${DEFAULT_ACCOUNT_TARGET_PER_MINUTE}`
    )
  }
  console.log(problems.length ? `\nTargets missed:\n- ${problems.join('\n- ')}` : '\nAll targets met.')

  const outDir = path.join(__dirname, '..', 'bench')
  mkdirSync(outDir, { recursive: true })
  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    scale,
    latencyMs: LATENCY_MS,
    paths,
    limited,
    defaultAccount,
    syncModes,
    problems
  }
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n')
  writeFileSync(path.join(outDir, 'chart.svg'), benchChart(paths, limited) + '\n')
  console.log(`\nWrote ${path.relative(process.cwd(), path.join(outDir, 'results.json'))} and bench/chart.svg`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
