import { PayloadValidationError } from '@segment/actions-core'
import { listsOf } from '../lookups/batch-lookups'
import { idSegment, type ZendeskHttp } from './http'
import type { JobStatus } from './jobs'
import { quote } from '../fields/quote'

export interface ZendeskUser {
  id: number | null
  name?: string
  email?: string | null
  external_id?: string | null
  role?: string
  active?: boolean
  organization_id?: number | null
  user_fields?: Record<string, unknown>
}

export interface UserInput {
  email?: string
  name?: string
  external_id?: string
  organization_id?: number
  time_zone?: string
  phone?: string
  user_fields?: Record<string, unknown>
  skip_verify_email?: boolean
  verified?: boolean
}

export const BULK_LIMIT = 100

/** A description of a user for error messages: its external_id or email, never anything else. */
export function describeUser(user: Pick<UserInput, 'external_id' | 'email'>): string {
  if (user.external_id) return `user with external_id ${quote(user.external_id)}`
  if (user.email) return `user with email ${quote(user.email)}`
  return 'user'
}

const SEARCHABLE_EMAIL = /^[^\s"\\<>()]+@[^\s"\\<>()]+$/

export class UsersApi {
  constructor(private readonly http: ZendeskHttp) {}

  async me(): Promise<ZendeskUser> {
    const { body } = await this.http.get<{ user: ZendeskUser }>('users/me', 'the authenticated user')
    return body.user
  }

  /** `POST users/create_or_update`: Zendesk matches on external_id or email; 201 means created. */
  async createOrUpdate(user: UserInput): Promise<{ user: ZendeskUser; created: boolean }> {
    const { status, body } = await this.http.post<{ user: ZendeskUser }>('users/create_or_update', describeUser(user), {
      user
    })
    return { user: body.user, created: status === 201 }
  }

  async createOrUpdateMany(users: UserInput[]): Promise<JobStatus> {
    if (users.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} users per create_or_update_many call`)
    const { body } = await this.http.post<{ job_status: JobStatus }>(
      'users/create_or_update_many',
      `bulk upsert of ${users.length} users`,
      { users }
    )
    return body.job_status
  }

  /** Exact (case-insensitive) external_id lookup; no search syntax involved. */
  async findByExternalId(externalId: string): Promise<ZendeskUser | undefined> {
    const { body } = await this.http.get<{ users?: ZendeskUser[] }>(
      'users/search',
      describeUser({ external_id: externalId }),
      { external_id: externalId }
    )
    const wanted = externalId.toLowerCase()
    return (body.users ?? []).find((u) => u.active !== false && u.external_id?.toLowerCase() === wanted)
  }

  /**
   * The active users with these external_ids, keyed by lowercased external_id: `show_many` with up to 100 ids
   * per call. An external_id that cannot be listed in `external_ids=` (it has a comma, or is very long) is looked
   * up alone.
   */
  async showManyByExternalIds(externalIds: readonly string[]): Promise<Map<string, ZendeskUser>> {
    const wanted = new Set(externalIds.map((id) => id.toLowerCase()))
    const { lists, alone } = listsOf(externalIds, BULK_LIMIT)
    const found = new Map<string, ZendeskUser>()
    const keep = (user: ZendeskUser | undefined) => {
      const key = user?.external_id?.toLowerCase()
      if (user && key && wanted.has(key) && user.active !== false) found.set(key, user)
    }
    for (const list of lists) {
      const { body } = await this.http.get<{ users?: ZendeskUser[] }>(
        'users/show_many',
        `${list.length} users by external_id`,
        { external_ids: list.join(',') }
      )
      ;(body.users ?? []).forEach(keep)
    }
    for (const externalId of alone) keep(await this.findByExternalId(externalId))
    return found
  }

  /** Search by email; the address is quoted and the results filtered to an exact match. */
  async findByEmail(email: string): Promise<ZendeskUser | undefined> {
    if (!SEARCHABLE_EMAIL.test(email)) {
      throw new PayloadValidationError(`email ${quote(email)} is not an email address Zendesk can search for`)
    }
    const { body } = await this.http.get<{ users?: ZendeskUser[] }>('users/search', describeUser({ email }), {
      query: `email:"${email}"`
    })
    const wanted = email.toLowerCase()
    return (body.users ?? []).find((u) => u.active !== false && u.email?.toLowerCase() === wanted)
  }

  /** Soft-deletes the user, then removes it permanently, as a data deletion request expects. */
  async deletePermanently(userId: number): Promise<void> {
    const id = idSegment(userId, 'user id')
    await this.http.delete(`users/${id}`, `user ${id}`)
    await this.http.delete(`deleted_users/${id}`, `deleted user ${id}`)
  }
}
