import type { RequestClient } from '@segment/actions-core'
import { GraceWindow } from './batch/grace'
import { ZendeskClient, type ClientParts } from './client'
import { Caches } from './client/caches'
import { DeliveredWrites } from './client/delivered-writes'
import { memoryCoordination, type CoordinationSettings } from './client/coordination'
import { JobWatchers, PRODUCTION_JOB_POLLING, type JobPolling } from './client/job-watcher'
import {
  AccountWindowLimit,
  PERMANENT_USER_DELETIONS,
  SINGLE_USER_WRITE_INTERVAL_MS,
  WRITES_PER_RECORD
} from './client/pacing'
import { postgresCoordination } from './client/postgres'
import { REQUEST_WINDOW_MS } from './client/request-budget'
import { realClock, realTimers, type Clock, type Timers } from './client/time'
import { TokenRenewals } from './client/token-renewals'
import type { Settings } from './generated-types'
import { simulatorOrigin, zendeskOrigin } from './settings/origin'
import { authorizationHeader, credentialSecrets, type ConnectionTokens } from './settings/settings'

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
   * Milliseconds since the epoch: how old an event is, when a write's turn comes, when a job is read again, when a
   * token expires, how long a write is remembered, and the count of permanent deletions in Zendesk's 10-minute
   * window (tests pass a clock they move).
   */
  clock?: Clock
  /**
   * What the destination waits with (request budgets, write turns, job slots and polls, request timeouts): tests
   * pass timers on their clock.
   */
  timers?: Timers
  /**
   * Milliseconds a request waits for Zendesk's answer, on `timers`, before it is given up (a retryable 504). By
   * default the request client's own timeout applies (actions-core's, or the host's).
   */
  requestTimeoutMs?: number
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
export interface Instance extends ClientParts {
  simulator?: string
  /** Whether a user or organization that is missing is still worth a retry, by the event's age. */
  grace: GraceWindow
  /** OAuth connections renewed here: one token request per renewal, rotated tokens handed on. */
  tokenRenewals: TokenRenewals
  /**
   * The client of one action call, for the account in `settings` and its credential: the OAuth connection's tokens
   * as actions-core hands them to the action (`connection`), else the legacy credential of the settings. A request
   * made with an access token this instance has since renewed goes with the newest one, unless `asGiven` (a
   * credential check must check the credential it got).
   */
  clientFor(
    request: RequestClient,
    settings: Settings,
    connection?: ConnectionTokens,
    options?: { asGiven?: boolean }
  ): ZendeskClient
}

export function instanceOf(options: DestinationOptions = {}): Instance {
  const simulator = options.origin === undefined ? undefined : simulatorOrigin(options.origin)
  const clock = options.clock ?? realClock
  const timers = options.timers ?? realTimers
  const tokenRenewals = new TokenRenewals(clock)
  const jobPolling = { ...PRODUCTION_JOB_POLLING, ...options.jobPolling }
  const counting: CoordinationSettings = {
    requestWindowMs: options.requestWindowMs ?? REQUEST_WINDOW_MS,
    userWriteIntervalMs: options.singleUserWriteIntervalMs ?? SINGLE_USER_WRITE_INTERVAL_MS,
    writesPerRecord: options.writesPerRecordPerMinute ?? WRITES_PER_RECORD.limit,
    jobPolling,
    clock,
    timers
  }
  const coordination = options.coordination
    ? postgresCoordination(options.coordination.postgres, counting, options.coordination.leaseMs)
    : memoryCoordination(counting)
  const { limit, windowMs } = PERMANENT_USER_DELETIONS
  const parts: ClientParts = {
    clock,
    requests: coordination.requests,
    jobWatchers: new JobWatchers(jobPolling, clock, timers, coordination.jobSlots, coordination.jobStatuses),
    caches: options.caches ?? new Caches(),
    writeLimits: {
      userWritesPerAccount: coordination.userWritesPerAccount,
      writesPerUser: coordination.writesPerUser,
      writesPerOrganization: coordination.writesPerOrganization,
      permanentUserDeletions: new AccountWindowLimit(limit, windowMs, 'permanent user deletions', clock)
    },
    ticketCreates: new Map(),
    deliveredWrites: new DeliveredWrites(clock),
    softDeletedUsers: coordination.softDeletedUsers,
    ...(options.requestTimeoutMs !== undefined && { requestTimeout: { ms: options.requestTimeoutMs, timers } })
  }
  return {
    ...parts,
    simulator,
    grace: new GraceWindow(clock),
    tokenRenewals,
    clientFor: (request, settings, connection, { asGiven = false } = {}) => {
      const account = zendeskOrigin(settings.subdomain, simulator)
      const header = authorizationHeader(settings, connection)
      const bearer =
        header.startsWith('Bearer ') && connection?.accessToken ? header.slice('Bearer '.length) : undefined
      const newest = bearer && !asGiven ? tokenRenewals.follow(account, bearer) : undefined
      const authorization = newest ? () => `Bearer ${newest()}` : () => header
      const secrets = credentialSecrets(settings, connection)
      return new ZendeskClient(request, { account, secrets, authorization }, parts)
    }
  }
}
