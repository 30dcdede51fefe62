import type { RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { ZendeskHttp } from './http'
import { UsersApi } from './users'

/** One client per action call; every Zendesk path lives in the modules behind it. */
export class ZendeskClient {
  readonly http: ZendeskHttp
  readonly users: UsersApi

  constructor(request: RequestClient, settings: Pick<Settings, 'subdomain'>) {
    this.http = new ZendeskHttp(request, settings)
    this.users = new UsersApi(this.http)
  }
}
