import { ACTIVE_JOB_LIMIT } from './constants'
import { jobPace, PacedJobSlots } from './job-pacing'
import { MemoryJobSlots, type JobSlots } from './job-slots'
import { slotTimings, type JobPolling } from './job-watcher'
import { OWN_POLLS, type JobStatusReads } from './job-status-reads'
import { Pacer, perRecordLimit, RecordWriteLimit, type AccountWritePacing, type RecordWriteTurns } from './pacing'
import { MemoryRequestBudget, UNCOUNTED_REQUESTS, type RequestBudget } from './request-budget'
import { MemorySoftDeletedUsers, type SoftDeletedUsers } from './soft-deleted-users'
import type { Clock, Timers } from './time'

/**
 * Zendesk's limits of each account, which every process sending to the account shares: its requests a minute, its
 * 30 job slots, its single-user writes one a second and its 5 writes a minute per user and per organization; and
 * the users soft-deleted on the way to their erasure. Each is keyed by the account (its origin), never by a
 * credential: tokens rotate, the account's limits stay.
 */
export interface Coordination {
  requests: RequestBudget
  jobSlots: JobSlots
  /** The statuses of the account's jobs, read once for every process following some of them. */
  jobStatuses: JobStatusReads
  /** `users/create_or_update` and `PUT users/{id}`: one a second per account. */
  userWritesPerAccount: AccountWritePacing
  /** The same writes, per user. */
  writesPerUser: RecordWriteTurns
  /** `organizations/create_or_update` (an update of an existing organization counts), per organization. */
  writesPerOrganization: RecordWriteTurns
  /** The users soft-deleted and not yet deleted for good, for a deletion request retried in any of the processes. */
  softDeletedUsers: SoftDeletedUsers
}

/** How a coordination counts, whichever keeps the counts. */
export interface CoordinationSettings {
  /** Zendesk's window of an account's requests (a minute); false counts no requests. */
  requestWindowMs: number | false
  /** Milliseconds between single-user writes of an account; 0 paces none. */
  userWriteIntervalMs: number
  /** Writes a minute per user and per organization; 0 counts none. */
  writesPerRecord: number
  /** How jobs are followed: how long a request waits for a slot, how often a job left running is asked about. */
  jobPolling: JobPolling
  clock: Clock
  timers: Timers
}

/**
 * The account's job slots, taken at the pace the account works its jobs (PacedJobSlots): whichever keeps the
 * slots, each process paces its own submissions.
 */
export function pacedJobSlots(slots: JobSlots, { jobPolling, clock, timers }: CoordinationSettings): JobSlots {
  return new PacedJobSlots(slots, jobPace(jobPolling.budgetMs, ACTIVE_JOB_LIMIT), clock, timers)
}

/** The limits kept in this process: what one process sending to an account alone needs. */
export function memoryCoordination(settings: CoordinationSettings): Coordination {
  const { clock, timers, writesPerRecord } = settings
  return {
    requests:
      settings.requestWindowMs === false
        ? UNCOUNTED_REQUESTS
        : new MemoryRequestBudget(settings.requestWindowMs, clock, timers),
    jobSlots: pacedJobSlots(
      new MemoryJobSlots(ACTIVE_JOB_LIMIT, slotTimings(settings.jobPolling), clock, timers),
      settings
    ),
    jobStatuses: OWN_POLLS,
    userWritesPerAccount: new Pacer(settings.userWriteIntervalMs, clock, timers),
    writesPerUser: new RecordWriteLimit(perRecordLimit(writesPerRecord, 'user'), clock, timers),
    writesPerOrganization: new RecordWriteLimit(perRecordLimit(writesPerRecord, 'organization'), clock, timers),
    softDeletedUsers: new MemorySoftDeletedUsers(clock)
  }
}
