import { isAccountWide, mapWithConcurrency, statusOf, type Settled } from '../batch/results'

/** Parallel lookup requests of one batch: well inside Zendesk's limits, yet not serial. */
const CONCURRENCY = 5
/** Encoded characters of one comma-separated list, so a URL stays well inside what servers accept. */
const MAX_LIST_CHARACTERS = 6000

/**
 * Values for a comma-separated query parameter (`show_many?external_ids=`): lists of at most `listSize` values and
 * 6000 encoded characters, and apart, the values that cannot be listed (with a comma, or too long on their own).
 * Values differing only in case are given once (the first spelling): Zendesk compares external_ids without case.
 */
export function listsOf(values: readonly string[], listSize: number): { lists: string[][]; alone: string[] } {
  const lists: string[][] = []
  const alone: string[] = []
  let characters = 0
  for (const value of distinctIgnoringCase(values)) {
    const length = encodeURIComponent(value).length + 3 // the encoded comma before it
    if (value.includes(',') || length > MAX_LIST_CHARACTERS) {
      alone.push(value)
      continue
    }
    const list = lists[lists.length - 1]
    if (list && list.length < listSize && characters + length <= MAX_LIST_CHARACTERS) {
      list.push(value)
      characters += length
    } else {
      lists.push([value])
      characters = length
    }
  }
  return { lists, alone }
}

/** The values without repeats that differ only in case; the first spelling is kept. */
function distinctIgnoringCase(values: readonly string[]): string[] {
  const kept = new Map<string, string>()
  for (const value of values) if (!kept.has(value.toLowerCase())) kept.set(value.toLowerCase(), value)
  return [...kept.values()]
}

/**
 * The lookups of one batch, with one result per value keyed by the value lowercased: what was found (undefined:
 * nothing), or the error that stopped the lookup. A list that Zendesk refuses for what it contains (a 4xx other
 * than 401, 403, 408, 409 or 429) has each of its values looked up on its own, so one odd value fails only its
 * own events. After a 401, 429 or 503 no further request is made: the values still open get that error.
 */
export class BatchLookups {
  private stoppedBy: unknown

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
      const outcome = await this.attempt(() => lookUpList(list))
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
      found.set(value.toLowerCase(), await this.attempt(() => lookUpOne(value)))
    })
    return found
  }

  private async attempt<T>(lookUp: () => Promise<T>): Promise<Settled<T>> {
    if (this.stoppedBy) return { ok: false, error: this.stoppedBy }
    try {
      return { ok: true, value: await lookUp() }
    } catch (error) {
      if (isAccountWide(error)) this.stoppedBy ??= error
      return { ok: false, error }
    }
  }
}

function refusedForItsContent(error: unknown): boolean {
  const status = statusOf(error)
  return status >= 400 && status < 500 && ![401, 403, 408, 409, 429].includes(status)
}
