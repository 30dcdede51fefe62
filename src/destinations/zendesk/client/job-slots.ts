import { ZendeskRetryableError } from './errors'
import type { Clock, Timers } from './time'

/** Of the jobs given, the ones Zendesk says have ended (completed, failed, killed, or no longer listed). */
export type EndedJobs = (jobIds: string[]) => Promise<string[]>

/** One of an account's job slots, taken for one bulk request. */
export interface JobSlot {
  /** The job Zendesk started for the request: the slot is its until the job ends. */
  submitted(jobId: string): Promise<void>
  /**
   * The job ended (found so by a read begun at `seenEndedAt`), or none was started: the slot is free.
   */
  release(seenEndedAt?: number): Promise<void>
  /** Following the job stopped before it ended: the slot stays the job's until Zendesk says it has ended. */
  leave(): Promise<void>
}

/**
 * The job slots of the accounts sent to: Zendesk refuses a bulk request beyond its limit of queued or running jobs
 * (429 TooManyJobs), so a request waits here for a free slot instead.
 */
export interface JobSlots {
  /**
   * A free slot of the account, once there is one. While none is, slots left to jobs are freed as `ended` finds
   * their jobs over. A wait longer than the longest is retryable, with the time after which a slot is looked for again.
   */
  take(account: string, about: string, ended: EndedJobs): Promise<JobSlot>
}

export interface JobSlotTimings {
  /** How long a request waits for a slot before it is retryable instead. */
  maxWaitMs: number
  /** How long after a job was last found running it is asked about again, when a slot is wanted. */
  recheckMs: number
}

/** The retryable error of a request that found no free slot within the longest wait. */
export function noFreeSlot(limit: number, about: string, retryAfterMs: number): ZendeskRetryableError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new ZendeskRetryableError(
    `All ${limit} of this Zendesk account's job slots are held by jobs still running: ${about} will be retried. Retry after ${seconds} s.`,
    429,
    seconds
  )
}

interface Waiter {
  give(): void
  refuse(): void
  /** After this, the waiter is refused at the next look at the jobs left running. */
  deadline: number
}

/** One account's slots in this process: taken ones (held by a request or left to its job) and the waiting line. */
interface AccountSlots {
  taken: number
  /** Jobs whose slots were left to them, by id: when each is next asked about. */
  left: Map<string, number>
  waiting: Waiter[]
  /** The newest waiter's way to ask Zendesk about jobs (an older one's request may have ended). */
  ended?: EndedJobs
  /** Whether a look at the jobs left running is due or under way. */
  checking: boolean
}

/**
 * The job slots of the accounts this process sends to, when no other process sends to them. Waiters are served in
 * order. The jobs left running are asked about only while someone waits for a slot, and that is when a waiter past
 * the longest wait is refused: while no slot is left to a job, every slot is held by a job being followed, which
 * ends within the polling budget.
 */
export class MemoryJobSlots implements JobSlots {
  private readonly accounts = new Map<string, AccountSlots>()

  constructor(
    readonly limit: number,
    private readonly timings: JobSlotTimings,
    private readonly clock: Clock,
    private readonly timers: Timers
  ) {}

  /** Slots taken of the account: held by a request, or left to a job not known to have ended. */
  inUse(account: string): number {
    return this.accounts.get(account)?.taken ?? 0
  }

  take(account: string, about: string, ended: EndedJobs): Promise<JobSlot> {
    const slots = this.slotsOf(account)
    slots.ended = ended
    if (slots.taken < this.limit) {
      slots.taken += 1
      return Promise.resolve(this.slot(slots))
    }
    return new Promise((resolve, reject) => {
      slots.waiting.push({
        give: () => resolve(this.slot(slots)),
        refuse: () => reject(noFreeSlot(this.limit, about, this.timings.recheckMs)),
        deadline: this.clock() + this.timings.maxWaitMs
      })
      this.scheduleCheck(slots)
    })
  }

  private slotsOf(account: string): AccountSlots {
    let slots = this.accounts.get(account)
    if (!slots) {
      slots = { taken: 0, left: new Map(), waiting: [], checking: false }
      this.accounts.set(account, slots)
    }
    return slots
  }

  private slot(slots: AccountSlots): JobSlot {
    let jobId: string | undefined
    let done = false
    const finish = (then: () => void) => async () => {
      if (done) return
      done = true
      then()
    }
    return {
      submitted: async (id) => {
        jobId = id
      },
      release: finish(() => this.free(slots)),
      leave: finish(() => {
        if (jobId === undefined) return this.free(slots)
        slots.left.set(jobId, this.clock() + this.timings.recheckMs)
        this.scheduleCheck(slots)
      })
    }
  }

  /** A slot is free: the longest waiter takes it. */
  private free(slots: AccountSlots): void {
    const next = slots.waiting.shift()
    if (next) next.give()
    else slots.taken -= 1
  }

  /** While someone waits and jobs hold slots nobody follows, asks about them when the earliest is due. */
  private scheduleCheck(slots: AccountSlots): void {
    if (slots.checking || slots.waiting.length === 0 || slots.left.size === 0) return
    slots.checking = true
    const earliest = Math.min(...slots.left.values())
    this.timers.after(Math.max(0, earliest - this.clock()), () => void this.check(slots))
  }

  private async check(slots: AccountSlots): Promise<void> {
    const due = [...slots.left].filter(([, at]) => at <= this.clock()).map(([id]) => id)
    let ended: string[] = []
    try {
      ended = slots.ended && due.length ? await slots.ended(due) : []
    } catch {
      // Asked again at the next check.
    }
    for (const id of due) {
      if (ended.includes(id)) {
        slots.left.delete(id)
        this.free(slots)
      } else {
        slots.left.set(id, this.clock() + this.timings.recheckMs)
      }
    }
    const now = this.clock()
    for (const waiter of slots.waiting.filter((one) => one.deadline <= now)) {
      slots.waiting.splice(slots.waiting.indexOf(waiter), 1)
      waiter.refuse()
    }
    slots.checking = false
    this.scheduleCheck(slots)
  }
}
