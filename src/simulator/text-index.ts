/**
 * Records by a text of theirs, compared case-insensitively as Zendesk compares emails, external ids and names: a
 * lookup without scanning the account. Whoever changes a record's text tells the index (`set`).
 */
export class TextIndex<T> {
  private readonly byText = new Map<string, Set<T>>()
  private readonly textOf = new Map<T, string>()

  /** The record is now known by `text` (by none for a null or empty one). */
  set(record: T, text: string | null | undefined): void {
    this.delete(record)
    if (!text) return
    const key = text.toLowerCase()
    let records = this.byText.get(key)
    if (!records) {
      records = new Set()
      this.byText.set(key, records)
    }
    records.add(record)
    this.textOf.set(record, key)
  }

  delete(record: T): void {
    const key = this.textOf.get(record)
    if (key === undefined) return
    this.textOf.delete(record)
    const records = this.byText.get(key)
    records?.delete(record)
    if (records?.size === 0) this.byText.delete(key)
  }

  get(text: string): ReadonlySet<T> {
    return this.byText.get(text.toLowerCase()) ?? NONE
  }

  clear(): void {
    this.byText.clear()
    this.textOf.clear()
  }
}

const NONE: ReadonlySet<never> = new Set()

/**
 * Of `found`, the first in the order of `records` (a store's map) that is still there and `accepted`: what a scan
 * of the whole map would find. Only when several qualify is the map scanned, for its order.
 */
export function firstInOrder<T extends { id: number }>(
  records: ReadonlyMap<number, T>,
  found: Iterable<T>,
  accepted: (record: T) => boolean = () => true
): T | undefined {
  const current = [...found].filter((record) => records.get(record.id) === record && accepted(record))
  if (current.length <= 1) return current[0]
  const wanted = new Set(current)
  for (const record of records.values()) if (wanted.has(record)) return record
  return undefined
}
