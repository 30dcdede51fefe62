import type { SegmentEvent } from '@segment/actions-core'
import { benchEnvironment, sendBatch, sendOne, type EventOutcome } from './environment'
import type { Scenario } from './scenario'
import { SHORT_JOB_MS_PER_100_ITEMS } from './sequential'
import { groupEvents, identifyEvents, trackEvents, type Workload } from './workloads'

export interface RateLimitedFigures {
  action: string
  path: 'naive' | 'onBatch'
  limitPerMinute: number
  seconds: number
  delivered: number
  deliveredPerMinute: number
  requests: number
  rateLimited: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const RETRYABLE = (o: EventOutcome) => o.status === 429 || o.status >= 500

/**
 * A host sending as fast as it can for `seconds` while the simulator enforces the account limit
 * (`limitPerMinute`, counted over windows of `windowMs` so Retry-After waits stay short).
 * Retryable events go back in the queue; a 429 pauses the host for its Retry-After.
 */
export async function measureUnderLimit(
  workload: Workload,
  path: 'naive' | 'onBatch',
  options: { limitPerMinute: number; windowMs: number; seconds: number }
): Promise<RateLimitedFigures> {
  const perWindow = Math.round((options.limitPerMinute * options.windowMs) / 60000)
  const env = await benchEnvironment(workload.action, {
    accountRateLimit: { requests: perWindow, windowMs: options.windowMs },
    jobMsPer100Items: SHORT_JOB_MS_PER_100_ITEMS
  })
  workload.prepare(env.simulator)
  const queue: SegmentEvent[] = [...workload.events]
  const deadline = performance.now() + options.seconds * 1000
  const started = performance.now()
  let delivered = 0
  try {
    while (queue.length > 0 && performance.now() < deadline) {
      const events = path === 'onBatch' ? queue.splice(0, 100) : queue.splice(0, 1)
      if (path === 'naive') env.clearCaches()
      const outcomes = path === 'onBatch' ? await sendBatch(env, events) : [await sendOne(env, events[0])]
      let waitSeconds = 0
      outcomes.forEach((outcome, i) => {
        if (outcome.delivered) delivered++
        else if (RETRYABLE(outcome)) queue.unshift(events[i])
        waitSeconds = Math.max(waitSeconds, outcome.status === 429 ? (outcome.retryAfterSeconds ?? 1) : 0)
      })
      if (waitSeconds > 0) await sleep(Math.min(waitSeconds * 1000, Math.max(0, deadline - performance.now())))
    }
  } finally {
    await env.close()
  }
  const seconds = (performance.now() - started) / 1000
  const statuses = env.simulator.requests.map((r) => r.status)
  return {
    action: workload.action,
    path,
    limitPerMinute: options.limitPerMinute,
    seconds,
    delivered,
    deliveredPerMinute: (delivered / seconds) * 60,
    requests: statuses.length,
    rateLimited: statuses.filter((s) => s === 429).length
  }
}

const fixed = (value: number, digits: number) => value.toFixed(digits).padStart(9)
const READERS = 200

/** A host sending one call at a time while the simulator enforces the account limit with 429s. */
export const underLimit: Scenario = {
  name: 'under-limit',
  about: (o) =>
    `one call at a time for ${o.limitSeconds} s each under an enforced ${o.limitPerMinute} requests/minute, jobs of ${SHORT_JOB_MS_PER_100_ITEMS} ms per 100 items`,
  async run(options, print) {
    const workloads: Workload[] = [
      { action: 'upsertUser', events: identifyEvents(20000, 'limited'), prepare: () => undefined },
      { action: 'upsertOrganization', events: groupEvents(5000, 'limited'), prepare: () => undefined },
      {
        action: 'trackEvent',
        events: trackEvents(20000, READERS),
        prepare: (simulator) => {
          for (let i = 0; i < READERS; i++) {
            simulator.seed.user({ name: `Reader ${i}`, email: `reader-${i}@example.com`, external_id: `reader-${i}` })
          }
        }
      }
    ]
    print('action                        path      delivered/min   requests   429s   vs naive')
    const rows: RateLimitedFigures[] = []
    for (const workload of workloads) {
      for (const p of ['naive', 'onBatch'] as const) {
        const row = await measureUnderLimit(workload, p, {
          limitPerMinute: options.limitPerMinute,
          windowMs: 6000,
          seconds: options.limitSeconds
        })
        rows.push(row)
        const naive = rows.find((r) => r.action === row.action && r.path === 'naive')!
        print(
          `${row.action.padEnd(30)}${row.path.padEnd(9)}${fixed(row.deliveredPerMinute, 0)}     ${String(row.requests).padStart(8)} ${String(row.rateLimited).padStart(6)}   ${row.path === 'naive' ? '' : `${(row.deliveredPerMinute / naive.deliveredPerMinute).toFixed(1)}x`}`
        )
      }
    }
    return {
      scenario: 'under-limit',
      figures: rows,
      problems: [],
      panels: [
        {
          title: `Events delivered per minute under an enforced ${options.limitPerMinute} requests/minute, one call at a time`,
          unit: 'events/minute',
          bars: rows.map((r) => ({ group: r.action, series: r.path, value: r.deliveredPerMinute }))
        }
      ]
    }
  }
}
