import type { SegmentEvent } from '@segment/actions-core'
import type { ActionResult, EventReport, EventRunner, Outcome } from './run-events'

/**
 * Where a delivery stands: first attempt under way, done, waiting for its next try, held until Zendesk is connected
 * again, refused, or out of time.
 */
export type DeliveryState = 'running' | 'delivered' | 'retrying' | 'awaiting connection' | 'rejected' | 'gave up'

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
}

interface Delivery {
  id: string
  event: SegmentEvent
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

/** The next attempt needs a Zendesk connection: it waits for one, with no deadline, instead of a timer. */
const awaitsConnection = (delivery: Delivery) =>
  [...delivery.results.values()].some((result) => result.result === 'retryable' && result.awaitingConnection)

const DEFAULT_RETRY_FOR_MS = 30 * 60 * 1000
const PENDING_STATES: DeliveryState[] = ['running', 'retrying', 'awaiting connection']
/** Finished deliveries kept for the route and the page; the oldest go first. */
const KEEP_FINISHED = 10_000

const brief = ({ requests: _requests, payload: _payload, ...rest }: ActionResult): ActionResult => rest

const pendingOf = (delivery: Delivery) =>
  [...delivery.results.values()].filter((result) => result.result === 'retryable').map((r) => r.subscription)

function stateOf(delivery: Delivery): DeliveryState {
  if (delivery.running) return 'running'
  const results = [...delivery.results.values()]
  if (results.some((result) => result.result === 'retryable')) {
    if (delivery.gaveUp) return 'gave up'
    return awaitsConnection(delivery) ? 'awaiting connection' : 'retrying'
  }
  return results.some((result) => result.result === 'rejected') ? 'rejected' : 'delivered'
}

/** An event's outcome in one word: rejected if any action was, else retryable if any is, else delivered. */
function eventOutcome(actions: ActionResult[]): Outcome | 'matched no subscription' {
  if (actions.length === 0) return 'matched no subscription'
  for (const outcome of ['rejected', 'retryable'] as const)
    if (actions.some((a) => a.result === outcome)) return outcome
  return 'delivered'
}

/** One line for the terminal: the event, its outcome, and each action that was not delivered. */
function outcomeLine(label: string, description: string, actions: ActionResult[], nextTryAt?: number): string {
  const failed = actions
    .filter((a) => a.result !== 'delivered')
    .map((a) => `${a.action} ${a.result} ${a.status}${a.message ? `: ${a.message}` : ''}`)
  const next = nextTryAt !== undefined ? `; next try in ${Math.ceil((nextTryAt - Date.now()) / 1000)} s` : ''
  return `  ${label} ${description} → ${eventOutcome(actions)}${failed.length ? ` (${failed.join('; ')})` : ''}${next}`
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
  private timer?: NodeJS.Timeout
  private retrying?: Promise<void>
  /** first attempts and retries under way */
  private readonly inFlight = new Set<Promise<unknown>>()
  private stopped = false
  private readonly retryForMs: number
  private readonly firstBackoffMs: number
  private readonly maxBackoffMs: number

  constructor(
    private readonly runner: EventRunner,
    private readonly log: (line: string) => void,
    options: RetryOptions = {}
  ) {
    this.retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS
    this.firstBackoffMs = options.firstBackoffMs ?? 1000
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60 * 1000
  }

  /**
   * Accepts events: each gets a delivery id at once, and `attempt` (their first run, already started) settles
   * them. Answers the ids, and a promise resolved once the first results are recorded.
   */
  accept(
    events: SegmentEvent[],
    describe: (event: SegmentEvent) => string,
    attempt: Promise<EventReport[]>
  ): { ids: string[]; settled: Promise<void> } {
    const now = Date.now()
    const accepted = events.map((event) => {
      const delivery: Delivery = {
        id: `d${this.nextId++}`,
        event,
        description: describe(event),
        acceptedAt: now,
        giveUpAt: now + this.retryForMs,
        attempts: 0,
        results: new Map(),
        running: true,
        gaveUp: false
      }
      this.deliveries.set(delivery.id, delivery)
      return delivery
    })
    this.forgetOldest()
    const settled = this.track(
      attempt.then(
        (reports) => accepted.forEach((delivery, i) => this.settle(delivery, reports[i].actions)),
        (error: unknown) => accepted.forEach((delivery) => this.failAll(delivery, error))
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
    const delivery = this.deliveries.get(id)!
    return outcomeLine(id, delivery.description, [...delivery.results.values()], delivery.nextTryAt)
  }

  view(id: string): DeliveryView | undefined {
    const delivery = this.deliveries.get(id)
    return delivery && viewOf(delivery)
  }

  /** Newest first. */
  list(): DeliveryView[] {
    return [...this.deliveries.values()].reverse().map(viewOf)
  }

  /** The last `count` events accepted, newest first, each with its delivery id. */
  recentEvents(count: number): RecentEvent[] {
    return [...this.deliveries.values()]
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
    const now = Date.now()
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
    clearTimeout(this.timer)
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
    this.plan(delivery, Date.now())
    this.schedule()
  }

  /** A first attempt that failed as a whole (a bug in the host, not a result): every matching subscription is retried. */
  private failAll(delivery: Delivery, error: unknown): void {
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
    clearTimeout(this.timer)
    const times = [...this.deliveries.values()].flatMap((d) => (d.nextTryAt === undefined ? [] : [d.nextTryAt]))
    if (times.length === 0) return
    this.timer = setTimeout(() => this.retryDue(), Math.max(0, Math.min(...times) - Date.now()))
    this.timer.unref()
  }

  private retryDue(): void {
    const now = Date.now()
    const due = [...this.deliveries.values()].filter((d) => d.nextTryAt !== undefined && d.nextTryAt <= now)
    // A timer may fire a millisecond before Date.now() says the first delivery is due: wait for it then.
    if (due.length === 0) return this.schedule()
    this.retrying = this.track(this.retry(due)).finally(() => {
      this.retrying = undefined
      this.schedule()
    })
  }

  private async retry(due: Delivery[]): Promise<void> {
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
        this.plan(delivery, Date.now())
      }
      return
    }
    due.forEach((delivery, i) => {
      this.settle(delivery, report.events[i].actions)
      const line = outcomeLine(delivery.id, delivery.description, [...delivery.results.values()], delivery.nextTryAt)
      this.log(`retry ${delivery.attempts - 1}:${line}${delivery.gaveUp ? '; gave up' : ''}`)
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
    messageId: String(delivery.event.messageId),
    description: delivery.description,
    acceptedAt: new Date(delivery.acceptedAt).toISOString(),
    state: stateOf(delivery),
    attempts: delivery.attempts,
    actions: [...delivery.results.values()],
    ...(delivery.nextTryAt !== undefined ? { nextTryAt: new Date(delivery.nextTryAt).toISOString() } : {})
  }
}
