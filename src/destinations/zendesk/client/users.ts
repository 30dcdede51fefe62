import { PayloadValidationError } from '@segment/actions-core'
import { listsOf } from './lists'
import { quote } from './quote'
import { BULK_LIMIT } from './constants'
import { idSegment, type ZendeskHttp } from './http'
import type { JobItemOutcome, Jobs } from './jobs'
import type { WriteLimits } from './pacing'
import {
  deletedUserAnswer,
  deletedUserSchema,
  meSchema,
  userAnswer,
  userIdentitiesAnswer,
  userIdentityAnswer,
  userIdentitySchema,
  usersAnswer,
  type UserIdentity,
  type ZendeskUser
} from './schemas'

export type { UserIdentity, ZendeskUser }

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

/** A description of a user for error messages: its external_id or email, never anything else. */
export function describeUser(user: Pick<UserInput, 'external_id' | 'email'>): string {
  if (user.external_id) return `user with external_id ${quote(user.external_id)}`
  if (user.email) return `user with email ${quote(user.email)}`
  return 'user'
}

const SEARCHABLE_EMAIL = /^[^\s"\\<>()]+@[^\s"\\<>()]+$/

const isActive = (user: Pick<ZendeskUser, 'active'>) => user.active !== false
/** Search hits whose identities are read, at most, to confirm a secondary email (an exact search finds one). */
const HITS_TO_CONFIRM = 3
/** Pages of a user's identities read to confirm an email (100 identities each). */
const IDENTITY_PAGES = 2
/** Pages of `deleted_users` searched for an external_id (100 users each). */
export const DELETED_USER_PAGES = 20

/** What a search of `deleted_users` for an external_id found, and how far it could see. */
export interface DeletedUsersSearch {
  /** the deleted users with the external_id */
  ids: number[]
  /** all of `deleted_users`, its first DELETED_USER_PAGES pages only, or nothing: its users show no external_id */
  reach: 'all' | 'first pages' | 'no external_ids'
}

export class UsersApi {
  /** The primary email of every user an answer of this call showed, by user id. */
  private readonly primaryEmails = new Map<number, string | null>()

  constructor(
    private readonly http: ZendeskHttp,
    private readonly jobs: Jobs,
    private readonly limits: WriteLimits
  ) {}

  /** The user's primary email as the last answer of this call that showed the user had it (undefined: not seen). */
  primaryEmailSeen(userId: number): string | null | undefined {
    return this.primaryEmails.get(userId)
  }

  private seen<U extends ZendeskUser>(user: U): U {
    this.primaryEmails.set(user.id, user.email ?? null)
    return user
  }

  /** The authenticated user's id; null when Zendesk answered as an anonymous user (wrong credentials). */
  async myId(): Promise<number | null> {
    return (await this.me())?.id ?? null
  }

  /** The agent the credential acts as; undefined when Zendesk answers as an anonymous user (`id: null`). */
  async me(): Promise<{ id: number; name?: string; email?: string } | undefined> {
    const { body } = await this.http.get('users/me', 'the authenticated user', meSchema)
    const { id, name, email } = body.user
    if (id === null) return undefined
    return { id, ...(name && { name }), ...(email && { email }) }
  }

  /**
   * `POST users/create_or_update`: Zendesk matches on external_id or email; 201 means created. Paced under
   * Zendesk's limits on such writes: 5 a minute per user, one a second per account.
   */
  async createOrUpdate(user: UserInput): Promise<{ user: ZendeskUser; created: boolean }> {
    await this.singleWriteTurn(user)
    const { status, body } = await this.http.post('users/create_or_update', describeUser(user), userAnswer, { user })
    return { user: this.seen(body.user), created: status === 201 }
  }

  /** `PUT users/{id}` (Update User), under the same limits as create_or_update. A deleted user answers 404. */
  async update(userId: number, user: UserInput): Promise<ZendeskUser> {
    const id = idSegment(userId, 'user id')
    await this.singleWriteTurn(user)
    const { body } = await this.http.put(`users/${id}`, describeUser(user), userAnswer, { user })
    return this.seen(body.user)
  }

  /** Waits for the user's turn under Zendesk's single-user write limits: 5 a minute per user, one a second per account. */
  private async singleWriteTurn(user: UserInput): Promise<void> {
    const record = `${this.http.origin} ${(user.external_id ?? user.email ?? '').toLowerCase()}`
    await this.limits.writesPerUser.turn(record, describeUser(user))
    await this.limits.userWritesPerAccount.slot(this.http.origin, describeUser(user))
  }

  /** `POST users/create_or_update_many` (up to 100), followed to one outcome per user. A refused submission throws. */
  async createOrUpdateMany(users: UserInput[]): Promise<JobItemOutcome[]> {
    if (users.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} users per create_or_update_many call`)
    const about = `bulk upsert of ${users.length} users`
    return this.jobs.bulk('POST', 'users/create_or_update_many', about, { users })
  }

  /** `POST users/create_many` (up to 100; bulk import must be on): creates only, an existing user's item is refused. */
  async createMany(users: UserInput[]): Promise<JobItemOutcome[]> {
    if (users.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} users per create_many call`)
    return this.jobs.bulk('POST', 'users/create_many', `bulk creation of ${users.length} users`, { users })
  }

  /**
   * `POST users` (Create User): Zendesk documents no endpoint limit for it beyond the account's, so it is not
   * paced. An email or external_id another user has is refused (422 DuplicateValue on that field).
   */
  async create(user: UserInput): Promise<ZendeskUser> {
    const { body } = await this.http.post('users', describeUser(user), userAnswer, { user })
    return this.seen(body.user)
  }

  /**
   * `PUT users/update_many` in its batch form, `{ users: [{ id, … }] }` (up to 100), each item updated as
   * `PUT users/{id}` would; followed to one outcome per user, matched by the id each item changed.
   */
  async updateMany(users: (UserInput & { id: number })[]): Promise<JobItemOutcome[]> {
    if (users.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} users per update_many call`)
    return this.jobs.bulk('PUT', 'users/update_many', `bulk update of ${users.length} users`, { users })
  }

  /** Exact (case-insensitive) external_id lookup of the active user; no search syntax involved. */
  async findByExternalId(externalId: string): Promise<ZendeskUser | undefined> {
    return (await this.allByExternalId(externalId)).find(isActive)
  }

  /**
   * Every user `users/search` lists for this `external_id=` (compared without case): the active one,
   * and soft-deleted ones (`active: false`) where Zendesk lists them, which is not documented.
   */
  async allByExternalId(externalId: string): Promise<ZendeskUser[]> {
    const { body } = await this.http.get('users/search', describeUser({ external_id: externalId }), usersAnswer, {
      external_id: externalId
    })
    const wanted = externalId.toLowerCase()
    return body.users.filter((u) => u.external_id?.toLowerCase() === wanted)
  }

  /**
   * The users `deleted_users` lists with this external_id, read a page of 100 at a time, at most
   * DELETED_USER_PAGES pages. The reference documents no external_id on a deleted user: when the first page's
   * users carry none, the search ends there, having cost one request.
   */
  async deletedByExternalId(externalId: string): Promise<DeletedUsersSearch> {
    const wanted = externalId.toLowerCase()
    const ids: number[] = []
    const readPage = (pageUrl?: string) =>
      this.http.listPage('deleted_users', 'deleted_users', 'deleted users', deletedUserSchema, { pageUrl })
    let pageUrl: string | undefined
    for (let page = 0; page < DELETED_USER_PAGES; page++) {
      const { items, next } = await readPage(pageUrl)
      if (page === 0 && items.length > 0 && items.every((user) => user.external_id === undefined)) {
        return { ids, reach: 'no external_ids' }
      }
      for (const user of items) if (user.external_id?.toLowerCase() === wanted) ids.push(user.id)
      if (!next) return { ids, reach: 'all' }
      pageUrl = next
    }
    return { ids, reach: 'first pages' }
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
      if (user && key && wanted.has(key) && isActive(user)) found.set(key, this.seen(user))
    }
    for (const list of lists) {
      const about = list.length === 1 ? describeUser({ external_id: list[0] }) : `${list.length} users by external_id`
      const { body } = await this.http.get('users/show_many', about, usersAnswer, {
        external_ids: list.join(',')
      })
      body.users.forEach(keep)
    }
    for (const externalId of alone) keep(await this.findByExternalId(externalId))
    return found
  }

  /** The users with these ids (`show_many?ids=`, up to 100 per call); deleted ones are left out. */
  async showManyByIds(ids: readonly number[]): Promise<ZendeskUser[]> {
    const users: ZendeskUser[] = []
    for (let start = 0; start < ids.length; start += BULK_LIMIT) {
      const list = ids.slice(start, start + BULK_LIMIT)
      const { body } = await this.http.get('users/show_many', `${list.length} users by id`, usersAnswer, {
        ids: list.join(',')
      })
      users.push(...body.users.filter(isActive).map((u) => this.seen(u)))
    }
    return users
  }

  /** The user's identities (the first pages: identities beyond them are not looked through). */
  async identities(userId: number): Promise<UserIdentity[]> {
    const id = idSegment(userId, 'user id')
    return this.http.listAll(
      `users/${id}/identities`,
      'identities',
      `identities of user ${id}`,
      userIdentitySchema,
      {},
      IDENTITY_PAGES
    )
  }

  /** `PUT users/{id}/identities/{identity_id}/make_primary`. */
  async makePrimary(userId: number, identityId: number): Promise<void> {
    const [user, identity] = [idSegment(userId, 'user id'), idSegment(identityId, 'identity id')]
    await this.http.put(
      `users/${user}/identities/${identity}/make_primary`,
      `identity ${identity} of user ${user}`,
      userIdentitiesAnswer,
      {}
    )
  }

  /** Marks the identity verified (Update Identity). */
  async verifyIdentity(userId: number, identityId: number): Promise<void> {
    const [user, identity] = [idSegment(userId, 'user id'), idSegment(identityId, 'identity id')]
    await this.http.put(
      `users/${user}/identities/${identity}`,
      `identity ${identity} of user ${user}`,
      userIdentityAnswer,
      {
        identity: { verified: true }
      }
    )
  }

  /** Deletes a secondary identity (Zendesk refuses to delete the primary one). */
  async deleteIdentity(userId: number, identityId: number): Promise<void> {
    const [user, identity] = [idSegment(userId, 'user id'), idSegment(identityId, 'identity id')]
    await this.http.delete(`users/${user}/identities/${identity}`, `identity ${identity} of user ${user}`)
  }

  /**
   * The active user with this email among any of its email identities. Search by email (quoted) matches
   * secondary identities too, but a user shows only its primary email: a hit whose primary email differs is
   * confirmed with its identities (GET users/{id}/identities) rather than dropped.
   */
  async findByEmail(email: string): Promise<ZendeskUser | undefined> {
    if (!SEARCHABLE_EMAIL.test(email)) {
      throw new PayloadValidationError(`email ${quote(email)} is not an email address Zendesk can search for`)
    }
    const { body } = await this.http.get('users/search', describeUser({ email }), usersAnswer, {
      query: `email:"${email}"`
    })
    const wanted = email.toLowerCase()
    const hits = body.users.filter(isActive)
    const primary = hits.find((user) => user.email?.toLowerCase() === wanted)
    // With a `*` the search matched a pattern: its hits only resemble the address, so none is worth confirming.
    if (primary || email.includes('*')) return primary
    for (const user of hits.slice(0, HITS_TO_CONFIRM)) {
      if ((await this.emailsOf(user.id)).includes(wanted)) return user
    }
    return undefined
  }

  /** Every email identity of the user, lowercased. */
  private async emailsOf(userId: number): Promise<string[]> {
    const identities = await this.identities(userId)
    return identities.filter((identity) => identity.type === 'email').map((identity) => identity.value.toLowerCase())
  }

  /** Soft-deletes the user (`DELETE users/{id}`): it stays readable with active false and matches nothing. */
  async softDelete(userId: number): Promise<void> {
    const id = idSegment(userId, 'user id')
    await this.http.delete(`users/${id}`, `user ${id}`, userAnswer)
  }

  /**
   * `DELETE users/destroy_many?ids=` (up to 100 distinct ids): soft-deletes the users as `softDelete` does, in one
   * job, followed to one outcome per id, in the order given. A refused submission throws.
   */
  async destroyMany(userIds: readonly number[]): Promise<JobItemOutcome[]> {
    if (userIds.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} users per destroy_many call`)
    const ids = userIds.map((id) => idSegment(id, 'user id'))
    return this.jobs.bulkDelete('users/destroy_many', `bulk delete of ${ids.length} users`, ids)
  }

  /**
   * Removes the user for good, as a deletion request expects. First a turn under Zendesk's limit on permanent
   * deletions (700 every 10 minutes per account; with none left, retryable with the wait and nothing is sent),
   * then `DELETE users/{id}` while the user is active, then `DELETE deleted_users/{id}`. `softDeleted` hears of the
   * first step before the second is sent, so that a second step that failed can be finished later. A user already
   * gone for good answers 404.
   */
  async deletePermanently(
    user: Pick<ZendeskUser, 'id' | 'active'>,
    softDeleted?: (id: number) => Promise<void>
  ): Promise<void> {
    const id = idSegment(user.id, 'user id')
    this.limits.permanentUserDeletions.take(this.http.origin, `the permanent deletion of user ${id}`)
    if (isActive(user)) {
      await this.http.delete(`users/${id}`, `user ${id}`, userAnswer)
      await softDeleted?.(user.id)
    }
    await this.http.delete(`deleted_users/${id}`, `deleted user ${id}`, deletedUserAnswer)
  }
}
