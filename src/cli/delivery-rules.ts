import type { SegmentEvent } from '@segment/actions-core'
import type { ActionResult } from './run-events'

/**
 * Where a delivery stands: first attempt under way, done, waiting for its next try, held until Zendesk is connected
 * again, refused, out of time, or nothing to do (no subscription wants the event).
 */
export type DeliveryState =
  'running' | 'delivered' | 'retrying' | 'awaiting connection' | 'rejected' | 'gave up' | 'no subscription matched'

export const PENDING_STATES: DeliveryState[] = ['running', 'retrying', 'awaiting connection']

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

/** One accepted event and where its delivery stands: plain data, kept in memory or in a database as it is. */
export interface Delivery {
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
  /** each matched subscription's latest result, in the order they first came */
  results: ActionResult[]
  /** the first attempt has not finished */
  running: boolean
  nextTryAt?: number
  gaveUp: boolean
}

/** A delivery whose event runs (it was not rejected at once). */
export type Runnable = Delivery & { event: SegmentEvent }
export const isRunnable = (delivery: Delivery): delivery is Runnable => delivery.event !== undefined

/** How retryable results are tried again. */
export interface RetryRules {
  /** how long after acceptance a retryable action is still tried */
  retryForMs: number
  /** the wait after the first attempt, doubled after each further one */
  firstBackoffMs: number
  /** the longest wait between tries */
  maxBackoffMs: number
}

const retryable = (delivery: Delivery) => delivery.results.filter((result) => result.result === 'retryable')

/** The next attempt needs a Zendesk connection: it waits for one, with no deadline, instead of a timer. */
const awaitsConnection = (delivery: Delivery) => retryable(delivery).some((result) => result.awaitingConnection)

/** The subscriptions a retry runs: the retryable ones, or every matching one when no attempt was recorded yet. */
export function subscriptionsToRun(delivery: Delivery): (name: string) => boolean {
  if (delivery.running) return () => true
  const pending = new Set(retryable(delivery).map((result) => result.subscription))
  return (name) => pending.has(name)
}

export function stateOf(delivery: Delivery): DeliveryState {
  if (delivery.rejected !== undefined) return 'rejected'
  if (delivery.running) return 'running'
  if (delivery.results.length === 0) return 'no subscription matched'
  if (retryable(delivery).length > 0) {
    if (delivery.gaveUp) return 'gave up'
    return awaitsConnection(delivery) ? 'awaiting connection' : 'retrying'
  }
  return delivery.results.some((result) => result.result === 'rejected') ? 'rejected' : 'delivered'
}

const brief = ({ requests: _requests, payload: _payload, ...rest }: ActionResult): ActionResult => rest

/**
 * The delivery after an attempt: its results replace the earlier ones of the subscriptions it ran (the rest stay as
 * they were), and its next try is planned, or it gives up when that would fall past its deadline. One held for want
 * of a connection gets no try until it is resumed.
 */
export function afterAttempt(delivery: Delivery, results: ActionResult[], now: number, rules: RetryRules): Delivery {
  const bySubscription = new Map(delivery.results.map((result) => [result.subscription, result]))
  for (const result of results) bySubscription.set(result.subscription, brief(result))
  return planned(
    { ...delivery, results: [...bySubscription.values()], attempts: delivery.attempts + 1, running: false },
    now,
    rules
  )
}

/** An attempt that failed as a whole, with no result (the runner threw): counted, and planned again. */
export function afterFailedAttempt(delivery: Delivery, now: number, rules: RetryRules): Delivery {
  return planned({ ...delivery, attempts: delivery.attempts + 1 }, now, rules)
}

/** Backoff doubling from the first, never shorter than the Retry-After a result carries, within the deadline. */
function planned(delivery: Delivery, now: number, rules: RetryRules): Delivery {
  const pending = retryable(delivery)
  if (pending.length === 0 || awaitsConnection(delivery)) return { ...delivery, nextTryAt: undefined }
  const backoff = Math.min(rules.maxBackoffMs, rules.firstBackoffMs * 2 ** (delivery.attempts - 1))
  const asked = Math.max(0, ...pending.map((result) => (result.retryAfterSeconds ?? 0) * 1000))
  const at = now + Math.max(backoff, asked)
  return at > delivery.giveUpAt ? { ...delivery, nextTryAt: undefined, gaveUp: true } : { ...delivery, nextTryAt: at }
}

/**
 * A held delivery once the host is connected again: tried now, with `retryForMs` from now for its retries (the time
 * it was held does not count against it).
 */
export function resumed(delivery: Delivery, now: number, rules: RetryRules): Delivery {
  return { ...delivery, nextTryAt: now, giveUpAt: Math.max(delivery.giveUpAt, now + rules.retryForMs) }
}

/** An event's outcome in a word or three: rejected if any action was, else retryable if any is, else delivered. */
function eventOutcome(delivery: Delivery): string {
  if (delivery.rejected !== undefined) return `rejected: ${delivery.rejected}`
  if (delivery.results.length === 0) return 'no subscription matched'
  for (const outcome of ['rejected', 'retryable'] as const)
    if (delivery.results.some((a) => a.result === outcome)) return outcome
  return 'delivered'
}

/** One line for the terminal: the event, its outcome, and each action that was not delivered. */
export function outcomeLine(delivery: Delivery, now: number): string {
  const failed = delivery.results
    .filter((a) => a.result !== 'delivered')
    .map((a) => `${a.action} ${a.result} ${a.status}${a.message ? `: ${a.message}` : ''}`)
  const { nextTryAt } = delivery
  const next = nextTryAt !== undefined ? `; next try in ${Math.ceil((nextTryAt - now) / 1000)} s` : ''
  const outcome = eventOutcome(delivery)
  return `  ${delivery.id} ${delivery.description} → ${outcome}${failed.length ? ` (${failed.join('; ')})` : ''}${next}`
}

export function viewOf(delivery: Delivery): DeliveryView {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    description: delivery.description,
    acceptedAt: new Date(delivery.acceptedAt).toISOString(),
    state: stateOf(delivery),
    attempts: delivery.attempts,
    actions: delivery.results,
    ...(delivery.rejected !== undefined ? { reason: delivery.rejected } : {}),
    ...(delivery.nextTryAt !== undefined ? { nextTryAt: new Date(delivery.nextTryAt).toISOString() } : {})
  }
}
