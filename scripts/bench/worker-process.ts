/**
 * One worker process of a host running the destination in several: identifies `from`..`from + count` of the
 * workload, `batchesInFlight` onBatch calls of 100 at once, the events a batch leaves retryable sent again (in
 * later batches) once the wait they carry has passed, as a host does. Coordinated on PostgreSQL when given a
 * database, else on its own. Says `ready` once loaded and starts on a line on stdin (so the workers of a run start
 * together), then prints one JSON line of its figures and exits.
 *
 *   ts-node --transpile-only worker-process.ts '<WorkerOptions as JSON>'
 */
import { createInterface } from 'readline'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../src'
import { BULK_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { sendBatch } from './environment'

export interface WorkerOptions {
  simulator: string
  postgres?: string
  prefix: string
  from: number
  count: number
  batchesInFlight: number
  requestWindowMs: number
}

export interface WorkerFigures {
  events: number
  delivered: number
  /** events delivered by their first onBatch */
  firstAttempt: number
  /** events their first onBatch left retryable with a wait */
  firstRetryableWithWait: number
  /** answers, at any attempt, that a job was still queued or working when following it stopped */
  stillQueued: number
  /** retryable answers, at any attempt, that carried no wait */
  retryableWithoutWait: number
  /** sends of events after a retryable answer */
  retries: number
  /** distinct reasons events were left retryable, with how often */
  retryable: Record<string, number>
  failures: string[]
}

const RETRY_DEADLINE_MS = 10 * 60 * 1000
/** The answer of an event whose job Zendesk had not finished when following it stopped. */
const STILL_QUEUED = /job \S+ was still (queued|working) when we stopped waiting/
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function main() {
  const options = JSON.parse(process.argv[2]) as WorkerOptions
  const definition = createDestination({
    origin: options.simulator,
    singleUserWriteIntervalMs: 0,
    requestWindowMs: options.requestWindowMs,
    ...(options.postgres && { coordination: { postgres: options.postgres } })
  })
  const destination = new Destination(definition)
  const preset = definition.presets!.find((p: any) => p.partnerAction === 'upsertUser') as any
  const settings = {
    subdomain: 'acme',
    email: 'agent@example.com',
    api_token: 'test-token',
    subscriptions: [{ subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping }]
  } as any
  const env = { onBatch: (events: SegmentEvent[]) => destination.onBatch(events, settings) }

  const figures: WorkerFigures = {
    events: options.count,
    delivered: 0,
    firstAttempt: 0,
    firstRetryableWithWait: 0,
    stillQueued: 0,
    retryableWithoutWait: 0,
    retries: 0,
    retryable: {},
    failures: []
  }
  const fresh: SegmentEvent[] = Array.from({ length: options.count }, (_, i) => {
    const id = `${options.prefix}${options.from + i}`
    return { type: 'identify', userId: id, traits: { name: `User ${id}`, email: `${id}@example.com` } } as SegmentEvent
  })
  /** Events to send again, each once its wait has passed. */
  const again: { event: SegmentEvent; at: number }[] = []
  process.stdout.write('ready\n')
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve))
  const deadline = Date.now() + RETRY_DEADLINE_MS
  let inFlight = 0

  const nextBatch = (): { events: SegmentEvent[]; retry: boolean } | undefined => {
    const now = Date.now()
    const due = again.filter((entry) => entry.at <= now).slice(0, BULK_LIMIT)
    if (due.length > 0) {
      for (const entry of due) again.splice(again.indexOf(entry), 1)
      return { events: due.map((entry) => entry.event), retry: true }
    }
    if (fresh.length > 0) return { events: fresh.splice(0, BULK_LIMIT), retry: false }
    return undefined
  }

  const lane = async () => {
    while (Date.now() < deadline) {
      const batch = nextBatch()
      if (!batch) {
        if (again.length === 0 && inFlight === 0) return
        await sleep(100)
        continue
      }
      inFlight += 1
      const outcomes = await sendBatch(env, batch.events)
      inFlight -= 1
      if (batch.retry) figures.retries += batch.events.length
      outcomes.forEach((outcome, i) => {
        if (outcome.delivered) {
          figures.delivered += 1
          if (!batch.retry) figures.firstAttempt += 1
        } else if (outcome.status === 429 || outcome.status >= 500) {
          const reason = `${outcome.status} ${outcome.message?.replace(/\d+/g, 'N').slice(0, 120)}`
          figures.retryable[reason] = (figures.retryable[reason] ?? 0) + 1
          if (STILL_QUEUED.test(outcome.message ?? '')) figures.stillQueued += 1
          if (outcome.retryAfterSeconds === undefined) figures.retryableWithoutWait += 1
          else if (!batch.retry) figures.firstRetryableWithWait += 1
          again.push({ event: batch.events[i], at: Date.now() + (outcome.retryAfterSeconds ?? 1) * 1000 })
        } else if (figures.failures.length < 3) {
          figures.failures.push(`${outcome.status} ${outcome.message}`)
        }
      })
    }
  }
  await Promise.all(Array.from({ length: options.batchesInFlight }, lane))
  process.stdout.write(`${JSON.stringify(figures)}\n`)
  process.exit(0)
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exit(1)
})
