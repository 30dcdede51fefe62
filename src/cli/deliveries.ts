import type { SegmentEvent } from '@segment/actions-core'
import { realClock, type Clock, type Timers } from '../destinations/zendesk/client/time'
import type { ActionResult, EventReport, EventRunner } from './run-events'
import { describeEvent, type ReceivedEvent } from './segment-events'

/**
 * Where a delivery stands: first attempt under way, done, waiting for its next try, held until Zendesk is connected
 * again, refused, out of time, or nothing to do (no subscription wants the event).
 */
export type DeliveryState =
  'running' | 'delivered' | 'retrying' | 'awaiting connection' | 'rejected' | 'gave up' | 'no subscription matched'

/** What the host shows about one accepted event. */
export interface DeliveryView {
  id: string
  messageId: string
  description: string
  acceptedAt: string
  state: DeliveryState
  attempts: number
  /** each matched action's latest result, without the requests and mapped payload */
  actions: ActionResult[]
  /** why the event itself was rejected at once: it can never be delivered, so no action ran */
  reason?: string
  /** when the still-retryable actions run again */
  nextTryAt?: string
}

/** An event as the host received it on /v1/*. */
export interface RecentEvent {
  /** its delivery id */
  id: string
  description: string
  acceptedAt: string
  event: SegmentEvent
}

export interface RetryOptions {
  /** how long after acceptance a retryable action is still tried (default 30 minutes) */
  retryForMs?: number
  /** the wait after the first attempt, doubled after each further one (default 1 s) */
  firstBackoffMs?: number
  /** the longest wait between tries (default 5 minutes) */
  maxBackoffMs?: number
  /** milliseconds now (default: the real clock) */
  clock?: Clock
  /** what the tries wait with (default: real timers that never keep the process alive) */
  timers?: Timers
}

interface Delivery {
  id: string
  messageId: string
  /** the event to run; none when it was rejected at once */
  event?: SegmentEvent
  /** why it can never be delivered (then no action runs) */
  rejected?: string
  description: string
  acceptedAt: number
  giveUpAt: number
  attempts: number
  /** by subscription name */
  results: Map<string, ActionResult>
  /** the first attempt has not finished */
  running: boolean
  nextTryAt?: number
  gaveUp: boolean
}

/** A delivery whose event runs (it was not rejected at once). */
type Runnable = Delivery & { event: SegmentEvent }
const isRunnable = (delivery: Delivery): delivery is Runnable => delivery.event !== undefined

/** The next attempt needs a Zendesk connection: it waits for one, with no deadline, instead of a timer. */
const awaitsConnection = (delivery: Delivery) =>
  [...delivery.results.values()].some((result) => result.result === 'retryable' && result.awaitingConnection)

const DEFAULT_RETRY_FOR_MS = 30 * 60 * 1000
const PENDING_STATES: DeliveryState[] = ['running', 'retrying', 'awaiting connection']
/** Finished deliveries kept for the route and the page; the oldest go first. */
const KEEP_FINISHED = 10_000

/** Real timers that never keep the process alive: a pending retry does not hold a stopping host open. */
const backgroundTimers: Timers = {
  after(ms, wake) {
    const timer = setTimeout(wake, ms)
    timer.unref()
    return () => clearTimeout(timer)
  }
}

const brief = ({ requests: _requests, payload: _payload, ...rest }: ActionResult): ActionResult => rest

const pendingOf = (delivery: Delivery) =>
  [...delivery.results.values()].filter((result) => result.result === 'retryable').map((r) => r.subscription)

function stateOf(delivery: Delivery): DeliveryState {
  if (delivery.rejected !== undefined) return 'rejected'
  if (delivery.running) return 'running'
  const results = [...delivery.results.values()]
  if (results.length === 0) return 'no subscription matched'
  if (results.some((result) => result.result === 'retryable')) {
    if (delivery.gaveUp) return 'gave up'
    return awaitsConnection(delivery) ? 'awaiting connection' : 'retrying'
  }
  return results.some((result) => result.result === 'rejected') ? 'rejected' : 'delivered'
}

/** An event's outcome in a word or three: rejected if any action was, else retryable if any is, else delivered. */
function eventOutcome(delivery: Delivery): string {
  const actions = [...delivery.results.values()]
  if (delivery.rejected !== undefined) return `rejected: ${delivery.rejected}`
  if (actions.length === 0) return 'no subscription matched'
  for (const outcome of ['rejected', 'retryable'] as const)
    if (actions.some((a) => a.result === outcome)) return outcome
  return 'delivered'
}

/** One line for the terminal: the event, its outcome, and each action that was not delivered. */
function outcomeLine(delivery: Delivery, now: number): string {
  const failed = [...delivery.results.values()]
    .filter((a) => a.result !== 'delivered')
    .map((a) => `${a.action} ${a.result} ${a.status}${a.message ? `: ${a.message}` : ''}`)
  const { nextTryAt } = delivery
  const next = nextTryAt !== undefined ? `; next try in ${Math.ceil((nextTryAt - now) / 1000)} s` : ''
  const outcome = eventOutcome(delivery)
  return `  ${delivery.id} ${delivery.description} → ${outcome}${failed.length ? ` (${failed.join('; ')})` : ''}${next}`
}

/**
 * Every event the host accepted, until each of its actions is delivered or rejected: retryable actions run again
 * in the background (only those, in dependency order, due events together as one batch), after a backoff that
 * doubles from `firstBackoffMs` and is never shorter than the Retry-After the result carries, until `retryForMs`
 * after acceptance. An event that failed for want of a Zendesk connection is held, without a deadline, until
 * `resume()` says the host is connected again. Nothing is written to disk: a crash loses what is still pending.
 */
export class Deliveries {
  private readonly deliveries = new Map<string, Delivery>()
  private nextId = 1
  private cancelTimer?: () => void
  private retrying?: Promise<void>
  /** first attempts and retries under way */
  private readonly inFlight = new Set<Promise<unknown>>()
  private stopped = false
  private readonly retryForMs: number
  private readonly firstBackoffMs: number
  private readonly maxBackoffMs: number
  private readonly clock: Clock
  private readonly timers: Timers

  constructor(
    private readonly runner: EventRunner,
    private readonly log: (line: string) => void,
    options: RetryOptions = {}
  ) {
    this.retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS
    this.firstBackoffMs = options.firstBackoffMs ?? 1000
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60 * 1000
    this.clock = options.clock ?? realClock
    this.timers = options.timers ?? backgroundTimers
  }

  /**
   * Accepts what was received: each gets a delivery id at once. One that can never be delivered is rejected there
   * and then; `attempt` (the first run of the others' events, in order, already started) settles the rest. Answers
   * the ids, and a promise resolved once the first results are recorded.
   */
  accept(received: ReceivedEvent[], attempt: Promise<EventReport[]>): { ids: string[]; settled: Promise<void> } {
    const now = this.clock()
    const accepted = received.map((item) => {
      const delivery: Delivery = {
        id: `d${this.nextId++}`,
        ...(item.event
          ? { event: item.event, messageId: String(item.event.messageId), description: describeEvent(item.event) }
          : { rejected: item.rejected, messageId: item.messageId, description: item.description }),
        acceptedAt: now,
        giveUpAt: now + this.retryForMs,
        attempts: 0,
        results: new Map(),
        running: item.event !== undefined,
        gaveUp: false
      }
      this.deliveries.set(delivery.id, delivery)
      return delivery
    })
    this.forgetOldest()
    const runs = accepted.filter(isRunnable)
    const settled = this.track(
      attempt.then(
        (reports) => runs.forEach((delivery, i) => this.settle(delivery, reports[i].actions)),
        (error: unknown) => runs.forEach((delivery) => this.failAll(delivery, error))
      )
    )
    return { ids: accepted.map((delivery) => delivery.id), settled }
  }

  /** Logs each event's outcome line once its first attempt has finished (for an answer that did not wait for it). */
  logWhenSettled(ids: string[], settled: Promise<void>): void {
    settled.then(() => ids.forEach((id) => this.deliveries.has(id) && this.log(this.describe(id))))
  }

  /** The terminal line for an event: its delivery id, outcome, what failed and when it is tried next. */
  describe(id: string): string {
    return outcomeLine(this.deliveries.get(id)!, this.clock())
  }

  view(id: string): DeliveryView | undefined {
    const delivery = this.deliveries.get(id)
    return delivery && viewOf(delivery)
  }

  /** Newest first. */
  list(): DeliveryView[] {
    return [...this.deliveries.values()].reverse().map(viewOf)
  }

  /** The last `count` events accepted to run (not those rejected at once), newest first, each with its delivery id. */
  recentEvents(count: number): RecentEvent[] {
    return [...this.deliveries.values()]
      .filter(isRunnable)
      .slice(-count)
      .reverse()
      .map(({ id, description, acceptedAt, event }) => ({
        id,
        description,
        acceptedAt: new Date(acceptedAt).toISOString(),
        event
      }))
  }

  pending(): DeliveryView[] {
    return this.list().filter((delivery) => PENDING_STATES.includes(delivery.state))
  }

  /**
   * The host is connected again: what was held for want of a connection is tried now, and has `retryForMs` from now
   * for its retries (the time it was held does not count against it).
   */
  resume(): void {
    const now = this.clock()
    for (const delivery of this.deliveries.values()) {
      if (delivery.running || delivery.gaveUp || !awaitsConnection(delivery)) continue
      delivery.nextTryAt = now
      delivery.giveUpAt = Math.max(delivery.giveUpAt, now + this.retryForMs)
    }
    this.schedule()
  }

  /** No more retries. Answers what is still pending: running or retrying (dropped when the process exits). */
  stop(): DeliveryView[] {
    this.stopped = true
    this.cancelTimer?.()
    return this.pending()
  }

  /** Resolves once no attempt is under way. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work)
    const done = () => this.inFlight.delete(work)
    work.then(done, done)
    return work
  }

  /** An attempt's results replace the earlier ones of the subscriptions it ran; the rest stay as they were. */
  private settle(delivery: Delivery, results: ActionResult[]): void {
    for (const result of results) delivery.results.set(result.subscription, brief(result))
    delivery.attempts += 1
    delivery.running = false
    this.plan(delivery, this.clock())
    this.schedule()
  }

  /** A first attempt that failed as a whole (a bug in the host, not a result): every matching subscription is retried. */
  private failAll(delivery: Runnable, error: unknown): void {
    const message = `The local host could not run this event: ${(error as Error)?.message ?? String(error)}`
    const results = this.runner.subscriptionsFor(delivery.event).map((subscription): ActionResult => ({
      action: subscription.partnerAction,
      subscription: subscription.name,
      result: 'retryable',
      status: 500,
      message
    }))
    this.log(`  ${delivery.id} ${delivery.description}: ${message}`)
    this.settle(delivery, results)
  }

  /**
   * Sets the next try of a delivery with retryable actions, or gives up when it would fall past its deadline. One held
   * for want of a connection gets no try until `resume()`.
   */
  private plan(delivery: Delivery, now: number): void {
    delivery.nextTryAt = undefined
    const pending = [...delivery.results.values()].filter((result) => result.result === 'retryable')
    if (pending.length === 0 || awaitsConnection(delivery)) return
    const backoff = Math.min(this.maxBackoffMs, this.firstBackoffMs * 2 ** (delivery.attempts - 1))
    const asked = Math.max(0, ...pending.map((result) => (result.retryAfterSeconds ?? 0) * 1000))
    const at = now + Math.max(backoff, asked)
    if (at > delivery.giveUpAt) delivery.gaveUp = true
    else delivery.nextTryAt = at
  }

  private schedule(): void {
    if (this.stopped || this.retrying) return
    this.cancelTimer?.()
    const times = [...this.deliveries.values()].flatMap((d) => (d.nextTryAt === undefined ? [] : [d.nextTryAt]))
    if (times.length === 0) return
    this.cancelTimer = this.timers.after(Math.max(0, Math.min(...times) - this.clock()), () => this.retryDue())
  }

  private retryDue(): void {
    const now = this.clock()
    const due = [...this.deliveries.values()]
      .filter(isRunnable)
      .filter((d) => d.nextTryAt !== undefined && d.nextTryAt <= now)
    // A timer may fire a millisecond before the clock says the first delivery is due: wait for it then.
    if (due.length === 0) return this.schedule()
    this.retrying = this.track(this.retry(due)).finally(() => {
      this.retrying = undefined
      this.schedule()
    })
  }

  private async retry(due: Runnable[]): Promise<void> {
    const pending = due.map((delivery) => new Set(pendingOf(delivery)))
    let report
    try {
      report = await this.runner.runBatch(
        due.map((delivery) => delivery.event),
        (i, subscription) => pending[i].has(subscription.name)
      )
    } catch (error) {
      this.log(`Retrying ${due.length} event(s) failed: ${(error as Error).message}`)
      for (const delivery of due) {
        delivery.attempts += 1
        this.plan(delivery, this.clock())
      }
      return
    }
    due.forEach((delivery, i) => {
      this.settle(delivery, report.events[i].actions)
      this.log(
        `retry ${delivery.attempts - 1}:${outcomeLine(delivery, this.clock())}${delivery.gaveUp ? '; gave up' : ''}`
      )
    })
  }

  private forgetOldest(): void {
    for (const [id, delivery] of this.deliveries) {
      if (this.deliveries.size <= KEEP_FINISHED) return
      if (!delivery.running && delivery.nextTryAt === undefined) this.deliveries.delete(id)
    }
  }
}

function viewOf(delivery: Delivery): DeliveryView {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    description: delivery.description,
    acceptedAt: new Date(delivery.acceptedAt).toISOString(),
    state: stateOf(delivery),
    attempts: delivery.attempts,
    actions: [...delivery.results.values()],
    ...(delivery.rejected !== undefined ? { reason: delivery.rejected } : {}),
    ...(delivery.nextTryAt !== undefined ? { nextTryAt: new Date(delivery.nextTryAt).toISOString() } : {})
  }
}
