import { Destination } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import type { Timers } from '../../src/destinations/zendesk/client/time'
import type { Faults, RecordedRequest, RunningSimulator } from '../../src/simulator'
import { basicCredential } from '../helpers/credentials'
import { resetDestinationState, simulatorSettings, startHarness, type SimulatorHarness } from '../helpers/harness'
import { testDefinition } from '../helpers/destination-state'
import { TestClock } from '../helpers/test-clock'
import { ACTION_CASES, OTHER_PATH_CASES, subscriptionsOf, type ActionCase } from './actions'
import { sendMany, sendOne, type Outcome } from './outcomes'

/** A held answer comes long after the request timeout, which `timeoutsOnceHeld` runs out. */
const ANSWER_HELD_MS = 60_000
const REQUEST_TIMEOUT_MS = 100
/** Near-instant job polling with room for a job that completes normally (on its second poll). */
const POLLING = { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 100 }
/** A budget shorter than one slow answer, so a job is given up on quickly. */
const IMPATIENT_POLLING = { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 30 }
const SLOW_JOB_STATUS_MS = 100
const EVENTS = [0, 1, 2]
const EVERY_REQUEST = 10_000

/**
 * The destination's time: its waits (job polls) end by themselves, so a polling budget counts polls, never how
 * slowly a busy machine answers them.
 */
const clock = new TestClock(Date.now())
let harness: SimulatorHarness
let impatient: Destination<Settings>
let impatientTimeouts: ReturnType<typeof timeoutsOnceHeld>
const sim = () => harness.simulator

/**
 * The timers of an instance whose only waits are its request timeouts (it neither paces writes nor gets a job
 * accepted while every write is held): they run out together once every request in flight is a write the simulator
 * holds (applied, its answer not sent), however slowly the machine runs; never while an answer may still come.
 */
function timeoutsOnceHeld() {
  const timeouts = new Set<() => void>()
  let held = 0
  const runOutIfAllHeld = () =>
    setImmediate(() => {
      if (timeouts.size === 0 || timeouts.size !== held) return
      const due = [...timeouts]
      timeouts.clear()
      held = 0
      due.forEach((runOut) => runOut())
    })
  const timers: Timers = {
    after: (_ms, runOut) => {
      timeouts.add(runOut)
      return () => {
        timeouts.delete(runOut)
        runOutIfAllHeld()
      }
    }
  }
  return {
    timers,
    /** A write reached the simulator, which applies it and holds its answer. */
    hold: () => {
      held += 1
      runOutIfAllHeld()
    }
  }
}

/** A destination instance of its own (fresh caches, as the simulator is reset) whose requests time out. */
function impatientDestination(): Destination<Settings> {
  impatientTimeouts = timeoutsOnceHeld()
  return new Destination(
    testDefinition({
      origin: harness.simulator.url,
      jobPolling: POLLING,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      timers: impatientTimeouts.timers
    })
  )
}

beforeAll(async () => {
  harness = await startHarness({ account: 'bulk-import', endpointLimits: false }, clock.runningOptions)
})
afterAll(() => harness.close())
beforeEach(() => {
  sim().reset()
  resetDestinationState()
  harness.usePolling(POLLING)
  impatient = impatientDestination()
})
afterEach(() => stopInjecting(sim()))

/**
 * Calls `recorded` with every request the simulator records, before it is answered. The simulator records a
 * request before it takes its faults, so a fault set here is armed for exactly that request.
 */
function onEachRequest(simulator: RunningSimulator, recorded: (request: RecordedRequest) => void): void {
  const log = simulator.requests
  const record = log.push.bind(log)
  log.push = (...entries) => {
    entries.forEach(recorded)
    return record(...entries)
  }
}

/**
 * Applies `faults` to every request of one kind: writes (POST/PUT/DELETE) or reads (GET); `applied` is called for
 * each request they are applied to.
 */
function injectInto(
  simulator: RunningSimulator,
  requests: 'writes' | 'reads',
  faults: Faults,
  applied: () => void = () => undefined
): void {
  onEachRequest(simulator, (request) => {
    const matches = (request.method === 'GET') === (requests === 'reads')
    simulator.setFaults(matches ? faults : {})
    if (matches) applied()
  })
}

function stopInjecting(simulator: RunningSimulator): void {
  delete (simulator.requests as { push?: unknown }).push
  simulator.setFaults({})
}

/** What Zendesk does with jobs it accepted once the fault is gone: it runs them to the end. */
async function finishAcceptedJobs(simulator: RunningSimulator): Promise<void> {
  const authorization = `Basic ${basicCredential(simulatorSettings.api_token)}`
  for (const job of simulator.state().jobs) {
    for (let poll = 0; poll < 10; poll++) {
      const res = await fetch(`${simulator.url}/api/v2/job_statuses/${job.id}.json`, { headers: { authorization } })
      const { job_status } = await res.json()
      if (job_status.status === 'completed' || job_status.status === 'failed') break
    }
  }
}

type Mode = 'single' | 'batch'

interface FaultCase {
  name: string
  modes: Mode[]
  inject(simulator: RunningSimulator): void
  /** the status every retryable outcome carries */
  status?: number
  /** every event fails (retryable) the first time; otherwise each is delivered or retryable */
  allFail?: (action: ActionCase) => boolean
  /** the request reached Zendesk and was applied, though its answer never arrived */
  appliedUnanswered?: boolean
  /** sent by the instance whose requests time out (REQUEST_TIMEOUT_MS, run out by `timeoutsOnceHeld`) */
  impatient?: boolean
  check?(outcomes: Outcome[], action: ActionCase, mode: Mode): void
}

const always = () => true
const whenJobs = (action: ActionCase) => action.usesJobs
const retryables = (outcomes: Outcome[]) => outcomes.filter((o) => o.kind === 'retryable')

const FAULTS: FaultCase[] = [
  {
    name: 'a 429 storm with Retry-After on every request',
    modes: ['single', 'batch'],
    inject: (s) => s.setFaults({ rateLimit: { count: EVERY_REQUEST, retryAfter: 30 } }),
    status: 429,
    allFail: always,
    check: (outcomes) => {
      for (const outcome of retryables(outcomes)) {
        expect(outcome).toMatchObject({ message: expect.stringContaining('Retry after 30 s'), retryAfterSeconds: 30 })
      }
    }
  },
  {
    name: 'a 429 storm without Retry-After on every request',
    modes: ['single', 'batch'],
    inject: (s) => s.setFaults({ rateLimit: { count: EVERY_REQUEST } }),
    status: 429,
    allFail: always,
    check: (outcomes, _, mode) => {
      for (const outcome of retryables(outcomes)) {
        expect(outcome).toMatchObject({
          message: expect.stringContaining('the default wait applies. Retry after 60 s.')
        })
        if (mode === 'single') expect(outcome).toMatchObject({ retryAfterSeconds: 60 })
      }
    }
  },
  {
    name: 'a short 429 burst (Retry-After 0) while following jobs',
    modes: ['batch'],
    inject: (s) => s.setFaults({ rateLimit: { count: 2, retryAfter: 0, path: 'job_statuses' } }),
    check: (outcomes) => expect(retryables(outcomes)).toEqual([])
  },
  {
    name: '500 on every write',
    modes: ['single', 'batch'],
    inject: (s) => injectInto(s, 'writes', { serverError: { count: 1, status: 500 } }),
    status: 500,
    allFail: always
  },
  {
    name: '503 with Retry-After on every write',
    modes: ['single', 'batch'],
    inject: (s) => injectInto(s, 'writes', { serverError: { count: 1, status: 503, retryAfter: 20 } }),
    status: 503,
    allFail: always
  },
  {
    name: '503 with Retry-After on every read (lookups, job status)',
    modes: ['single', 'batch'],
    inject: (s) => injectInto(s, 'reads', { serverError: { count: 1, status: 503, retryAfter: 20 } })
  },
  {
    name: 'connection reset on every write',
    modes: ['single', 'batch'],
    inject: (s) => injectInto(s, 'writes', { connectionReset: { count: 1 } }),
    status: 502,
    allFail: always
  },
  {
    name: 'connection reset on every read',
    modes: ['single', 'batch'],
    inject: (s) => injectInto(s, 'reads', { connectionReset: { count: 1 } })
  },
  {
    name: 'writes answered after the request timeout (applied, answer lost)',
    modes: ['single', 'batch'],
    inject: (s) => injectInto(s, 'writes', { slow: { count: 1, delayMs: ANSWER_HELD_MS } }, impatientTimeouts.hold),
    impatient: true,
    appliedUnanswered: true,
    status: 504,
    allFail: always
  },
  {
    name: 'job status answered slower than the polling budget',
    modes: ['batch'],
    inject: (s) => {
      harness.usePolling(IMPATIENT_POLLING)
      s.setFaults({ slow: { count: EVERY_REQUEST, delayMs: SLOW_JOB_STATUS_MS, path: 'job_statuses' } })
      // The destination's clock runs on while each answer is awaited.
      onEachRequest(s, (request) => request.path.includes('job_statuses') && clock.stall(SLOW_JOB_STATUS_MS))
    },
    status: 504,
    allFail: whenJobs
  },
  {
    name: 'job items that fail',
    modes: ['batch'],
    inject: (s) => s.setFaults({ failJobItems: { indexes: [0, 2] } }),
    status: 500,
    check: (outcomes, action) =>
      expect(outcomes.map((o) => o.kind)).toEqual(
        action.usesJobs ? ['retryable', 'delivered', 'retryable'] : ['delivered', 'delivered', 'delivered']
      )
  },
  {
    name: 'jobs that stay queued',
    modes: ['batch'],
    inject: (s) => {
      harness.usePolling(IMPATIENT_POLLING)
      s.setFaults({ stuckJobs: true })
    },
    status: 504,
    allFail: whenJobs
  },
  {
    name: 'bulk import disabled',
    modes: ['batch'],
    inject: (s) => s.setFaults({ bulkImportDisabled: true }),
    check: (outcomes) => expect(retryables(outcomes)).toEqual([])
  }
]

/**
 * Add mode is left out: a create Zendesk applied without answering makes the redelivery find the record, which
 * Add mode then leaves untouched (a 409), as it does for any record that exists.
 */
const FAULT_CASES = [...ACTION_CASES, ...OTHER_PATH_CASES.filter((action) => action.syncMode !== 'add')]

const cases = FAULTS.flatMap((fault) =>
  fault.modes.flatMap((mode) => FAULT_CASES.map((action) => [fault.name, mode, action.key, fault, action] as const))
)

describe.each(cases)('%s, %s, %s', (_, mode, __, fault, action) => {
  const send = async (destination: Destination<Settings>, numbers: number[]): Promise<Outcome[]> => {
    if (numbers.length === 0) return []
    const events = numbers.map(action.event)
    const subscriptions = subscriptionsOf(action)
    if (mode === 'batch') return sendMany(destination, events, subscriptions)
    return Promise.all(events.map((event) => sendOne(destination, event, subscriptions)))
  }

  it('ends every event delivered or retryable, delivered only when Zendesk holds it, and once after redelivery', async () => {
    action.seed(sim())
    fault.inject(sim())
    const first = await send(fault.impatient ? impatient : harness.destination, EVENTS)
    stopInjecting(sim())
    harness.usePolling(POLLING)

    // A transient fault never turns into a rejection, which would drop the event for good.
    expect(first.filter((o) => o.kind === 'rejected')).toEqual([])
    if (fault.allFail?.(action)) expect(first.map((o) => o.kind)).toEqual(EVENTS.map(() => 'retryable'))
    if (fault.status) for (const outcome of retryables(first)) expect(outcome).toMatchObject({ status: fault.status })
    fault.check?.(first, action, mode)
    const afterFault = sim().state()
    first.forEach((outcome, n) => {
      if (outcome.kind === 'delivered')
        expect({ event: n, held: action.held(afterFault, n) }).toEqual({ event: n, held: 1 })
    })

    // The fault clears, Zendesk finishes the jobs it accepted, and the host redelivers: everything when repeats are
    // harmless, else only what failed.
    await finishAcceptedJobs(sim())
    if (fault.appliedUnanswered) {
      // Zendesk holds what it applied without answering, so the redelivery below is a true repeat.
      const applied = sim().state()
      for (const n of EVENTS) expect({ event: n, held: action.held(applied, n) }).toEqual({ event: n, held: 1 })
    }
    const again = action.idempotent ? EVENTS : EVENTS.filter((n) => first[n].kind !== 'delivered')
    const second = await send(harness.destination, again)
    expect(second.map((o) => o.kind)).toEqual(again.map(() => 'delivered'))

    const final = sim().state()
    for (const n of EVENTS) {
      const held = action.held(final, n)
      // Zendesk events cannot be told apart, so one applied without an answer is stored again on redelivery.
      if (!action.idempotent && fault.appliedUnanswered) expect(held === 1 || held === 2).toBe(true)
      else expect({ event: n, held }).toEqual({ event: n, held: 1 })
    }
  })
})
