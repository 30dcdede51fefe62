/**
 * The account's job slots, counted on this side: Zendesk refuses a bulk request beyond its limit of queued or
 * running jobs (429 TooManyJobs), so a caller waits here for a free slot instead. Waiters are served in order.
 */
export class JobSlots {
  private taken = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.taken
  }

  /** Resolves once the caller holds a slot; it must `release` it when its job has ended or was never submitted. */
  take(): Promise<void> {
    if (this.taken < this.limit) {
      this.taken += 1
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /** Hands the slot to the longest waiter, if any. */
  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.taken -= 1
  }
}
