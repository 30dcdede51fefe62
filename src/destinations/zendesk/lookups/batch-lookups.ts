import { AccountWideStop } from '../batch/account-wide-stop'
import { mapWithConcurrency, statusOf, type Settled } from '../batch/results'
import { distinctIgnoringCase, listsOf } from '../client/lists'

/** Parallel lookup requests of one batch: well inside Zendesk's limits, yet not serial. */
const CONCURRENCY = 5
/**
 * The lookups of one batch, with one result per value keyed by the value lowercased: what was found (undefined:
 * nothing), or the error that stopped the lookup. A list that Zendesk refuses for what it contains (a 4xx other
 * than 401, 403, 408, 409 or 429) has each of its values looked up on its own, so one odd value fails only its
 * own events. After a 401, 429 or 503 no further request is made: the values still open get that error.
 */
export class BatchLookups {
  private readonly stop = new AccountWideStop()

  /** Looks values up `listSize` at a time with `lookUpList`, and those that cannot be listed with `lookUpOne`. */
  async listed<T>(
    values: readonly string[],
    listSize: number,
    lookUpList: (list: string[]) => Promise<Map<string, T>>,
    lookUpOne: (value: string) => Promise<T | undefined>
  ): Promise<Map<string, Settled<T | undefined>>> {
    const { lists, alone } = listsOf(values, listSize)
    const found = new Map<string, Settled<T | undefined>>()
    const again: string[] = [...alone]
    await mapWithConcurrency(lists, CONCURRENCY, async (list) => {
      const outcome = await this.stop.attempt(() => lookUpList(list))
      if (!outcome.ok && list.length > 1 && refusedForItsContent(outcome.error)) {
        again.push(...list)
        return
      }
      for (const value of list) {
        const key = value.toLowerCase()
        found.set(key, outcome.ok ? { ok: true, value: outcome.value.get(key) } : outcome)
      }
    })
    for (const [key, outcome] of await this.each(again, lookUpOne)) found.set(key, outcome)
    return found
  }

  /** Looks each value up with its own request. */
  async each<T>(
    values: readonly string[],
    lookUpOne: (value: string) => Promise<T | undefined>
  ): Promise<Map<string, Settled<T | undefined>>> {
    const found = new Map<string, Settled<T | undefined>>()
    await mapWithConcurrency(distinctIgnoringCase(values), CONCURRENCY, async (value) => {
      found.set(value.toLowerCase(), await this.stop.attempt(() => lookUpOne(value)))
    })
    return found
  }
}

function refusedForItsContent(error: unknown): boolean {
  const status = statusOf(error)
  return status >= 400 && status < 500 && ![401, 403, 408, 409, 429].includes(status)
}
