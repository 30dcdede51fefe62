import { Destination, type SegmentEvent } from '@segment/actions-core'
import { PRODUCTION_JOB_POLLING } from '../../src/destinations/zendesk/client/jobs'
import type { Timers } from '../../src/destinations/zendesk/client/time'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testDefinition, testSettings } from '../helpers/destination-state'
import { TestClock } from '../helpers/test-clock'

/**
 * One process, a stream of identifies without pause against an account that works its jobs one at a time (3 s
 * per 100 users): 20 batches in flight would queue 60 s of jobs, beyond the 20 s a job is followed. Time is the
 * test's: it moves only while no request is on its way, so every wait is counted and no answer is late.
 */
const EVENTS = 2000
const BATCH = 100
const LANES = 20
/** Each request's timeout is a wait of this length: the clock stands still while one is pending. */
const REQUEST_TIMEOUT_MS = 3_600_000

let simulator: RunningSimulator
const clock = new TestClock()
let onTheirWay = 0

/** The clock's timers, except that a request's timeout counts a request on its way and never wakes. */
const timers: Timers = {
  after(ms, wake) {
    if (ms !== REQUEST_TIMEOUT_MS) return clock.after(ms, wake)
    onTheirWay += 1
    let answered = false
    return () => {
      if (!answered) onTheirWay -= 1
      answered = true
    }
  }
}

beforeAll(async () => {
  simulator = await startSimulator({
    account: 'bulk-import',
    endpointLimits: false,
    jobMsPer100Items: 3000,
    jobWorkers: 1,
    clock: clock.now
  })
})
afterAll(() => simulator.close())

interface Outcome {
  status: number
  message?: string
  retryAfterSeconds?: number
}

it('leaves no job still queued: each event is delivered, or retryable with the wait, and sent again then', async () => {
  const definition = testDefinition({
    origin: simulator.url,
    jobPolling: PRODUCTION_JOB_POLLING,
    clock: clock.now,
    timers,
    requestTimeoutMs: REQUEST_TIMEOUT_MS
  })
  const destination = new Destination(definition)
  const preset = definition.presets!.find((p: any) => p.partnerAction === 'upsertUser') as any
  const settings = {
    ...testSettings,
    subscriptions: [{ subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping }]
  } as any
  const fresh: SegmentEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
    type: 'identify',
    userId: `stream-${i}`,
    traits: { name: `User ${i}`, email: `stream-${i}@example.com` }
  }))
  const again: { event: SegmentEvent; at: number }[] = []
  const firstOutcomes: Outcome[] = []
  const retried: Outcome[] = []
  let delivered = 0

  const nextBatch = () => {
    const due = again.filter((entry) => entry.at <= clock.now()).slice(0, BATCH)
    for (const entry of due) again.splice(again.indexOf(entry), 1)
    if (due.length > 0) return { events: due.map((entry) => entry.event), first: false }
    return fresh.length > 0 ? { events: fresh.splice(0, BATCH), first: true } : undefined
  }
  const lane = async () => {
    while (fresh.length > 0 || again.length > 0) {
      const batch = nextBatch()
      if (!batch) {
        const soonest = Math.min(...again.map((entry) => entry.at))
        await new Promise((resolve) => clock.after(soonest - clock.now(), () => resolve(undefined)))
        continue
      }
      const [result] = (await destination.onBatch(batch.events, settings)) as any[]
      result.multistatus.forEach((entry: any, i: number) => {
        const outcome: Outcome = {
          status: entry.status,
          message: entry.errormessage,
          retryAfterSeconds: entry.body?.retryAfterSeconds
        }
        ;(batch.first ? firstOutcomes : retried).push(outcome)
        if (entry.status < 300) delivered += 1
        else again.push({ event: batch.events[i], at: clock.now() + (outcome.retryAfterSeconds ?? 1) * 1000 })
      })
    }
  }
  await clock.runUntilSettled(Promise.all(Array.from({ length: LANES }, lane)), () => onTheirWay === 0)

  const outcomes = [...firstOutcomes, ...retried]
  expect(outcomes.filter((o) => /still (queued|working)/.test(o.message ?? ''))).toEqual([])
  const notDelivered = outcomes.filter((o) => o.status >= 300)
  expect(notDelivered.filter((o) => o.retryAfterSeconds === undefined)).toEqual([])
  expect(notDelivered.length).toBeGreaterThan(0)
  expect(firstOutcomes.filter((o) => o.status < 300).length).toBeGreaterThan(0)
  expect(delivered).toBe(EVENTS)
  expect(simulator.state().users.filter((u) => u.external_id?.startsWith('stream-'))).toHaveLength(EVENTS)
})
