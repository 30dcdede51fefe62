import { realClock, type Clock, type Timers } from '../destinations/zendesk/client/time'
import {
  afterAttempt,
  afterFailedAttempt,
  isRunnable,
  outcomeLine,
  PENDING_STATES,
  resumed,
  stateOf,
  subscriptionsToRun,
  viewOf,
  type Delivery,
  type DeliveryView,
  type RetryRules,
  type Runnable
} from './delivery-rules'
import type { ActionResult, EventReport, EventRunner } from './run-events'
import { describeEvent, type ReceivedEvent } from './segment-events'

export type { DeliveryState, DeliveryView } from './delivery-rules'

/** An event as the host received it on /v1/*. */
export interface RecentEvent {
  /** its delivery id */
  id: string
  description: string
  acceptedAt: string
  event: Runnable['event']
}

export interface RetryOptions {
  /** how long after acceptance a retryable action is still tried (default 30 minutes) */
  retryForMs?: number
  /** the wait after the first attempt, doubled after each further one (default 1 s) */
  firstBackoffMs?: number
  /** the longest wait between tries (default 5 minutes) */
  maxBackoffMs?: number
  /**
   * with a database: how long after a host last renewed its hold on the deliveries it works on another host takes
   * them over, as from a host that died (default 30 s; renewed every half of it while the attempt runs)
   */
  leaseMs?: number
  /** with a database: how often to look for deliveries other hosts left due (default 5 s) */
  lookEveryMs?: number
  /** milliseconds now (default: the real clock) */
  clock?: Clock
  /** what the tries wait with (default: real timers that never keep the process alive) */
  timers?: Timers
}

/** A new delivery, before the store gives it its id. */
export type NewDelivery = Omit<Delivery, 'id'>

/**
 * Where the deliveries are kept: in this process's memory, or in a database several hosts share. The rules (states,
 * backoff, outcome lines) are in delivery-rules.ts; a store only keeps records and hands out due ones.
 */
export interface DeliveryStore {
  /**
   * Keeps new deliveries (once it resolves, they are kept: durably, for a database) and answers them with their ids.
   * A running one may be taken over by another host from `leaseUntil`, if this one has not recorded its attempt.
   */
  add(deliveries: NewDelivery[], leaseUntil: number): Promise<Delivery[]>
  /** Records deliveries as they stand after an attempt. */
  save(deliveries: Delivery[]): Promise<void>
  /** The deliveries due by `now` (their next try, or a lease run out), each taken by this host until `leaseUntil`. */
  claimDue(now: number, leaseUntil: number): Promise<Runnable[]>
  /**
   * Extends this host's leases on deliveries it still works on, so that no other host takes them over meanwhile;
   * none in memory, where there are no leases.
   */
  renewLeases?(ids: string[], leaseUntil: number): Promise<void>
  /** When the earliest delivery falls due; undefined when none is. */
  nextDueAt(): Promise<number | undefined>
  /** The given deliveries, in that order (those no longer kept are left out). */
  get(ids: string[]): Promise<Delivery[]>
  /** Newest first. */
  list(): Promise<Delivery[]>
  /** Running, retrying or awaiting a connection, newest first. */
  pending(): Promise<Delivery[]>
  /** The last `count` deliveries with an event to run, newest first. */
  recentRunnable(count: number): Promise<Runnable[]>
  /** Every delivery awaiting a connection, as `change` makes it (tried at once). */
  resumeAwaiting(change: (delivery: Delivery) => Delivery): Promise<void>
  /** How often to look for deliveries other hosts left (their leases running out); none when no other host can. */
  readonly lookEveryMs?: number
  /** where the deliveries are kept, for the start-up lines */
  readonly description: string
  close(): Promise<void>
}

/** The events' first attempt, run once they are kept: each event's report, in order. */
export type FirstAttempt = (events: Runnable['event'][]) => Promise<EventReport[]>

/** What was accepted: each event's delivery as it stood then, and once the first attempt is recorded, as it stands. */
export interface Acceptance {
  accepted: DeliveryView[]
  settled: Promise<Array<{ view: DeliveryView; line: string }>>
}

const DEFAULT_RETRY_FOR_MS = 30 * 60 * 1000
const DEFAULT_LEASE_MS = 30 * 1000
/** Finished deliveries kept for the route and the page; the oldest go first. */
export const KEEP_FINISHED = 10_000

/** Real timers that never keep the process alive: a pending retry does not hold a stopping host open. */
const backgroundTimers: Timers = {
  after(ms, wake) {
    const timer = setTimeout(wake, ms)
    timer.unref()
    return () => clearTimeout(timer)
  }
}

/**
 * The deliveries of this process, in memory: a crash loses what is still pending. Each is due at its next try;
 * there are no leases, since no other host shares them.
 */
export class MemoryDeliveryStore implements DeliveryStore {
  private readonly deliveries = new Map<string, Delivery>()
  private nextId = 1
  readonly description = 'in memory (--memory): a crash or stop drops what is still pending'

  async add(fresh: NewDelivery[]): Promise<Delivery[]> {
    const added = fresh.map((delivery) => ({ id: `d${this.nextId++}`, ...delivery }))
    for (const delivery of added) this.deliveries.set(delivery.id, delivery)
    this.forgetOldest()
    return added
  }

  async save(deliveries: Delivery[]): Promise<void> {
    for (const delivery of deliveries) if (this.deliveries.has(delivery.id)) this.deliveries.set(delivery.id, delivery)
  }

  async claimDue(now: number): Promise<Runnable[]> {
    return this.runnable().filter((d) => d.nextTryAt !== undefined && d.nextTryAt <= now)
  }

  async nextDueAt(): Promise<number | undefined> {
    const times = [...this.deliveries.values()].flatMap((d) => (d.nextTryAt === undefined ? [] : [d.nextTryAt]))
    return times.length > 0 ? Math.min(...times) : undefined
  }

  async get(ids: string[]): Promise<Delivery[]> {
    return ids.flatMap((id) => this.deliveries.get(id) ?? [])
  }

  async list(): Promise<Delivery[]> {
    return [...this.deliveries.values()].reverse()
  }

  async pending(): Promise<Delivery[]> {
    return (await this.list()).filter((delivery) => PENDING_STATES.includes(stateOf(delivery)))
  }

  async recentRunnable(count: number): Promise<Runnable[]> {
    return this.runnable().slice(-count).reverse()
  }

  async resumeAwaiting(change: (delivery: Delivery) => Delivery): Promise<void> {
    for (const delivery of this.deliveries.values())
      if (stateOf(delivery) === 'awaiting connection') this.deliveries.set(delivery.id, change(delivery))
  }

  async close(): Promise<void> {}

  private runnable(): Runnable[] {
    return [...this.deliveries.values()].filter(isRunnable)
  }

  private forgetOldest(): void {
    for (const [id, delivery] of this.deliveries) {
      if (this.deliveries.size <= KEEP_FINISHED) return
      if (!delivery.running && delivery.nextTryAt === undefined) this.deliveries.delete(id)
    }
  }
}

/**
 * Every event the host accepted, until each of its actions is delivered or rejected: retryable actions run again
 * in the background (only those, in dependency order, due events together as one batch), after a backoff that
 * doubles from `firstBackoffMs` and is never shorter than the Retry-After the result carries, until `retryForMs`
 * after acceptance. An event that failed for want of a Zendesk connection is held, without a deadline, until
 * `resume()` says the host is connected again. The store says where they are kept: in memory (a crash loses what is
 * pending), or in a database, where hosts sharing it take over the deliveries of one that died.
 */
export class Deliveries {
  private cancelTimer?: () => void
  private retrying?: Promise<void>
  /** the deliveries this host is attempting, whose leases it renews */
  private readonly working = new Set<string>()
  private cancelRenewal?: () => void
  /** first attempts, retries and bookkeeping under way */
  private readonly inFlight = new Set<Promise<unknown>>()
  private stopped = false
  private readonly rules: RetryRules
  private readonly leaseMs: number
  private readonly clock: Clock
  private readonly timers: Timers

  constructor(
    private readonly runner: EventRunner,
    private readonly log: (line: string) => void,
    options: RetryOptions = {},
    readonly store: DeliveryStore = new MemoryDeliveryStore()
  ) {
    this.rules = {
      retryForMs: options.retryForMs ?? DEFAULT_RETRY_FOR_MS,
      firstBackoffMs: options.firstBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 5 * 60 * 1000
    }
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
    this.clock = options.clock ?? realClock
    this.timers = options.timers ?? backgroundTimers
  }

  /** Looks for deliveries left due (by an earlier run of the host on the same database, or by a host that died). */
  start(): void {
    this.track(this.schedule())
  }

  /**
   * Accepts what was received once the store keeps it: each gets a delivery id. One that can never be delivered is
   * rejected there and then; `attempt`, the first run of the others' events (in order), starts then.
   */
  async accept(received: ReceivedEvent[], attempt: FirstAttempt): Promise<Acceptance> {
    const now = this.clock()
    const fresh = received.map((item): NewDelivery => ({
      ...(item.event
        ? { event: item.event, messageId: String(item.event.messageId), description: describeEvent(item.event) }
        : { rejected: item.rejected, messageId: item.messageId, description: item.description }),
      acceptedAt: now,
      giveUpAt: now + this.rules.retryForMs,
      attempts: 0,
      results: [],
      running: item.event !== undefined,
      gaveUp: false
    }))
    const added = await this.store.add(fresh, now + this.leaseMs)
    const settled = this.track(this.firstAttempt(added, attempt))
    return {
      accepted: added.map(viewOf),
      settled: settled.then((deliveries) =>
        deliveries.map((delivery) => ({ view: viewOf(delivery), line: outcomeLine(delivery, this.clock()) }))
      )
    }
  }

  /** Logs each event's outcome line once its first attempt has finished (for an answer that did not wait for it). */
  logWhenSettled({ settled }: Acceptance): void {
    settled.then((outcomes) => outcomes.forEach(({ line }) => this.log(line)))
  }

  async view(id: string): Promise<DeliveryView | undefined> {
    const [delivery] = await this.store.get([id])
    return delivery && viewOf(delivery)
  }

  /** Newest first. */
  async list(): Promise<DeliveryView[]> {
    return (await this.store.list()).map(viewOf)
  }

  async pending(): Promise<DeliveryView[]> {
    return (await this.store.pending()).map(viewOf)
  }

  /** The last `count` events accepted to run (not those rejected at once), newest first, each with its delivery id. */
  async recentEvents(count: number): Promise<RecentEvent[]> {
    return (await this.store.recentRunnable(count)).map(({ id, description, acceptedAt, event }) => ({
      id,
      description,
      acceptedAt: new Date(acceptedAt).toISOString(),
      event
    }))
  }

  /**
   * The host is connected again: what was held for want of a connection is tried now, and has `retryForMs` from now
   * for its retries (the time it was held does not count against it).
   */
  resume(): void {
    const now = this.clock()
    this.track(
      this.store
        .resumeAwaiting((delivery) => resumed(delivery, now, this.rules))
        .then(() => this.retryDue())
        .catch((error: unknown) =>
          this.log(`Resuming the deliveries awaiting a connection failed: ${messageOf(error)}`)
        )
    )
  }

  /** No more retries here. Answers what is still pending: in memory, dropped when the process exits. */
  async stop(): Promise<DeliveryView[]> {
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

  /** Runs the first attempt of the runnable deliveries, records its results, and answers every delivery after it. */
  private async firstAttempt(added: Delivery[], attempt: FirstAttempt): Promise<Delivery[]> {
    const runs = added.filter(isRunnable)
    let settled: Delivery[]
    try {
      const reports = await this.holding(runs, () => attempt(runs.map((delivery) => delivery.event)))
      settled = runs.map((delivery, i) => afterAttempt(delivery, reports[i].actions, this.clock(), this.rules))
    } catch (error) {
      settled = runs.map((delivery) => this.failedAsAWhole(delivery, error))
    }
    await this.record(settled)
    const byId = new Map(settled.map((delivery) => [delivery.id, delivery]))
    return added.map((delivery) => byId.get(delivery.id) ?? delivery)
  }

  /** A first attempt that failed as a whole (a bug in the host, not a result): every matching subscription is retried. */
  private failedAsAWhole(delivery: Runnable, error: unknown): Delivery {
    const message = `The local host could not run this event: ${messageOf(error)}`
    const results = this.runner.subscriptionsFor(delivery.event).map((subscription): ActionResult => ({
      action: subscription.partnerAction,
      subscription: subscription.name,
      result: 'retryable',
      status: 500,
      message
    }))
    this.log(`  ${delivery.id} ${delivery.description}: ${message}`)
    return afterAttempt(delivery, results, this.clock(), this.rules)
  }

  /** Runs `work` on deliveries this host holds, renewing its leases on them until it is done. */
  private async holding<T>(deliveries: Delivery[], work: () => Promise<T>): Promise<T> {
    for (const delivery of deliveries) this.working.add(delivery.id)
    this.planRenewal()
    try {
      return await work()
    } finally {
      for (const delivery of deliveries) this.working.delete(delivery.id)
      if (this.working.size === 0) {
        this.cancelRenewal?.()
        this.cancelRenewal = undefined
      }
    }
  }

  private planRenewal(): void {
    const { renewLeases } = this.store
    if (!renewLeases || this.cancelRenewal) return
    this.cancelRenewal = this.timers.after(this.leaseMs / 2, () => {
      this.cancelRenewal = undefined
      if (this.working.size === 0) return
      const renewing = renewLeases.call(this.store, [...this.working], this.clock() + this.leaseMs)
      this.track(renewing.catch((error: unknown) => this.log(`Renewing leases failed: ${messageOf(error)}`)))
      this.planRenewal()
    })
  }

  /** Saves what the first attempt made of deliveries, then plans the next wake. */
  private async record(deliveries: Delivery[]): Promise<void> {
    await this.save(deliveries)
    await this.schedule()
  }

  /** A failed save is logged: with a database, the lease brings the deliveries back. */
  private async save(deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return
    await this.store
      .save(deliveries)
      .catch((error: unknown) => this.log(`Recording ${deliveries.length} delivery(ies) failed: ${messageOf(error)}`))
  }

  /** Wakes when the earliest delivery falls due, or, with other hosts, when it is time to look for what they left. */
  private async schedule(): Promise<void> {
    if (this.stopped || this.retrying) return
    let dueAt: number | undefined
    try {
      dueAt = await this.store.nextDueAt()
    } catch (error) {
      this.log(`Looking for due deliveries failed: ${messageOf(error)}`)
    }
    if (this.stopped || this.retrying) return
    const now = this.clock()
    const lookAt = this.store.lookEveryMs === undefined ? undefined : now + this.store.lookEveryMs
    const wakeAt = Math.min(dueAt ?? Infinity, lookAt ?? Infinity)
    this.cancelTimer?.()
    this.cancelTimer = undefined
    if (wakeAt !== Infinity) this.cancelTimer = this.timers.after(Math.max(0, wakeAt - now), () => this.retryDue())
  }

  private retryDue(): void {
    if (this.stopped || this.retrying) return
    const retrying = async () => {
      try {
        await this.retry()
      } finally {
        this.retrying = undefined
        await this.schedule()
      }
    }
    this.retrying = this.track(retrying())
  }

  /** Runs the due deliveries' pending subscriptions as one batch (a timer a millisecond early finds none). */
  private async retry(): Promise<void> {
    const now = this.clock()
    let due: Runnable[]
    try {
      due = await this.store.claimDue(now, now + this.leaseMs)
    } catch (error) {
      return this.log(`Looking for due deliveries failed: ${messageOf(error)}`)
    }
    if (due.length === 0) return
    const toRun = due.map(subscriptionsToRun)
    let report
    try {
      report = await this.holding(due, () =>
        this.runner.runBatch(
          due.map((delivery) => delivery.event),
          (i, subscription) => toRun[i](subscription.name)
        )
      )
    } catch (error) {
      this.log(`Retrying ${due.length} event(s) failed: ${messageOf(error)}`)
      return this.save(due.map((delivery) => afterFailedAttempt(delivery, this.clock(), this.rules)))
    }
    const settled = due.map((delivery, i) => afterAttempt(delivery, report.events[i].actions, this.clock(), this.rules))
    due.forEach((before, i) => {
      const after = settled[i]
      // A delivery whose first attempt never was recorded (its host died) is taken over here.
      const what = before.running ? 'taken over' : `retry ${after.attempts - 1}`
      this.log(`${what}:${outcomeLine(after, this.clock())}${after.gaveUp ? '; gave up' : ''}`)
    })
    await this.save(settled)
  }
}

const messageOf = (error: unknown) => (error as Error)?.message ?? String(error)
