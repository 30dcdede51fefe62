import { APIError } from '@segment/actions-core'
import { ZendeskRetryableError } from './errors'
import type { ZendeskHttp } from './http'
import { ACTIVE_JOB_LIMIT } from './constants'
import { MemoryJobSlots, type JobSlots, type JobSlotTimings } from './job-slots'
import { OWN_POLLS, type JobStatusReads } from './job-status-reads'
import { TtlCache } from './ttl-cache'
import { jobStatusAnswer, jobStatusesAnswer, type JobStatus } from './schemas'
import { realClock, realTimers, type Clock, type Timers } from './time'

/**
 * A request waits for a job slot as long as it would follow its job; a job left running is asked about as often as
 * it would be polled.
 */
export function slotTimings({ budgetMs, maxWaitMs }: JobPolling): JobSlotTimings {
  return { maxWaitMs: budgetMs, recheckMs: maxWaitMs }
}

/** How a job is followed: the first wait, the longest wait between polls, and how long in all. */
export interface JobPolling {
  firstWaitMs: number
  maxWaitMs: number
  budgetMs: number
}

export const PRODUCTION_JOB_POLLING: JobPolling = { firstWaitMs: 250, maxWaitMs: 2000, budgetMs: 20000 }

/** How following a job ended. */
export type JobEnd =
  /**
   * Zendesk says it is over (completed, failed or killed): its results are final. `seenAt`: when the read that
   * found it over began, before it waited for a turn of the account's requests.
   */
  | { finished: true; job: JobStatus; seenAt: number }
  /** Time ran out first; `lastFailure` is the last poll's failure when no later poll succeeded. */
  | { finished: false; job: JobStatus; lastFailure?: ZendeskRetryableError }
  /** Polling failed in a way retrying cannot fix (e.g. 401). */
  | { finished: false; job: JobStatus; pollingFailed: Error }

interface Followed {
  job: JobStatus
  /** The follower's own client: actions-core ties it to its call, which is still waiting while it is followed. */
  http: ZendeskHttp
  submittedAt: number
  deadline: number
  /** Its own backoff: the wait after its next due poll. */
  wait: number
  nextPollAt: number
  lastFailure?: ZendeskRetryableError
  end(end: JobEnd): void
}

/**
 * Every in-flight job of one account of one destination instance: one status request
 * per tick reads all of them (`job_statuses/show_many`). Each job keeps its own backoff (short first, doubling to
 * a cap) unless Zendesk's progress, or the time the account's last job took, says when it ends; a tick comes when
 * the earliest job is due, reads the others too, and counts as their poll for those due soon. A 429/503 answer
 * pauses the ticks for its Retry-After. The account's job slots are taken through it too (`slots`).
 */
export class JobWatcher {
  readonly unfollowed = new UnfollowedJobs()
  private readonly followed = new Map<string, Followed>()
  private cancelTimer: (() => void) | undefined
  private polling = false
  /** How long the account's last finished job took per item, as seen from here: when to read the next one first. */
  private msPerItem: number | undefined

  constructor(
    private readonly timings: JobPolling,
    private readonly clock: Clock = realClock,
    private readonly timers: Timers = realTimers,
    /** The account's job slots: a job is submitted in one of them. */
    readonly slots: JobSlots = new MemoryJobSlots(ACTIVE_JOB_LIMIT, slotTimings(timings), clock, timers),
    /** Where the statuses of the jobs come from: this watcher's polls, or another process's made a moment ago. */
    private readonly statuses: JobStatusReads = OWN_POLLS
  ) {}

  /** Follows a submitted job until it ends or the time budget runs out; never rejects. */
  follow(job: JobStatus, http: ZendeskHttp): Promise<JobEnd> {
    if (isFinished(job)) return Promise.resolve({ finished: true, job, seenAt: this.clock() })
    const now = this.clock()
    const deadline = now + this.timings.budgetMs
    const { firstWaitMs, maxWaitMs } = this.timings
    // Jobs of an account take about the same time per item: read a new one first when the last one says it ends,
    // a little before, so that the estimate can shrink too (a job seen working then says its end by its progress).
    const expectedMs = this.msPerItem !== undefined && job.total ? 0.9 * this.msPerItem * job.total : 0
    return new Promise((resolve) => {
      this.followed.set(job.id, {
        job,
        http,
        submittedAt: now,
        deadline,
        wait: Math.min(firstWaitMs * 2, maxWaitMs),
        nextPollAt: Math.min(now + Math.min(Math.max(expectedMs, firstWaitMs), maxWaitMs), deadline),
        end: resolve
      })
      this.schedule()
    })
  }

  /** Sets the timer for the earliest due job, unless a poll is under way (it schedules when it ends). */
  private schedule(): void {
    if (this.polling) return
    this.cancelTimer?.()
    this.cancelTimer = undefined
    if (this.followed.size === 0) return
    const earliest = Math.min(...[...this.followed.values()].map((f) => f.nextPollAt))
    this.cancelTimer = this.timers.after(Math.max(0, earliest - this.clock()), () => void this.tick())
  }

  private async tick(): Promise<void> {
    this.cancelTimer = undefined
    this.polling = true
    const watched = [...this.followed.values()]
    const startedAt = this.clock()
    // Jobs due within the first wait count as polled now too, so jobs submitted close together share their ticks.
    const dueBy = startedAt + this.timings.firstWaitMs
    const due = watched.filter((one) => one.nextPollAt <= dueBy)
    for (const f of due) {
      f.nextPollAt = Math.min(startedAt + f.wait, f.deadline)
      f.wait = Math.min(f.wait * 2, this.timings.maxWaitMs)
    }
    // The newest follower's call is the one least likely to end before this poll does.
    const http = watched[watched.length - 1].http
    try {
      const { statuses, polled } = await this.statuses.read(
        http.origin,
        watched.map((f) => f.job.id),
        due.map((f) => f.job.id),
        (ids) => this.poll(http, ids)
      )
      for (const f of watched) {
        const status = statuses.get(f.job.id)
        if (!status) {
          if (polled) this.end(f, { finished: false, job: f.job, pollingFailed: notListed(f.job) })
          continue
        }
        f.job = status
        f.lastFailure = undefined
        this.expectEnd(f)
      }
    } catch (error) {
      for (const f of watched) this.failedPoll(f, error)
    }
    const now = this.clock()
    for (const f of this.followed.values()) {
      if (f.job.status === 'completed' && f.job.total) this.msPerItem = (now - f.submittedAt) / f.job.total
      if (isFinished(f.job)) this.end(f, { finished: true, job: f.job, seenAt: startedAt })
      else if (now >= f.deadline) this.end(f, { finished: false, job: f.job, lastFailure: f.lastFailure })
    }
    this.polling = false
    this.schedule()
  }

  /** A lone job is read at its own (recorded) address; several at once with show_many. */
  private async poll(http: ZendeskHttp, ids: string[]): Promise<Map<string, JobStatus>> {
    if (ids.length === 1) {
      const { body } = await http.get(`job_statuses/${ids[0]}`, `job status ${ids[0]}`, jobStatusAnswer)
      return new Map([[body.job_status.id, body.job_status]])
    }
    const { body } = await http.get('job_statuses/show_many', `status of ${ids.length} jobs`, jobStatusesAnswer, {
      ids: ids.join(',')
    })
    return new Map(body.job_statuses.map((job) => [job.id, job]))
  }

  /**
   * A working job that reports its progress is next read when that pace says it ends (a tenth later, to be safe),
   * within the first wait and the longest wait from now: fewer polls of slow jobs, no wait beyond the backoff's cap.
   */
  private expectEnd(f: Followed): void {
    const { status, total, progress } = f.job
    if (status !== 'working' || !total || !progress) return
    const now = this.clock()
    const expectedEnd = f.submittedAt + (((now - f.submittedAt) * total) / progress) * 1.1
    const { firstWaitMs, maxWaitMs } = this.timings
    f.nextPollAt = Math.min(Math.max(expectedEnd, now + firstWaitMs), now + maxWaitMs, f.deadline)
  }

  private failedPoll(f: Followed, error: unknown): void {
    if (!(error instanceof ZendeskRetryableError)) {
      this.end(f, {
        finished: false,
        job: f.job,
        pollingFailed: error instanceof Error ? error : new Error(String(error))
      })
      return
    }
    f.lastFailure = error
    const askedMs = (error.retryAfterSeconds ?? 0) * 1000
    if (this.clock() + askedMs >= f.deadline) {
      this.end(f, { finished: false, job: f.job, lastFailure: error })
      return
    }
    f.nextPollAt = Math.max(f.nextPollAt, this.clock() + askedMs)
    f.wait = Math.max(f.wait, askedMs)
  }

  private end(f: Followed, end: JobEnd): void {
    if (this.followed.delete(f.job.id)) f.end(end)
  }
}

const UNFOLLOWED_JOBS = 1000
/** Longer than actions-core takes to renew a connection and run the batch again. */
const UNFOLLOWED_FOR_MS = 10 * 60 * 1000

/**
 * Jobs Zendesk accepted but this instance could not follow to their end because their polls were refused with a
 * 401 (the token expired while they ran), by a digest of the request that submitted them.
 */
export class UnfollowedJobs {
  private readonly jobs = new TtlCache<string, JobStatus>(UNFOLLOWED_JOBS, UNFOLLOWED_FOR_MS)

  keep(submission: string, job: JobStatus): void {
    this.jobs.set(submission, job)
  }

  /** The job the same submission started, once: whoever takes it follows it. */
  take(submission: string): JobStatus | undefined {
    const job = this.jobs.get(submission)
    this.jobs.delete(submission)
    return job
  }
}

/**
 * The job watchers of one destination instance, one per account (its origin), whatever credential submitted the
 * jobs: Zendesk's 30 job slots are the account's, and a connection's token rotates while its jobs run.
 */
export class JobWatchers {
  private readonly watchers = new Map<string, JobWatcher>()

  constructor(
    readonly timings: JobPolling,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly slots: JobSlots = new MemoryJobSlots(ACTIVE_JOB_LIMIT, slotTimings(timings), clock, timers),
    private readonly statuses: JobStatusReads = OWN_POLLS
  ) {}

  of(account: string): JobWatcher {
    let watcher = this.watchers.get(account)
    if (!watcher) {
      watcher = new JobWatcher(this.timings, this.clock, this.timers, this.slots, this.statuses)
      this.watchers.set(account, watcher)
    }
    return watcher
  }
}

/** Of the jobs given, the ones Zendesk reports ended or no longer lists: their job slots are free. */
export async function endedJobs(http: ZendeskHttp, ids: string[]): Promise<string[]> {
  const { body } = await http.get('job_statuses/show_many', `status of ${ids.length} jobs`, jobStatusesAnswer, {
    ids: ids.join(',')
  })
  const running = new Set(body.job_statuses.filter((job) => !isFinished(job)).map((job) => job.id))
  return ids.filter((id) => !running.has(id))
}

function isFinished(job: JobStatus): boolean {
  return job.status === 'completed' || job.status === 'failed' || job.status === 'killed'
}

function notListed(job: JobStatus): Error {
  return new APIError(`Zendesk did not list job ${job.id} among the jobs it knows`, 404)
}
