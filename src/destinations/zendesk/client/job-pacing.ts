import { ZendeskRetryableError } from './errors'
import type { EndedJobs, JobSlot, JobSlots } from './job-slots'
import type { Clock, Timers } from './time'

/** How an account's jobs are paced. */
export interface JobPace {
  /** The time from a job's submission to its end it is kept within: a share of the time a job is followed. */
  turnaroundMs: number
  /** How long a request waits for its turn to submit before it is retryable instead. */
  maxWaitMs: number
  /** The most jobs at once: Zendesk's limit. */
  limit: number
  /** Jobs at once before any has ended: few, until the account shows how fast it works them. */
  initial: number
}

/**
 * Jobs are followed for `budgetMs`; one is kept to end within half of that, so that one the account works slower
 * than the last ones still ends before following stops.
 */
export function jobPace(budgetMs: number, limit: number): JobPace {
  return { turnaroundMs: budgetMs / 2, maxWaitMs: budgetMs, limit, initial: Math.min(4, limit) }
}

/** One account's jobs submitted from this process, and the requests waiting for their turn to submit one. */
interface AccountPace {
  /** How many of its jobs this process lets the account hold at once (a fraction counts as the whole below it). */
  allowed: number
  /** Jobs held: taking a slot, submitted, or followed. */
  inFlight: number
  /** Jobs submitted and not yet ended: the ones a job submitted now queues behind. */
  submitted: number
  /** The latest time a job took from its submission to its end, as seen here. */
  lastTurnaroundMs?: number
  line: (() => void)[]
  /** Requests that ever joined the line, and those of them given their turn: a request's place is its number less the turns given. */
  joined: number
  turnsGiven: number
}

/** The retryable error of a request whose turn to submit a job did not come within the longest wait. */
export function jobsQueued(allowed: number, about: string, waitMs: number): ZendeskRetryableError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return new ZendeskRetryableError(
    `This Zendesk account works about ${Math.floor(allowed)} jobs at once from here, and more would end after we stop following them: ${about} will be retried. Retry after ${seconds} s.`,
    429,
    seconds
  )
}

/**
 * Submissions paced to what the account can run. Zendesk queues up to 30 jobs an account, but works them at a pace
 * of its own: jobs queued behind slow ones would still be queued when following them stops, and their events would
 * be retried ("job still queued"). So a request takes one of the account's slots only while this process's jobs are
 * fewer than the account works through within `turnaroundMs`. Each job that ends says how many that is at least:
 * it and the jobs it queued behind (this process's, submitted before it and not ended then) took its turnaround, so
 * as many, scaled by the turnaround wanted over the one it took, end within that. A job that ended in time lets the
 * number grow to what it says; a slower one brings it down to it. A request still in line after the longest wait (and
 * after a job has ended: before, the jobs ahead of it may be waiting for request turns) is retryable, with the wait
 * its turn is still off. Several processes each pace their own jobs on the turnarounds of
 * the account they share, and together keep to its pace.
 */
export class PacedJobSlots implements JobSlots {
  private readonly accounts = new Map<string, AccountPace>()

  constructor(
    private readonly slots: JobSlots,
    private readonly pace: JobPace,
    private readonly clock: Clock,
    private readonly timers: Timers
  ) {}

  /** How many jobs of the account this process lets Zendesk hold at once now. */
  allowed(account: string): number {
    return Math.floor(this.paceOf(account).allowed)
  }

  async take(account: string, about: string, ended: EndedJobs): Promise<JobSlot> {
    const pace = this.paceOf(account)
    await this.turn(pace, about)
    try {
      return this.paced(pace, await this.slots.take(account, about, ended))
    } catch (error) {
      this.done(pace)
      throw error
    }
  }

  private paceOf(account: string): AccountPace {
    let pace = this.accounts.get(account)
    if (!pace) {
      pace = { allowed: this.pace.initial, inFlight: 0, submitted: 0, line: [], joined: 0, turnsGiven: 0 }
      this.accounts.set(account, pace)
    }
    return pace
  }

  /**
   * Resolves when a job of this request may be in flight, in the order asked; rejects once the request has waited
   * the longest wait since a job of the account ended here, with the wait its turn is still off. (Refusing sooner,
   * on the pace so far, would refuse requests while the pace is still growing.)
   */
  private turn(pace: AccountPace, about: string): Promise<void> {
    if (pace.line.length === 0 && pace.inFlight < Math.floor(pace.allowed)) {
      pace.inFlight += 1
      return Promise.resolve()
    }
    const number = pace.joined++
    return new Promise((resolve, reject) => {
      let cancel = () => {}
      const admit = () => {
        cancel()
        pace.inFlight += 1
        pace.turnsGiven += 1
        resolve()
      }
      const wait = () => {
        cancel = this.timers.after(this.pace.maxWaitMs, () => {
          // Until a job has ended, nothing says the account is slow: the jobs ahead wait for request turns.
          if (pace.lastTurnaroundMs === undefined) return wait()
          pace.line.splice(pace.line.indexOf(admit), 1)
          // Those that joined before it and were not given a turn are ahead of it, refused at that moment or not.
          reject(jobsQueued(pace.allowed, about, this.expectedWaitMs(pace, number - pace.turnsGiven)))
        })
      }
      wait()
      pace.line.push(admit)
    })
  }

  /**
   * The wait of a request with `ahead` others before it in line: while jobs are at their pace, one ends every
   * turnaround over the jobs allowed. Before any job has ended, a turnaround as long as wanted.
   */
  private expectedWaitMs(pace: AccountPace, ahead: number): number {
    const turnaroundMs = pace.lastTurnaroundMs ?? this.pace.turnaroundMs
    return ((ahead + 1) * turnaroundMs) / Math.max(1, Math.floor(pace.allowed))
  }

  private paced(pace: AccountPace, slot: JobSlot): JobSlot {
    let submitted: { at: number; queuedWith: number } | undefined
    let done = false
    const end = (finished: boolean, endedAt = this.clock()) => {
      if (done) return
      done = true
      if (submitted) {
        pace.submitted -= 1
        this.learn(pace, endedAt - submitted.at, submitted.queuedWith, finished)
      }
      this.done(pace)
    }
    return {
      submitted: async (jobId) => {
        pace.submitted += 1
        submitted = { at: this.clock(), queuedWith: pace.submitted }
        await slot.submitted(jobId)
      },
      release: async (seenEndedAt) => {
        end(true, seenEndedAt)
        await slot.release()
      },
      leave: async () => {
        end(false)
        await slot.leave()
      }
    }
  }

  /**
   * A job queued with `queuedWith` of this process's jobs (itself and those it queued behind) was found ended
   * `turnaroundMs` after its submission (`finished`: by a read begun then, so that the read's own wait for a turn
   * of the account's requests is not counted as the account's), or given up on. One given up on sooner than the
   * turnaround wanted stopped for another reason (its polls were refused) and says nothing of the account's pace.
   */
  private learn(pace: AccountPace, turnaroundMs: number, queuedWith: number, finished: boolean): void {
    const wantedMs = this.pace.turnaroundMs
    if (!finished && turnaroundMs < wantedMs) return
    pace.lastTurnaroundMs = turnaroundMs
    const fits = (queuedWith * wantedMs) / Math.max(1, turnaroundMs)
    const allowed = turnaroundMs > wantedMs ? fits : Math.max(pace.allowed, fits)
    pace.allowed = Math.max(1, Math.min(this.pace.limit, allowed))
  }

  /** A job held is over: the next requests in line go while there is room. */
  private done(pace: AccountPace): void {
    pace.inFlight -= 1
    while (pace.line.length > 0 && pace.inFlight < Math.floor(pace.allowed)) pace.line.shift()!()
  }
}
