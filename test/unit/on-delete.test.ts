import nock from 'nock'
import { Destination, RetryableError } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { testDefinition } from '../helpers/destination-state'
import { BASE_URL, settings, watchUnmatchedRequests } from './support'

/** The deletion requests of one destination instance (its own memory of the users it soft-deleted). */
function deletions() {
  const destination = new Destination<Settings>(testDefinition())
  return (userId: unknown) => destination.onDelete!({ type: 'delete', userId } as any, settings as any)
}

const searchFor = (externalId: string) => nock(BASE_URL).get('/api/v2/users/search').query({ external_id: externalId })
const NO_DELETED_USERS = { deleted_users: [], meta: { has_more: false }, links: { next: null } }

let unmatched: ReturnType<typeof watchUnmatchedRequests>
beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  unmatched = watchUnmatchedRequests()
})
afterEach(() => unmatched.stop())

describe('onDelete', () => {
  it('finds the user by external_id, soft-deletes it, then deletes it permanently, and says so', async () => {
    const order: string[] = []
    searchFor('U-1').reply(200, () => {
      order.push('search')
      return { users: [{ id: 9001, external_id: 'u-1', active: true }], count: 1 }
    })
    nock(BASE_URL)
      .delete('/api/v2/users/9001')
      .reply(200, () => {
        order.push('delete')
        return { user: { id: 9001, active: false } }
      })
      .delete('/api/v2/deleted_users/9001')
      .reply(204, () => {
        order.push('delete permanently')
        return ''
      })
    expect(await deletions()('U-1')).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [{ id: 9001, found: 'active', outcome: 'permanently_deleted' }]
    })
    expect(order).toEqual(['search', 'delete', 'delete permanently'])
    expect(nock.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
  })

  it('a user the search lists as soft-deleted gets only the permanent deletion', async () => {
    searchFor('u-1').reply(200, { users: [{ id: 9001, external_id: 'u-1', active: false }] })
    nock(BASE_URL)
      .delete('/api/v2/deleted_users/9001')
      .reply(200, { deleted_user: { id: 9001, active: false } })
    expect(await deletions()('u-1')).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [{ id: 9001, found: 'soft_deleted', outcome: 'permanently_deleted' }]
    })
    expect(nock.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
  })

  it('every user with the external_id is erased: the active one and a soft-deleted one', async () => {
    searchFor('u-1').reply(200, {
      users: [
        { id: 7, external_id: 'u-1', active: false },
        { id: 8, external_id: 'U-1', active: true }
      ]
    })
    nock(BASE_URL)
      .delete('/api/v2/deleted_users/7')
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
      .delete('/api/v2/users/8')
      .reply(200, { user: { id: 8, active: false } })
      .delete('/api/v2/deleted_users/8')
      .reply(200, { deleted_user: { id: 8 } })
    expect(await deletions()('u-1')).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [
        { id: 7, found: 'soft_deleted', outcome: 'already_gone' },
        { id: 8, found: 'active', outcome: 'permanently_deleted' }
      ]
    })
    expect(nock.isDone()).toBe(true)
  })

  it('a user deleted for good by someone else between the search and the delete is already gone', async () => {
    searchFor('u-1').reply(200, { users: [{ id: 9001, external_id: 'u-1', active: true }] })
    nock(BASE_URL).delete('/api/v2/users/9001').reply(404, { error: 'RecordNotFound', description: 'Not found' })
    expect(await deletions()('u-1')).toEqual({
      deleted: true,
      outcome: 'already_gone',
      users: [{ id: 9001, found: 'active', outcome: 'already_gone' }]
    })
    expect(unmatched.seen).toEqual([])
  })

  it('an unknown user: the search, then one page of deleted_users, whose users show no external_id', async () => {
    searchFor('ghost').reply(200, { users: [], count: 0 })
    nock(BASE_URL)
      .get('/api/v2/deleted_users')
      .query({ 'page[size]': '100' })
      .reply(200, {
        deleted_users: [{ id: 4, name: 'Ann', email: 'ann@example.com', active: false }],
        meta: { has_more: true },
        links: { next: `${BASE_URL}/api/v2/deleted_users.json?page%5Bafter%5D=x` }
      })
    const result: any = await deletions()('ghost')
    expect(result).toEqual({ deleted: false, outcome: 'not_found', reason: expect.any(String) })
    expect(result.reason).toBe(
      'no Zendesk user has this external_id: users/search lists none, this destination instance soft-deleted none, and deleted_users shows no external_ids to search by'
    )
    expect(nock.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
  })

  it('a user only deleted_users lists with the external_id (soft-deleted elsewhere) is deleted for good', async () => {
    searchFor('u-1').reply(200, { users: [] })
    nock(BASE_URL)
      .get('/api/v2/deleted_users')
      .query(true)
      .reply(200, {
        deleted_users: [
          { id: 3, external_id: null, name: 'Permanently Deleted User' },
          { id: 9001, external_id: 'U-1', name: 'Ann' }
        ],
        meta: { has_more: false }
      })
      .delete('/api/v2/deleted_users/9001')
      .reply(200, { deleted_user: { id: 9001 } })
    expect(await deletions()('u-1')).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [{ id: 9001, found: 'soft_deleted', outcome: 'permanently_deleted' }]
    })
    expect(unmatched.seen).toEqual([])
  })

  it('a search result with another external_id is not deleted', async () => {
    searchFor('u-1').reply(200, { users: [{ id: 1, external_id: 'u-10', active: true }], count: 1 })
    nock(BASE_URL).get('/api/v2/deleted_users').query(true).reply(200, NO_DELETED_USERS)
    expect(await deletions()('u-1')).toMatchObject({
      deleted: false,
      outcome: 'not_found',
      reason: expect.stringContaining('deleted_users lists none')
    })
    expect(unmatched.seen).toEqual([])
  })

  it('a deletion request without userId makes no request', async () => {
    expect(await deletions()(undefined)).toEqual({
      deleted: false,
      outcome: 'not_found',
      reason: 'the deletion request has no userId to look for'
    })
    expect(unmatched.seen).toEqual([])
  })

  it('a permanent deletion that failed after the soft delete is finished on the retry, by the remembered id', async () => {
    const deleteUser = deletions()
    searchFor('u-1').reply(200, { users: [{ id: 9001, external_id: 'u-1', active: true }] })
    nock(BASE_URL)
      .delete('/api/v2/users/9001')
      .reply(200, { user: { id: 9001, active: false } })
      .delete('/api/v2/deleted_users/9001')
      .reply(500, { error: 'InternalError' })
    const failure = await deleteUser('u-1').catch((e) => e)
    expect(failure).toBeInstanceOf(RetryableError)
    expect(failure.status).toBe(500)

    // Zendesk's search leaves the soft-deleted user out; the instance remembers it.
    searchFor('u-1').reply(200, { users: [] })
    nock(BASE_URL)
      .delete('/api/v2/deleted_users/9001')
      .reply(200, { deleted_user: { id: 9001 } })
    expect(await deleteUser('u-1')).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [{ id: 9001, found: 'soft_deleted', outcome: 'permanently_deleted' }]
    })
    expect(nock.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])

    // Once deleted for good it is forgotten: a third request looks everywhere and finds nothing.
    searchFor('u-1').reply(200, { users: [] })
    nock(BASE_URL).get('/api/v2/deleted_users').query(true).reply(200, NO_DELETED_USERS)
    expect(await deleteUser('u-1')).toMatchObject({ deleted: false, outcome: 'not_found' })
    expect(unmatched.seen).toEqual([])
  })

  describe('a 429 without Retry-After on each of its requests: retryable with the default wait (60 s)', () => {
    const rateLimited = (interceptor: nock.Interceptor) =>
      interceptor.reply(429, 'Number of allowed API requests per minute exceeded')
    const activeUser = () => searchFor('u-1').reply(200, { users: [{ id: 9001, external_id: 'u-1', active: true }] })
    const cases: [string, () => void][] = [
      ['users/search', () => rateLimited(searchFor('u-1'))],
      [
        'DELETE users/{id}',
        () => {
          activeUser()
          rateLimited(nock(BASE_URL).delete('/api/v2/users/9001'))
        }
      ],
      [
        'DELETE deleted_users/{id}',
        () => {
          activeUser()
          nock(BASE_URL)
            .delete('/api/v2/users/9001')
            .reply(200, { user: { id: 9001, active: false } })
          rateLimited(nock(BASE_URL).delete('/api/v2/deleted_users/9001'))
        }
      ],
      [
        'GET deleted_users',
        () => {
          searchFor('u-1').reply(200, { users: [] })
          rateLimited(nock(BASE_URL).get('/api/v2/deleted_users').query(true))
        }
      ]
    ]
    it.each(cases)('%s', async (_, answer) => {
      answer()
      const error = await deletions()('u-1').catch((e) => e)
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 429, retryAfterSeconds: 60 })
      expect(error.message).toContain('Retry after 60 s.')
      expect(nock.isDone()).toBe(true)
      expect(unmatched.seen).toEqual([])
    })
  })
})
