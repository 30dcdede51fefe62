import type { SegmentEvent } from '@segment/actions-core'
import { benchEnvironment, sendBatch, sendOne, type EventOutcome } from './environment'
import type { Workload } from './workloads'

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
    accountRateLimit: { requests: perWindow, windowMs: options.windowMs }
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
