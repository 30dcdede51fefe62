/** Milliseconds since the epoch, as the destination reads them: the real clock in production, a test's own in tests. */
export type Clock = () => number

/** What the destination waits with: real timers in production; tests pass timers that run on their own clock. */
export interface Timers {
  /** Calls `wake` once `ms` milliseconds have passed; the function returned cancels the wait. */
  after(ms: number, wake: () => void): () => void
}

/** Reads Date.now on every call, so a mocked Date.now is honoured. */
export const realClock: Clock = () => Date.now()

export const realTimers: Timers = {
  after(ms, wake) {
    const timer = setTimeout(wake, ms)
    return () => clearTimeout(timer)
  }
}

export function sleep(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => timers.after(ms, resolve))
}
