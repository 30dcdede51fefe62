import type { RequestClient } from '@segment/actions-core'
import type { Caches } from './caches'
import { CatalogApi } from './catalog'
import { CustomObjectsApi } from './custom-objects'
import type { DeliveredWrites } from './delivered-writes'
import { EventsApi } from './events'
import { FieldListsApi } from './field-lists'
import { ZendeskHttp, type RequestTimeout } from './http'
import type { JobWatchers } from './job-watcher'
import { Jobs } from './jobs'
import { OAuthApi } from './oauth'
import { OrganizationsApi } from './organizations'
import type { WriteLimits } from './pacing'
import type { RequestBudget } from './request-budget'
import type { SoftDeletedUsers } from './soft-deleted-users'
import type { Clock } from './time'
import { TicketsApi, type TicketCreation } from './tickets'
import { UsersApi } from './users'

/**
 * One client per action call: the only door to Zendesk. Every endpoint is a method of the APIs behind it, whose
 * answers are parsed before anyone reads them; bulk methods follow their jobs through the account's job watcher.
 */
export class ZendeskClient {
  /**
   * The account's origin: what the instance's caches, lookups under way and job watchers are keyed by — not the
   * credential, which rotates.
   */
  readonly account: string
  readonly caches: Caches
  /** Users soft-deleted and not yet seen deleted for good, by account and external_id. */
  readonly softDeletedUsers: SoftDeletedUsers
  readonly users: UsersApi
  readonly organizations: OrganizationsApi
  readonly tickets: TicketsApi
  readonly events: EventsApi
  readonly customObjects: CustomObjectsApi
  readonly catalog: CatalogApi
  readonly fieldLists: FieldListsApi
  readonly oauth: OAuthApi

  constructor(request: RequestClient, { account, secrets, authorization }: Connection, parts: ClientParts) {
    this.account = account
    this.caches = parts.caches
    this.softDeletedUsers = parts.softDeletedUsers
    const http = new ZendeskHttp(request, account, secrets, authorization, parts.requestTimeout, parts.requests)
    const jobs = new Jobs(http, parts.jobWatchers.of(account))
    this.users = new UsersApi(http, jobs, parts.writeLimits)
    this.organizations = new OrganizationsApi(http, jobs, parts.writeLimits.writesPerOrganization)
    this.tickets = new TicketsApi(http, jobs, parts.ticketCreates, parts.deliveredWrites)
    this.events = new EventsApi(http, parts.deliveredWrites)
    this.customObjects = new CustomObjectsApi(http, jobs, parts.caches.customObjectFields, parts.clock)
    this.oauth = new OAuthApi(http, parts.clock)
    this.catalog = new CatalogApi(http)
    this.fieldLists = new FieldListsApi(http, parts.caches.fieldLists)
  }
}

/** Where one action call's requests go, with which credential, and what no message may show. */
export interface Connection {
  /** The account's origin: https://<subdomain>.zendesk.com, or the simulator's. */
  account: string
  /** The credentials' secret parts, kept out of every message. */
  secrets: readonly string[]
  /** Each request's Authorization header, asked anew every time (a renewed token takes over at once). */
  authorization: () => string
}

/** What a destination instance lends each of its clients: nothing here is shared between instances. */
export interface ClientParts {
  /** Milliseconds since the epoch (tests pass a clock they move). */
  clock: Clock
  /** The accounts' request budgets: each request is spent from its account's before it is sent. */
  requests: RequestBudget
  /** One per account: polls all its jobs together, each in one of the account's job slots. */
  jobWatchers: JobWatchers
  caches: Caches
  /**
   * Zendesk's endpoint limits on writing one user or organization, and on permanent user deletions, met by waiting
   * a moment or retrying later.
   */
  writeLimits: WriteLimits
  /** Ticket creates under way, by Idempotency-Key: a concurrent create of the same ticket waits for this one. */
  ticketCreates: Map<string, Promise<TicketCreation>>
  /** Events and ticket updates Zendesk accepted lately, so that running an event again does not write them twice. */
  deliveredWrites: DeliveredWrites
  /** Users soft-deleted and not yet seen deleted for good: a retried deletion request finishes them. */
  softDeletedUsers: SoftDeletedUsers
  /** How long a request waits for its answer, and on which timers; unset: the request client's own timeout. */
  requestTimeout?: RequestTimeout
}
