import { JobWatchers, PRODUCTION_JOB_POLLING, type JobPolling } from './client/job-watcher'
import { Caches } from './lookups/caches'
import { SINGLE_USER_WRITE_INTERVAL_MS, WRITES_PER_RECORD, writeLimits, type WriteLimits } from './client/pacing'
import { simulatorOrigin } from './settings/origin'
import { GraceWindow } from './lookups/grace'
import { SoftDeletedUsers } from './lookups/soft-deleted-users'
import type { TicketCreation } from './client/tickets'
import { TokenRenewals } from './client/token-renewals'
import { DeliveredWrites } from './client/delivered-writes'

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
  clock?: () => number
}

/** The checked options and the caches of one destination instance: nothing here is shared between instances. */
export interface Instance {
  simulator?: string
  clock: () => number
  /** One per account: polls all its jobs together and counts its job slots. */
  jobWatchers: JobWatchers
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
  const clock = options.clock ?? (() => Date.now())
  return {
    simulator: options.origin === undefined ? undefined : simulatorOrigin(options.origin),
    clock,
    jobWatchers: new JobWatchers({ ...PRODUCTION_JOB_POLLING, ...options.jobPolling }),
    caches: options.caches ?? new Caches(),
    writeLimits: writeLimits(
      options.singleUserWriteIntervalMs ?? SINGLE_USER_WRITE_INTERVAL_MS,
      options.writesPerRecordPerMinute ?? WRITES_PER_RECORD.limit,
      clock
    ),
    grace: new GraceWindow(clock),
    ticketCreates: new Map(),
    tokenRenewals: new TokenRenewals(clock),
    deliveredWrites: new DeliveredWrites(clock),
    softDeletedUsers: new SoftDeletedUsers(clock)
  }
}
