import type { SimulatorOptions } from '../../src/simulator'
import { benchEnvironment, sendBatch, sendOne, type EventOutcome } from './environment'
import type { Workload } from './workloads'

export type PathName = 'naive' | 'onEvent' | 'onBatch'

export interface PathFigures {
  action: string
  path: PathName
  events: number
  delivered: number
  requests: number
  seconds: number
  eventsPerSecond: number
  requestsPerEvent: number
  p50Ms: number
  p99Ms: number
  failures: string[]
}

const BATCH_SIZE = 100

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Runs one workload down one path against a fresh simulator:
 * - naive: one onEvent per event with every cache cleared first (no cache, no batching);
 * - onEvent: one onEvent per event, caches kept;
 * - onBatch: onBatch with 100 events per call; each event's latency is its batch's.
 */
export async function measurePath(workload: Workload, path: PathName, options: SimulatorOptions): Promise<PathFigures> {
  const env = await benchEnvironment(workload.action, options)
  workload.prepare(env.simulator)
  const requestsBefore = env.simulator.requests.length
  const latencies: number[] = []
  const outcomes: EventOutcome[] = []
  const started = performance.now()
  try {
    if (path === 'onBatch') {
      for (let i = 0; i < workload.events.length; i += BATCH_SIZE) {
        const batch = workload.events.slice(i, i + BATCH_SIZE)
        const t0 = performance.now()
        outcomes.push(...(await sendBatch(env, batch)))
        const elapsed = performance.now() - t0
        batch.forEach(() => latencies.push(elapsed))
      }
    } else {
      for (const event of workload.events) {
        if (path === 'naive') env.clearCaches()
        const t0 = performance.now()
        outcomes.push(await sendOne(env, event))
        latencies.push(performance.now() - t0)
      }
    }
  } finally {
    await env.close()
  }
  const seconds = (performance.now() - started) / 1000
  const requests = env.simulator.requests.length - requestsBefore
  const delivered = outcomes.filter((o) => o.delivered).length
  latencies.sort((a, b) => a - b)
  return {
    action: workload.action,
    path,
    events: workload.events.length,
    delivered,
    requests,
    seconds,
    eventsPerSecond: workload.events.length / seconds,
    requestsPerEvent: requests / workload.events.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures: [...new Set(outcomes.filter((o) => !o.delivered).map((o) => `${o.status} ${o.message}`))].slice(0, 3)
  }
}
