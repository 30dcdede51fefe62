import { ACTIVE_JOB_LIMIT } from '../constants'
import { pacedJobSlots, type Coordination, type CoordinationSettings } from '../coordination'
import { slotTimings } from '../job-watcher'
import { perRecordLimit } from '../pacing'
import { UNCOUNTED_REQUESTS } from '../request-budget'
import { Database } from './database'
import { PostgresJobSlots } from './job-slots'
import { PostgresJobStatuses } from './job-statuses'
import { PostgresRequestBudget } from './request-budget'
import { PostgresSoftDeletedUsers } from './soft-deleted-users'
import { PostgresRecordWrites, PostgresWritePacing } from './write-turns'

/** How long a job slot stays its holder's without word from it: then it is checked against its job. */
export const SLOT_LEASE_MS = 30_000

/**
 * The limits shared by every process whose destination names the PostgreSQL database at `url` (the tables are made
 * on first use). Each account's limits are rows of their own, so processes wait side by side, never one behind
 * another's lock.
 */
export function postgresCoordination(
  url: string,
  settings: CoordinationSettings,
  leaseMs = SLOT_LEASE_MS
): Coordination {
  const db = new Database(url)
  const { clock, timers, writesPerRecord } = settings
  const timings = slotTimings(settings.jobPolling)
  return {
    requests:
      settings.requestWindowMs === false
        ? UNCOUNTED_REQUESTS
        : new PostgresRequestBudget(db, settings.requestWindowMs, clock, timers),
    // A job whose holder died before noting it is given the time it would have been followed.
    jobSlots: pacedJobSlots(
      new PostgresJobSlots(db, ACTIVE_JOB_LIMIT, timings, leaseMs, timings.maxWaitMs, clock, timers),
      settings
    ),
    // A status another process read within three quarters of the longest wait between polls is as good as a poll
    // now: the processes' polls, each on its own jobs' schedule, then mostly read for one another, and a job's end
    // is seen at most that much later than by a poll of its own.
    jobStatuses: new PostgresJobStatuses(db, (3 * settings.jobPolling.maxWaitMs) / 4),
    userWritesPerAccount: new PostgresWritePacing(db, settings.userWriteIntervalMs, timers),
    writesPerUser: new PostgresRecordWrites(db, perRecordLimit(writesPerRecord, 'user'), clock, timers),
    writesPerOrganization: new PostgresRecordWrites(db, perRecordLimit(writesPerRecord, 'organization'), clock, timers),
    softDeletedUsers: new PostgresSoftDeletedUsers(db)
  }
}
