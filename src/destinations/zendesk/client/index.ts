import type { RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { CatalogApi } from './catalog'
import { EventsApi } from './events'
import { ZendeskHttp } from './http'
import { OrganizationsApi } from './organizations'
import { TicketsApi } from './tickets'
import { UsersApi } from './users'

/** One client per action call; every Zendesk path lives in the modules behind it. */
export class ZendeskClient {
  readonly http: ZendeskHttp
  readonly users: UsersApi
  readonly organizations: OrganizationsApi
  readonly tickets: TicketsApi
  readonly events: EventsApi
  readonly catalog: CatalogApi

  constructor(request: RequestClient, settings: Pick<Settings, 'subdomain'>) {
    this.http = new ZendeskHttp(request, settings)
    this.users = new UsersApi(this.http)
    this.organizations = new OrganizationsApi(this.http)
    this.tickets = new TicketsApi(this.http)
    this.events = new EventsApi(this.http)
    this.catalog = new CatalogApi(this.http)
  }
}
