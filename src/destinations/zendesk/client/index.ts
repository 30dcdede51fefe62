import type { RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Caches } from '../lookups/caches'
import type { GraceWindow } from '../lookups/grace'
import { authorizationHeader, credentialSecrets, type ConnectionTokens } from '../settings/settings'
import { zendeskOrigin } from '../settings/origin'
import type { Instance } from '../instance'
import { CatalogApi } from './catalog'
import { EventsApi } from './events'
import { FieldListsApi } from './field-lists'
import { ZendeskHttp } from './http'
import { Jobs } from './jobs'
import { OAuthApi } from './oauth'
import { OrganizationsApi } from './organizations'
import { TicketsApi } from './tickets'
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
  readonly grace: GraceWindow
  /** Users soft-deleted and not yet seen deleted for good, by account and external_id. */
  readonly softDeletedUsers: Instance['softDeletedUsers']
  readonly users: UsersApi
  readonly organizations: OrganizationsApi
  readonly tickets: TicketsApi
  readonly events: EventsApi
  readonly catalog: CatalogApi
  readonly fieldLists: FieldListsApi
  readonly oauth: OAuthApi

  /**
   * `connection` is the OAuth connection's tokens as actions-core hands them to the action (`auth`); without it,
   * the legacy credential of the settings is used. A request made with an access token this instance has since
   * renewed goes with the newest one, unless `asGiven` (a credential check must check the credential it got).
   */
  constructor(
    request: RequestClient,
    settings: Settings,
    instance: Instance,
    connection?: ConnectionTokens,
    { asGiven = false }: { asGiven?: boolean } = {}
  ) {
    this.account = zendeskOrigin(settings.subdomain, instance.simulator)
    this.caches = instance.caches
    this.grace = instance.grace
    this.softDeletedUsers = instance.softDeletedUsers
    const header = authorizationHeader(settings, connection)
    const bearer = header.startsWith('Bearer ') && connection?.accessToken ? header.slice('Bearer '.length) : undefined
    const account = this.account
    const authorization =
      bearer && !asGiven ? () => `Bearer ${instance.tokenRenewals.current(account, bearer)}` : () => header
    const http = new ZendeskHttp(request, this.account, credentialSecrets(settings, connection), authorization)
    const jobs = new Jobs(http, instance.jobWatchers.of(this.account))
    this.users = new UsersApi(http, jobs, instance.writeLimits)
    this.organizations = new OrganizationsApi(http, jobs, instance.writeLimits.writesPerOrganization)
    this.tickets = new TicketsApi(http, jobs, instance.ticketCreates, instance.deliveredWrites)
    this.events = new EventsApi(http, instance.deliveredWrites)
    this.oauth = new OAuthApi(http, instance.clock)
    this.catalog = new CatalogApi(http)
    this.fieldLists = new FieldListsApi(http, instance.caches.fieldLists)
  }
}
