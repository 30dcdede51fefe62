import type { Clock, Timers } from '../../src/destinations/zendesk/client/time'

interface Wait {
  at: number
  wake: () => void
}

/** One turn of the event loop: what a wake set going (promise continuations, answers already arrived) runs. */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Waits until `condition` holds: for an outcome, never for an amount of time (the test's timeout ends a wait for
 * one that never comes). It looks again every millisecond, leaving the CPU to the work it waits for.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1))
}

/**
 * Time the test moves. It stands still until `advance`, `advanceTo` or `next` moves it: those wake the waits due,
 * earliest first, each with the clock at its own time, and let the code woken run before the clock moves on;
 * `stall` makes waits wake late. `options` puts a destination instance on it.
 */
export class TestClock implements Timers {
  private time: number
  private readonly waits = new Set<Wait>()

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start
  }

  readonly now: Clock = () => this.time

  readonly options = { clock: this.now, timers: this as Timers }

  /**
   * Options for an instance whose waits end by themselves, in due order, each a turn of the event loop after it
   * starts, the clock moving to its end: time passes only while the code waits, so a time budget counts the waits,
   * never how slowly a busy machine answers.
   */
  readonly runningOptions = {
    clock: this.now,
    timers: {
      after: (ms: number, wake: () => void) => {
        const cancel = this.after(ms, wake)
        setImmediate(() => void this.next())
        return cancel
      }
    } as Timers
  }

  after(ms: number, wake: () => void): () => void {
    const wait = { at: this.time + Math.max(0, ms), wake }
    this.waits.add(wait)
    return () => this.waits.delete(wait)
  }

  /** How many waits are pending. */
  get waiting(): number {
    return this.waits.size
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.time + ms)
  }

  async advanceTo(end: number): Promise<void> {
    for (let wait = this.earliest(); wait && wait.at <= end; wait = this.earliest()) await this.wake(wait)
    this.time = Math.max(this.time, end)
    await turn()
  }

  /** Passes time without waking anything, as a busy machine does: the waits due by then wake late (`next`). */
  stall(ms: number): void {
    this.time += ms
  }

  /** Moves to the earliest wait (unless it is already due) and wakes it; false when nothing waits. */
  async next(): Promise<boolean> {
    const wait = this.earliest()
    if (!wait) return false
    await this.wake(wait)
    return true
  }

  /**
   * Moves the clock from wait to wait until `work` settles: whenever the code waits on the clock (and `mayMove`
   * says nothing it must not pass is under way, e.g. a request still on its way), time passes to the earliest
   * wait; otherwise the clock stands still.
   */
  async runUntilSettled<T>(work: Promise<T>, mayMove: () => boolean = () => true): Promise<T> {
    let settled = false
    const done = work.finally(() => (settled = true))
    done.catch(() => undefined)
    while (!settled) {
      if (this.waiting > 0 && mayMove()) await this.next()
      else await turn()
    }
    return done
  }

  private earliest(): Wait | undefined {
    let first: Wait | undefined
    for (const wait of this.waits) if (!first || wait.at < first.at) first = wait
    return first
  }

  private async wake(wait: Wait): Promise<void> {
    this.waits.delete(wait)
    this.time = Math.max(this.time, wait.at)
    wait.wake()
    await turn()
  }
}
