import type { Timers } from '../../src/cli/timers'

/** A clock the test moves: timers fire only inside advance(), in time order, each at its own time. */
export class ManualTimers implements Timers {
  private nowMs: number
  private nextSeq = 0
  private readonly due: { at: number; seq: number; task: () => void }[] = []

  constructor(start = Date.parse('2026-11-02T09:00:00.000Z')) {
    this.nowMs = start
  }

  now = (): number => this.nowMs

  after = (ms: number, task: () => void): (() => void) => {
    const entry = { at: this.nowMs + Math.max(0, ms), seq: this.nextSeq++, task }
    this.due.push(entry)
    return () => {
      const index = this.due.indexOf(entry)
      if (index >= 0) this.due.splice(index, 1)
    }
  }

  /** Moves the clock `ms` forward, running each timer that falls due on the way at its own time. */
  advance(ms: number): void {
    const end = this.nowMs + ms
    for (;;) {
      const next = [...this.due].sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!next || next.at > end) break
      this.due.splice(this.due.indexOf(next), 1)
      this.nowMs = next.at
      next.task()
    }
    this.nowMs = end
  }

  /** When the earliest timer falls due, if any. */
  nextAt(): number | undefined {
    return this.due.length ? Math.min(...this.due.map((entry) => entry.at)) : undefined
  }
}
