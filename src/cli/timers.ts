/** The clock and one-shot timers of code that waits: the system's, or a clock a test moves. */
export interface Timers {
  now(): number
  /** Runs `task` once, `ms` from now; answers a function that cancels it. */
  after(ms: number, task: () => void): () => void
}

/** setTimeout's longest wait (about 24.8 days); a longer one would fire at once. */
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1

/**
 * The system clock. A wait longer than setTimeout allows ends early: callers check the time when it fires and wait
 * again. The timers never keep the process alive on their own.
 */
export const systemTimers: Timers = {
  now: () => Date.now(),
  after(ms, task) {
    const timer = setTimeout(task, Math.max(0, Math.min(ms, LONGEST_TIMEOUT_MS)))
    timer.unref()
    return () => clearTimeout(timer)
  }
}
