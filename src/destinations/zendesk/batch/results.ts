import {
  getErrorCodeFromHttpStatus,
  MultiStatusResponse,
  RetryableError,
  type JSONLikeObject
} from '@segment/actions-core'
import { statusOf } from '../client/errors'
import type { Settled } from '../client/settled'

export { statusOf, type Settled }

/** The work's value or error, as a Settled that never rejects. */
export function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  return work.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error })
  )
}

/**
 * The outcomes of items written in parts, each part's outcomes in its own order, put back in the order of
 * `items`. The items are distinct objects (each event's own), by which the outcomes are matched.
 */
export function inOrderOf<Item, Value>(items: readonly Item[], parts: [Item[], Settled<Value>[]][]): Settled<Value>[] {
  const outcomeOf = new Map<Item, Settled<Value>>()
  for (const [part, outcomes] of parts) part.forEach((item, position) => outcomeOf.set(item, outcomes[position]))
  return items.map((item) => outcomeOf.get(item)!)
}

/**
 * The error with `prefix` before its message, e.g. the record it is about. A copy of the same class, status,
 * retry time and Zendesk refusal, so an error that is the outcome of several events is never changed for one.
 */
export function withMessagePrefix(error: unknown, prefix: string): unknown {
  if (!(error instanceof Error)) return error
  const copy = Object.create(Object.getPrototypeOf(error), Object.getOwnPropertyDescriptors(error)) as Error
  copy.message = `${prefix}${error.message}`
  return copy
}

/**
 * Hosts decide from a batch item's status alone whether to retry it, so a retryable error whose own status
 * would read as final (a 409 conflict) is reported as a 503.
 */
function batchStatusOf(error: unknown): number {
  const status = statusOf(error)
  return error instanceof RetryableError && status < 500 && status !== 408 && status !== 429 ? 503 : status
}

/** The wait a retryable error carries (Zendesk's Retry-After), in seconds. */
function waitOf(error: unknown): number | undefined {
  const seconds = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Collects one result per event of a batch, in order, and turns them into a MultiStatusResponse.
 * Every event is settled exactly once: a success for what Zendesk accepted, its own error otherwise.
 */
export class BatchResults<P extends object> {
  private readonly settled = new Map<number, { ok: true; body: JSONLikeObject } | { ok: false; error: unknown }>()

  constructor(readonly payloads: P[]) {}

  succeed(index: number, body: JSONLikeObject): void {
    this.settled.set(index, { ok: true, body })
  }

  fail(index: number, error: unknown): void {
    this.settled.set(index, { ok: false, error })
  }

  settle(index: number, outcome: Settled<JSONLikeObject>): void {
    if (outcome.ok) this.succeed(index, outcome.value)
    else this.fail(index, outcome.error)
  }

  /**
   * Checks every payload before any request: what `check` returns for each payload it accepts, keyed by index;
   * a payload it throws for is settled with that error.
   */
  checkEach<T>(check: (payload: P) => T): Map<number, T> {
    const checked = new Map<number, T>()
    this.payloads.forEach((payload, index) => {
      try {
        checked.set(index, check(payload))
      } catch (error) {
        this.fail(index, error)
      }
    })
    return checked
  }

  isSettled(index: number): boolean {
    return this.settled.has(index)
  }

  /** The settled result of one event as perform answers it: its body, or its error thrown as it is. */
  outcome(index: number): JSONLikeObject {
    const result = this.settled.get(index)
    if (!result) throw notProcessed()
    if (!result.ok) throw result.error
    return result.body
  }

  toMultiStatus(): MultiStatusResponse {
    const response = new MultiStatusResponse()
    this.payloads.forEach((payload, index) => {
      const sent = payload as unknown as JSONLikeObject
      const result = this.settled.get(index) ?? { ok: false as const, error: notProcessed() }
      if (result.ok) {
        response.setSuccessResponseAtIndex(index, { status: 200, sent, body: result.body })
      } else {
        const status = batchStatusOf(result.error)
        const retryAfterSeconds = waitOf(result.error)
        response.setErrorResponseAtIndex(index, {
          status,
          errortype: getErrorCodeFromHttpStatus(status),
          errormessage: messageOf(result.error),
          sent,
          // The wait Zendesk asked for travels as data, for a host that paces its retries by it.
          ...(retryAfterSeconds === undefined ? {} : { body: { retryAfterSeconds } })
        })
      }
    })
    return response
  }
}

const notProcessed = () => new Error('The event was not processed (internal error); it will be retried')

/**
 * `perform` as the batch pipeline run on one payload, so single events and batches share every line of logic:
 * the event's result, or its own error thrown.
 */
export async function performOne<P extends object>(
  payload: P,
  runBatch: (payloads: P[]) => Promise<BatchResults<P>>
): Promise<JSONLikeObject> {
  return (await runBatch([payload])).outcome(0)
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}
