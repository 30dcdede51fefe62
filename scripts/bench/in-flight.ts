import type { SegmentEvent } from '@segment/actions-core'
import { PRODUCTION_JOB_POLLING } from '../../src/destinations/zendesk/client/jobs'
import type { RunningSimulator } from '../../src/simulator'
import { benchEnvironment, sendBatch, type EventOutcome } from './environment'

/** A workload for a host that keeps several batches in flight: its batches, and the records they need first. */
export interface InFlightWorkload {
  /** what the figures are called, e.g. "identify (new users)" */
  name: string
  action: string
  /** Zendesk items one write carries: the ceiling is the account limit times this */
  itemsPerRequest: number
  batches: SegmentEvent[][]
  prepare(simulator: RunningSimulator): void
}

export interface InFlightFigures {
  name: string
  action: string
  batchesInFlight: number
  jobMsPer100Items: number
  events: number
  delivered: number
  requests: number
  jobPolls: number
  /** 429 answers (TooManyJobs included): the destination counts its job slots, so none are expected */
  refused: number
  seconds: number
  requestsPerEvent: number
  /**
   * Events delivered per minute by the clock here, the account limit aside. On a small machine this is bound by
   * the in-process simulator's own work (it shares the CPU with the destination), not by Zendesk.
   */
  deliveredPerMinute: number
  /** What the account limit allows at this cost: the limit divided by the requests each delivered event cost. */
  perMinuteUnderLimit: number
  /** the account limit times the items one request carries */
  ceilingPerMinute: number
  failures: string[]
}

/**
 * Sends the workload's batches through onBatch, `batchesInFlight` at a time (a new one starts as soon as one ends),
 * with a fresh destination (cold caches) and Zendesk's job polling, against a bulk-import account with its own
 * endpoint limits (30 queued or running jobs) whose jobs take `jobMsPer100Items` per 100 items.
 */
export async function measureInFlight(
  workload: InFlightWorkload,
  options: { batchesInFlight: number; jobMsPer100Items: number; limitPerMinute: number; latencyMs: number }
): Promise<InFlightFigures> {
  const env = await benchEnvironment(
    workload.action,
    { endpointLimits: {}, jobMsPer100Items: options.jobMsPer100Items, latencyMs: options.latencyMs },
    PRODUCTION_JOB_POLLING
  )
  workload.prepare(env.simulator)
  const outcomes: EventOutcome[] = []
  const queue = [...workload.batches]
  const started = performance.now()
  const lane = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) outcomes.push(...(await sendBatch(env, batch)))
  }
  try {
    await Promise.all(Array.from({ length: options.batchesInFlight }, lane))
  } finally {
    await env.close()
  }
  const seconds = (performance.now() - started) / 1000
  const requests = env.simulator.requests
  const events = workload.batches.reduce((sum, batch) => sum + batch.length, 0)
  const delivered = outcomes.filter((o) => o.delivered).length
  const requestsPerEvent = requests.length / events
  const deliveredPerMinute = (delivered / seconds) * 60
  // Only delivered events count: a failed one would need sending again.
  const perMinuteUnderLimit = delivered === 0 ? 0 : options.limitPerMinute / (requests.length / delivered)
  return {
    name: workload.name,
    action: workload.action,
    batchesInFlight: options.batchesInFlight,
    jobMsPer100Items: options.jobMsPer100Items,
    events,
    delivered,
    requests: requests.length,
    jobPolls: requests.filter((r) => r.path.startsWith('/api/v2/job_statuses')).length,
    refused: requests.filter((r) => r.status === 429).length,
    seconds,
    requestsPerEvent,
    deliveredPerMinute,
    perMinuteUnderLimit,
    ceilingPerMinute: options.limitPerMinute * workload.itemsPerRequest,
    failures: [...new Set(outcomes.filter((o) => !o.delivered).map((o) => `${o.status} ${o.message}`))].slice(0, 3)
  }
}
