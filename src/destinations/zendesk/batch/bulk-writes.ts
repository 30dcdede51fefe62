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
export function writeInBulk<Item, Value>(
  items: readonly Item[],
  write: BulkWrite<Item, Value>,
  options: BulkOptions
): Promise<Settled<Value>[]> {
  return new BulkWriter(write, options).write(items)
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

class BulkWriter<Item, Value> {
  constructor(
    private readonly description: BulkWrite<Item, Value>,
    private readonly options: BulkOptions
  ) {}

  async write(items: readonly Item[]): Promise<Settled<Value>[]> {
    const fewest = this.options.fewestForAJob ?? FEWEST_FOR_A_JOB
    if (items.length < fewest) return this.alone(items, 'too few for a job')
    const outcomes: Settled<Value>[] = []
    for (const part of chunk(items, this.options.size)) outcomes.push(...(await this.inJob(part)))
    return outcomes
  }

  private async alone(items: readonly Item[], why: WhyAlone): Promise<Settled<Value>[]> {
    return items.length ? this.description.alone([...items], why) : []
  }

  private async withoutJob(items: Item[]): Promise<Settled<Value>[]> {
    const instead = this.description.withoutJob?.instead
    return instead ? instead(items) : this.alone(items, 'no bulk endpoint')
  }

  private async inJob(part: Item[]): Promise<Settled<Value>[]> {
    const { withoutJob } = this.description
    if (withoutJob?.memory?.refused()) return this.withoutJob(part)
    let outcomes: JobItemOutcome[]
    try {
      outcomes = await this.description.job(part)
    } catch (error) {
      if (!withoutJob || statusOf(error) !== 403) return part.map(() => ({ ok: false, error }))
      withoutJob.memory?.remember()
      return this.withoutJob(part)
    }
    return this.sorted(part, outcomes)
  }

  /** The job's outcomes settled, with the refused items written alone or sent once more as `refused` says. */
  private async sorted(part: Item[], outcomes: JobItemOutcome[]): Promise<Settled<Value>[]> {
    const { description } = this
    const settled = new Array<Settled<Value>>(part.length)
    const alone: number[] = []
    const again: number[] = []
    const sentAgain: Item[] = []
    outcomes.forEach((outcome, position) => {
      const item = part[position]
      const refusal: Refusal<Item, Value> = outcome.ok
        ? { ok: true, value: description.written(item, outcome) }
        : (description.refused?.(item, outcome.error) ?? outcome)
      if (refusal === 'alone') alone.push(position)
      else if ('again' in refusal) {
        again.push(position)
        sentAgain.push(refusal.again)
      } else settled[position] = refusal
    })
    const fill = (positions: number[], filled: Settled<Value>[]) =>
      positions.forEach((position, i) => (settled[position] = filled[i]))
    fill(
      alone,
      await this.alone(
        alone.map((position) => part[position]),
        'refused by the job'
      )
    )
    fill(again, await this.write(sentAgain))
    return settled
  }
}
