import type { RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Caches } from '../lookups/caches'
import type { GraceWindow } from '../lookups/grace'
import { credentialSecrets } from '../settings/settings'
import { zendeskOrigin } from '../settings/origin'
import type { Instance } from '../instance'
import { CatalogApi } from './catalog'
import { EventsApi } from './events'
import { FieldListsApi } from './field-lists'
import { ZendeskHttp } from './http'
import { callerKey } from './job-watcher'
import { Jobs } from './jobs'
import { OrganizationsApi } from './organizations'
import { TicketsApi } from './tickets'
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
  readonly grace: GraceWindow
  readonly users: UsersApi
  readonly organizations: OrganizationsApi
  readonly tickets: TicketsApi
  readonly events: EventsApi
  readonly catalog: CatalogApi
  readonly fieldLists: FieldListsApi

  constructor(request: RequestClient, settings: Settings, instance: Instance) {
    this.account = zendeskOrigin(settings.subdomain, instance.simulator)
    this.caches = instance.caches
    this.grace = instance.grace
    const secrets = credentialSecrets(settings)
    this.caller = callerKey(this.account, secrets)
    const http = new ZendeskHttp(request, this.account, secrets, instance.requestTimeout)
    const jobs = new Jobs(http, instance.jobWatchers.of(this.caller))
    this.users = new UsersApi(http, jobs, instance.writeLimits)
    this.organizations = new OrganizationsApi(http, jobs, instance.writeLimits.writesPerOrganization)
    this.tickets = new TicketsApi(http, jobs, instance.ticketCreates)
    this.events = new EventsApi(http)
    this.catalog = new CatalogApi(http)
    this.fieldLists = new FieldListsApi(http, instance.caches.fieldLists)
  }
}
