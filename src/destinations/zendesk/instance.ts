import { JobWatchers, PRODUCTION_JOB_POLLING, slotTimings, type JobPolling } from './client/job-watcher'
import { Caches } from './lookups/caches'
import {
  AccountWindowLimit,
  PERMANENT_USER_DELETIONS,
  SINGLE_USER_WRITE_INTERVAL_MS,
  WRITES_PER_RECORD,
  type WriteLimits
} from './client/pacing'
import { simulatorOrigin } from './settings/origin'
import { GraceWindow } from './lookups/grace'
import { SoftDeletedUsers } from './lookups/soft-deleted-users'
import type { TicketCreation } from './client/tickets'
import { TokenRenewals } from './client/token-renewals'
import { DeliveredWrites } from './client/delivered-writes'
import { memoryCoordination, type Coordination, type CoordinationSettings } from './client/coordination'
import { postgresCoordination } from './client/postgres'
import { REQUEST_WINDOW_MS } from './client/request-budget'
import { realClock, realTimers, type Clock, type Timers } from './client/time'

/** What `createDestination` binds a destination definition to. Production needs none of it. */
export interface DestinationOptions {
  /** A loopback http address (the embedded simulator) that receives every request instead of Zendesk. */
  origin?: string
  /** How bulk jobs are followed; the tests' simulator jobs end within a poll or two, so they wait less. */
  jobPolling?: Partial<JobPolling>
  /** The caches to use, when the caller wants to look into or empty them (the bench's uncached path does). */
  caches?: Caches
  /**
   * Milliseconds between single-user writes per account: Zendesk's limit is one a second (the default). Tests
   * against a simulator without endpoint limits pass 0.
   */
  singleUserWriteIntervalMs?: number
  /** Writes a minute per user and per organization: Zendesk's limit is 5 (the default); 0 turns the limit off. */
  writesPerRecordPerMinute?: number
  /**
   * Milliseconds since the epoch, for deciding how old an event is, when a token expires, how long a write is
   * remembered and for counting permanent deletions in Zendesk's 10-minute window (tests pass a clock they move).
   */
  clock?: Clock
  /** What the destination waits with (request budgets, write turns, job slots): tests pass timers on their clock. */
  timers?: Timers
  /**
   * Zendesk's window of an account's requests: a minute (the default), over which the limit its answers report is
   * spread. Tests against a simulator with a shorter window pass that one; `false` counts no requests (a simulator
   * that enforces no account limit).
   */
  requestWindowMs?: number | false
  /**
   * Where the account's limits are shared with the other processes sending to it: `{ postgres: url }` keeps them in
   * that PostgreSQL database (the `pg` package must be installed), for every process naming it. Unset: in this
   * process alone. `leaseMs` is how long a job slot stays its holder's without word from it (30 s): a holder gone
   * longer has its slot checked against its job.
   */
  coordination?: { postgres: string; leaseMs?: number }
}

/** The checked options and the caches of one destination instance: nothing here is shared between instances. */
export interface Instance {
  simulator?: string
  clock: () => number
  /** One per account: polls all its jobs together, each in one of the account's job slots. */
  jobWatchers: JobWatchers
  /** Each account's limits, kept here or shared with other processes: what a request waits for before it is sent. */
  coordination: Coordination
  caches: Caches
  /**
   * Zendesk's endpoint limits on writing one user or organization, and on permanent user deletions, met by waiting
   * a moment or retrying later.
   */
  writeLimits: WriteLimits
  /** Whether a user or organization that is missing is still worth a retry, by the event's age. */
  grace: GraceWindow
  /** Ticket creates under way, by Idempotency-Key: a concurrent create of the same ticket waits for this one. */
  ticketCreates: Map<string, Promise<TicketCreation>>
  /** OAuth connections renewed here: one token request per renewal, rotated tokens handed on. */
  tokenRenewals: TokenRenewals
  /** Events and ticket updates Zendesk accepted lately, so that running an event again does not write them twice. */
  deliveredWrites: DeliveredWrites
  /** Users soft-deleted and not yet seen deleted for good: a retried deletion request finishes them. */
  softDeletedUsers: SoftDeletedUsers
}

export function instanceOf(options: DestinationOptions = {}): Instance {
  const clock = options.clock ?? realClock
  const jobPolling = { ...PRODUCTION_JOB_POLLING, ...options.jobPolling }
  const settings: CoordinationSettings = {
    requestWindowMs: options.requestWindowMs ?? REQUEST_WINDOW_MS,
    userWriteIntervalMs: options.singleUserWriteIntervalMs ?? SINGLE_USER_WRITE_INTERVAL_MS,
    writesPerRecord: options.writesPerRecordPerMinute ?? WRITES_PER_RECORD.limit,
    jobSlots: slotTimings(jobPolling),
    clock,
    timers: options.timers ?? realTimers
  }
  const coordination = options.coordination
    ? postgresCoordination(options.coordination.postgres, settings, options.coordination.leaseMs)
    : memoryCoordination(settings)
  const { limit, windowMs } = PERMANENT_USER_DELETIONS
  return {
    simulator: options.origin === undefined ? undefined : simulatorOrigin(options.origin),
    clock,
    jobWatchers: new JobWatchers(jobPolling, coordination.jobSlots),
    coordination,
    caches: options.caches ?? new Caches(),
    writeLimits: {
      userWritesPerAccount: coordination.userWritesPerAccount,
      writesPerUser: coordination.writesPerUser,
      writesPerOrganization: coordination.writesPerOrganization,
      permanentUserDeletions: new AccountWindowLimit(limit, windowMs, 'permanent user deletions', clock)
    },
    grace: new GraceWindow(clock),
    ticketCreates: new Map(),
    tokenRenewals: new TokenRenewals(clock),
    deliveredWrites: new DeliveredWrites(clock),
    softDeletedUsers: new SoftDeletedUsers(clock)
  }
}
