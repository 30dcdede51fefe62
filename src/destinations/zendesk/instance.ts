import type { RequestClient } from '@segment/actions-core'
import { GraceWindow } from './batch/grace'
import { ZendeskClient, type ClientParts } from './client'
import { Caches } from './client/caches'
import { JobWatchers, PRODUCTION_JOB_POLLING, type JobPolling } from './client/job-watcher'
import { SINGLE_USER_WRITE_INTERVAL_MS, WRITES_PER_RECORD, writeLimits } from './client/pacing'
import type { Settings } from './generated-types'
import { simulatorOrigin, zendeskOrigin } from './settings/origin'
import { credentialSecrets } from './settings/settings'

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
  /** Milliseconds since the epoch, for deciding how old an event is (tests pass a clock they move). */
  clock?: () => number
}

/** The checked options and the caches of one destination instance: nothing here is shared between instances. */
export interface Instance extends ClientParts {
  /** Whether a user or organization that is missing is still worth a retry, by the event's age. */
  grace: GraceWindow
  /** The client of one action call, for the account and credentials in `settings`. */
  clientFor(request: RequestClient, settings: Settings): ZendeskClient
}

export function instanceOf(options: DestinationOptions = {}): Instance {
  const simulator = options.origin === undefined ? undefined : simulatorOrigin(options.origin)
  const parts: ClientParts = {
    jobWatchers: new JobWatchers({ ...PRODUCTION_JOB_POLLING, ...options.jobPolling }),
    caches: options.caches ?? new Caches(),
    writeLimits: writeLimits(
      options.singleUserWriteIntervalMs ?? SINGLE_USER_WRITE_INTERVAL_MS,
      options.writesPerRecordPerMinute ?? WRITES_PER_RECORD.limit
    ),
    ticketCreates: new Map()
  }
  return {
    ...parts,
    grace: new GraceWindow(options.clock ?? (() => Date.now())),
    clientFor: (request, settings) => {
      const connection = { account: zendeskOrigin(settings.subdomain, simulator), secrets: credentialSecrets(settings) }
      return new ZendeskClient(request, connection, parts)
    }
  }
}
