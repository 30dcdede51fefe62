import type { BenchOptions, Scenario } from './scenario'
import { measurePath, type PathFigures } from './throughput'
import { workloads } from './workloads'

/** Jobs ten times quicker than Zendesk's, so this run stays short; their progress still follows the clock. */
export const SHORT_JOB_MS_PER_100_ITEMS = 150

/** Tickets are created one POST each with an Idempotency-Key, after a duplicate check: at most this many requests. */
export const MAX_REQUESTS_PER_TICKET = 2.05

const fixed = (value: number, digits: number) => value.toFixed(digits).padStart(9)

export const SEQUENTIAL_HEADER =
  'action                        path      events  ev/s      req/ev    p50 ms    p99 ms  vs naive (req/ev)'

function line(row: PathFigures, naive: PathFigures | undefined): string {
  const ratio = naive && row.requestsPerEvent > 0 ? naive.requestsPerEvent / row.requestsPerEvent : Infinity
  const failed = row.events - row.delivered
  return `${row.action.padEnd(30)}${row.path.padEnd(9)}${String(row.events).padStart(7)}${fixed(row.eventsPerSecond, 1)}${fixed(row.requestsPerEvent, 3)}${fixed(row.p50Ms, 1)}${fixed(row.p99Ms, 1)}  ${row.path === 'naive' ? '' : `${ratio.toFixed(1)}x fewer`}${failed ? `  (${failed} not delivered: ${row.failures[0]})` : ''}`
}

/** Zendesk requests per ticket created, down each path: createTicket's requests per event. */
function ticketLine(rows: PathFigures[]): string {
  const perTicket = rows
    .filter((row) => row.action === 'createTicket')
    .map((row) => `${row.path} ${row.requestsPerEvent.toFixed(3)}`)
    .join(', ')
  return `Zendesk requests per ticket created (target ≤ ${MAX_REQUESTS_PER_TICKET}): ${perTicket}`
}

function checkTargets(rows: PathFigures[]): string[] {
  const problems: string[] = []
  const find = (action: string, p: string) => rows.find((r) => r.action === action && r.path === p)!
  for (const row of rows.filter((r) => r.action === 'createTicket')) {
    if (row.requestsPerEvent > MAX_REQUESTS_PER_TICKET)
      problems.push(`tickets (${row.path}): ${row.requestsPerEvent.toFixed(3)} req/ticket > ${MAX_REQUESTS_PER_TICKET}`)
  }
  const identify = find('upsertUser', 'onBatch')
  if (identify.requestsPerEvent > 0.05)
    problems.push(`identify in batches: ${identify.requestsPerEvent.toFixed(3)} req/event > 0.05`)
  for (const p of ['onEvent', 'onBatch']) {
    const track = find('trackEvent', p)
    if (track.requestsPerEvent > 1.1)
      problems.push(`track (${p}): ${track.requestsPerEvent.toFixed(3)} req/event > 1.1`)
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

/**
 * Every action down three paths, one call at a time: naive (onEvent with every cache cleared), onEvent, and
 * onBatch of 100, with short jobs: these figures compare the paths (and with earlier runs: the onEvent paths do not
 * use jobs). After createTicket's rows, the Zendesk requests per ticket created down each path (≤ 2.05).
 */
export const sequential: Scenario = {
  name: 'sequential',
  about: (o: BenchOptions) =>
    `every action, one call at a time, jobs of ${SHORT_JOB_MS_PER_100_ITEMS} ms per 100 items, ${o.latencyMs} ms per request, scale ${o.scale}`,
  async run(options, print) {
    print(SEQUENTIAL_HEADER)
    const rows: PathFigures[] = []
    for (const workload of workloads(options.scale)) {
      for (const p of ['naive', 'onEvent', 'onBatch'] as const) {
        const row = await measurePath(workload, p, {
          latencyMs: options.latencyMs,
          jobMsPer100Items: SHORT_JOB_MS_PER_100_ITEMS
        })
        rows.push(row)
        print(
          line(
            row,
            rows.find((r) => r.action === row.action && r.path === 'naive')
          )
        )
      }
      if (workload.action === 'createTicket') print(ticketLine(rows))
    }
    return {
      scenario: 'sequential',
      figures: rows,
      problems: checkTargets(rows),
      panels: [
        {
          title: 'Zendesk requests per event, one call at a time (lower is better)',
          unit: 'requests/event',
          bars: rows.map((r) => ({ group: r.action, series: r.path, value: r.requestsPerEvent }))
        },
        {
          title: `Events per second against the simulator, ${options.latencyMs} ms per request (higher is better)`,
          unit: 'events/second',
          bars: rows.map((r) => ({ group: r.action, series: r.path, value: r.eventsPerSecond }))
        }
      ]
    }
  }
}
