import type { Logger } from '@segment/actions-core'
import { FEWEST_FOR_A_JOB } from '../client/constants'
import type { JobItemOutcome } from '../client/jobs'
import type { TtlCache } from '../client/ttl-cache'
import { chunk, mapWithConcurrency, settle, statusOf, type Settled } from './results'

/** What a job says of an item it wrote: the record's id and what Zendesk did (`Created`, `Updated`), when it says. */
export type JobWritten = Extract<JobItemOutcome, { ok: true }>

/** What becomes of an item a job refused: settled so, written alone, or sent once more as `again`. */
export type Refusal<Item, Value> = Settled<Value> | 'alone' | { again: Item }

/** Why items are written without a job. */
export type WhyAlone = 'too few for a job' | 'refused by the job' | 'no bulk endpoint'

/** One kind of bulk write, as an action describes it to `writeInBulk`. */
export interface BulkWrite<Item, Value> {
  /** Submits one job of these items through the client: one outcome per item, in order. */
  job(items: Item[]): Promise<JobItemOutcome[]>
  /** The value of an item the job wrote. */
  written(item: Item, written: JobWritten): Value
  /** What becomes of an item the job refused; unset, its error settles it. */
  refused?(item: Item, error: Error): Refusal<Item, Value>
  /** Writes items without a job: one outcome per item, in order. */
  alone(items: Item[], why: WhyAlone): Promise<Settled<Value>[]>
  /**
   * Set where the account may refuse the job's endpoint (403) and the items can still be written without it:
   * `instead` (unset: `alone`), the refusal kept in `memory` so that later batches go that way at once. Unset, a
   * refused submission is the error of each of its items, as any other.
   */
  withoutJob?: { memory?: RefusalMemory; instead?(items: Item[]): Promise<Settled<Value>[]> }
}

export interface BulkOptions {
  /** Items per job: the mapped batch size, at most Zendesk's 100. */
  size: number
  /** Fewer items than this are written alone (default FEWEST_FOR_A_JOB); 1 where the caller chose jobs already. */
  fewestForAJob?: number
}

/**
 * Writes items in bulk, one outcome per item in order: fewer than a job pays for alone, the others in jobs of
 * `size`, one after the other. A refused submission is the error of each of its items, unless the write has a
 * way without the job (`withoutJob`, for a 403). An item the job refused is settled as `refused` says: as it is,
 * written alone, or sent once more (in a job again when there are enough).
 */
export async function writeInBulk<Item, Value>(
  items: readonly Item[],
  write: BulkWrite<Item, Value>,
  options: BulkOptions
): Promise<Settled<Value>[]> {
  if (items.length < (options.fewestForAJob ?? FEWEST_FOR_A_JOB)) return writeAlone(items, write, 'too few for a job')
  const outcomes: Settled<Value>[] = []
  for (const part of chunk(items, options.size)) outcomes.push(...(await writePart(part, write, options)))
  return outcomes
}

/** Writes each item with a request of its own, `concurrency` at a time: one outcome per item, in order. */
export function eachAlone<Item, Value>(
  items: readonly Item[],
  write: (item: Item) => Promise<Value>,
  concurrency = 1
): Promise<Settled<Value>[]> {
  return mapWithConcurrency(items, concurrency, (item) => settle(write(item)))
}

/** An account's refusal of one bulk endpoint (its 403), kept for a while and logged the first time. */
export interface RefusalMemory {
  refused(): boolean
  remember(): void
}

export function refusalMemory(
  refusals: TtlCache<string, true>,
  account: string,
  warning: string,
  logger?: Logger
): RefusalMemory {
  return {
    refused: () => refusals.get(account) === true,
    remember: () => {
      if (refusals.get(account)) return
      refusals.set(account, true)
      logger?.warn(warning)
    }
  }
}

async function writeAlone<Item, Value>(
  items: readonly Item[],
  write: BulkWrite<Item, Value>,
  why: WhyAlone
): Promise<Settled<Value>[]> {
  return items.length ? write.alone([...items], why) : []
}

async function writeWithoutJob<Item, Value>(items: Item[], write: BulkWrite<Item, Value>): Promise<Settled<Value>[]> {
  const instead = write.withoutJob?.instead
  return instead ? instead(items) : writeAlone(items, write, 'no bulk endpoint')
}

async function writePart<Item, Value>(
  part: Item[],
  write: BulkWrite<Item, Value>,
  options: BulkOptions
): Promise<Settled<Value>[]> {
  const { withoutJob } = write
  if (withoutJob?.memory?.refused()) return writeWithoutJob(part, write)
  let outcomes: JobItemOutcome[]
  try {
    outcomes = await write.job(part)
  } catch (error) {
    if (!withoutJob || statusOf(error) !== 403) return part.map(() => ({ ok: false, error }))
    withoutJob.memory?.remember()
    return writeWithoutJob(part, write)
  }
  return sorted(part, outcomes, write, options)
}

/** The job's outcomes settled, with the refused items written alone or sent once more as `refused` says. */
async function sorted<Item, Value>(
  part: Item[],
  outcomes: JobItemOutcome[],
  write: BulkWrite<Item, Value>,
  options: BulkOptions
): Promise<Settled<Value>[]> {
  const settled = new Array<Settled<Value>>(part.length)
  const alone: number[] = []
  const again: number[] = []
  const sentAgain: Item[] = []
  outcomes.forEach((outcome, position) => {
    const item = part[position]
    const refusal: Refusal<Item, Value> = outcome.ok
      ? { ok: true, value: write.written(item, outcome) }
      : (write.refused?.(item, outcome.error) ?? outcome)
    if (refusal === 'alone') alone.push(position)
    else if ('again' in refusal) {
      again.push(position)
      sentAgain.push(refusal.again)
    } else settled[position] = refusal
  })
  const fill = (positions: number[], filled: Settled<Value>[]) =>
    positions.forEach((position, i) => (settled[position] = filled[i]))
  const refused = alone.map((position) => part[position])
  fill(alone, await writeAlone(refused, write, 'refused by the job'))
  fill(again, await writeInBulk(sentAgain, write, options))
  return settled
}
