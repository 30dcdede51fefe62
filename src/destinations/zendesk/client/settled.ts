/** What one piece of work gave: its value, or the error that stopped it. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }
