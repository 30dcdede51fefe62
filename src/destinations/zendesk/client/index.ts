import type { RequestClient } from '@segment/actions-core'
import type { Caches } from './caches'
import { CatalogApi } from './catalog'
import { EventsApi } from './events'
import { FieldListsApi } from './field-lists'
import { ZendeskHttp } from './http'
import { callerKey, type JobWatchers } from './job-watcher'
import { Jobs } from './jobs'
import { OrganizationsApi } from './organizations'
import type { WriteLimits } from './pacing'
import { TicketsApi, type TicketCreation } from './tickets'
import { UsersApi } from './users'

/**
 * One client per action call: the only door to Zendesk. Every endpoint is a method of the APIs behind it, whose
 * answers are parsed before anyone reads them; bulk methods follow their jobs through the account's job watcher.
 */
export class ZendeskClient {
  /** The account's origin: what the instance's caches are keyed by. */
  readonly account: string
  /** The account and a digest of the credentials: what lookups under way are shared by. */
  readonly caller: string
  readonly caches: Caches
  readonly users: UsersApi
  readonly organizations: OrganizationsApi
  readonly tickets: TicketsApi
  readonly events: EventsApi
  readonly catalog: CatalogApi
  readonly fieldLists: FieldListsApi

  constructor(request: RequestClient, { account, secrets }: Connection, parts: ClientParts) {
    this.account = account
    this.caches = parts.caches
    this.caller = callerKey(account, secrets)
    const http = new ZendeskHttp(request, account, secrets)
    const jobs = new Jobs(http, parts.jobWatchers.of(this.caller))
    this.users = new UsersApi(http, jobs, parts.writeLimits)
    this.organizations = new OrganizationsApi(http, jobs, parts.writeLimits.writesPerOrganization)
    this.tickets = new TicketsApi(http, jobs, parts.ticketCreates)
    this.events = new EventsApi(http)
    this.catalog = new CatalogApi(http)
    this.fieldLists = new FieldListsApi(http, parts.caches.fieldLists)
  }
}

/** Where one action call's requests go, and what no message may show. */
export interface Connection {
  /** The account's origin: https://<subdomain>.zendesk.com, or the simulator's. */
  account: string
  /** The credentials' secret parts, kept out of every message. */
  secrets: readonly string[]
}

/** What a destination instance lends each of its clients: nothing here is shared between instances. */
export interface ClientParts {
  /** One per account and credential: polls all their jobs together and counts their job slots. */
  jobWatchers: JobWatchers
  caches: Caches
  /** Zendesk's endpoint limits on writing one user or organization, met by waiting a moment or retrying later. */
  writeLimits: WriteLimits
  /** Ticket creates under way, by Idempotency-Key: a concurrent create of the same ticket waits for this one. */
  ticketCreates: Map<string, Promise<TicketCreation>>
}
