import { JobWatchers, PRODUCTION_JOB_POLLING, type JobPolling } from './client/job-watcher'
import { Caches } from './lookups/caches'
import { SINGLE_USER_WRITE_INTERVAL_MS, WRITES_PER_RECORD, writeLimits, type WriteLimits } from './client/pacing'
import { simulatorOrigin } from './settings/origin'
import { GraceWindow } from './lookups/grace'
import type { RequestTimeout } from './client/http'
import type { TicketCreation } from './client/tickets'
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
   * Milliseconds since the epoch: how old an event is, when a write's turn comes, when a job is read again (tests
   * pass a clock they move).
   */
  clock?: Clock
  /** What the destination waits with (write turns, job polls, request timeouts): tests pass timers on their clock. */
  timers?: Timers
  /**
   * Milliseconds a request waits for Zendesk's answer, on `timers`, before it is given up (a retryable 504). By
   * default the request client's own timeout applies (actions-core's, or the host's).
   */
  requestTimeoutMs?: number
}

/** The checked options and the caches of one destination instance: nothing here is shared between instances. */
export interface Instance {
  simulator?: string
  /** One per account and credential: polls all their jobs together and counts their job slots. */
  jobWatchers: JobWatchers
  caches: Caches
  /** Zendesk's endpoint limits on writing one user or organization, met by waiting a moment or retrying later. */
  writeLimits: WriteLimits
  /** Whether a user or organization that is missing is still worth a retry, by the event's age. */
  grace: GraceWindow
  /** Ticket creates under way, by Idempotency-Key: a concurrent create of the same ticket waits for this one. */
  ticketCreates: Map<string, Promise<TicketCreation>>
  /** How long a request waits for its answer, and on which timers; unset: the request client's own timeout. */
  requestTimeout?: RequestTimeout
}

export function instanceOf(options: DestinationOptions = {}): Instance {
  const clock = options.clock ?? realClock
  const timers = options.timers ?? realTimers
  return {
    simulator: options.origin === undefined ? undefined : simulatorOrigin(options.origin),
    jobWatchers: new JobWatchers({ ...PRODUCTION_JOB_POLLING, ...options.jobPolling }, clock, timers),
    caches: options.caches ?? new Caches(),
    writeLimits: writeLimits(
      options.singleUserWriteIntervalMs ?? SINGLE_USER_WRITE_INTERVAL_MS,
      options.writesPerRecordPerMinute ?? WRITES_PER_RECORD.limit,
      clock,
      timers
    ),
    grace: new GraceWindow(clock),
    ticketCreates: new Map(),
    ...(options.requestTimeoutMs !== undefined && { requestTimeout: { ms: options.requestTimeoutMs, timers } })
  }
}
