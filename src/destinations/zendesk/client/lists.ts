/** Encoded characters of one comma-separated list, so a URL stays well inside what servers accept. */
const MAX_LIST_CHARACTERS = 6000

/**
 * Values for a comma-separated query parameter (`show_many?external_ids=`): lists of at most `listSize` values and
 * 6000 encoded characters, and apart, the values that cannot be listed (with a comma, or too long on their own).
 * Values differing only in case are given once (the first spelling): Zendesk compares user and organization
 * external_ids without case. `caseSensitive` keeps them apart (custom object records' external_ids).
 */
export function listsOf(
  values: readonly string[],
  listSize: number,
  { caseSensitive = false } = {}
): { lists: string[][]; alone: string[] } {
  const lists: string[][] = []
  const alone: string[] = []
  let characters = 0
  for (const value of caseSensitive ? new Set(values) : distinctIgnoringCase(values)) {
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
export function distinctIgnoringCase(values: readonly string[]): string[] {
  const kept = new Map<string, string>()
  for (const value of values) if (!kept.has(value.toLowerCase())) kept.set(value.toLowerCase(), value)
  return [...kept.values()]
}
