import nock from 'nock'
import { createRequestClient, PayloadValidationError } from '@segment/actions-core'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { BULK_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { JobWatcher } from '../../src/destinations/zendesk/client/job-watcher'
import { Jobs } from '../../src/destinations/zendesk/client/jobs'
import { unpacedWriteLimits } from '../helpers/write-limits'
import { DELETED_USER_PAGES, describeUser, UsersApi } from '../../src/destinations/zendesk/client/users'
import { TEST_JOB_POLLING } from '../helpers/destination-state'
import { BASE_URL, watchUnmatchedRequests } from './support'

const http = new ZendeskHttp(createRequestClient(), BASE_URL, [])
const users = new UsersApi(http, new Jobs(http, new JobWatcher(TEST_JOB_POLLING)), unpacedWriteLimits())

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe('UsersApi', () => {
  it('findByExternalId uses the exact external_id lookup and ignores other and deleted users', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query({ external_id: 'Acct-1' })
      .reply(200, {
        users: [
          { id: 1, external_id: 'acct-1', active: false },
          { id: 2, external_id: 'acct-10', active: true },
          { id: 3, external_id: 'ACCT-1', active: true }
        ]
      })
    expect((await users.findByExternalId('Acct-1'))?.id).toBe(3)
  })

  it('showManyByExternalIds lists up to 100 external_ids per request', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `u${i}`)
    const asked: string[][] = []
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query(true)
      .times(2)
      .reply(200, (uri) => {
        const listed = (new URL(uri, BASE_URL).searchParams.get('external_ids') ?? '').split(',')
        asked.push(listed)
        return { users: listed.map((id) => ({ id: Number(id.slice(1)) + 1, external_id: id, active: true })) }
      })
    const found = await users.showManyByExternalIds(ids)
    expect(asked.map((listed) => listed.length)).toEqual([100, 50])
    expect(asked.flat()).toEqual(ids)
    expect(found.size).toBe(150)
    expect(found.get('u149')?.id).toBe(150)
  })

  it('showManyByExternalIds reads an answer larger than 64 KB (100 full user records)', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `u${i}`)
    const notes = 'x'.repeat(1000)
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query(true)
      .reply(200, { users: ids.map((id, i) => ({ id: i + 1, external_id: id, active: true, notes })) })
    expect((await users.showManyByExternalIds(ids)).size).toBe(100)
  })

  it('showManyByExternalIds matches without case, asks once per id whatever its case, and skips inactive users', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'Acct-1,acct-2,acct-3' })
      .reply(200, {
        users: [
          { id: 1, external_id: 'ACCT-1', active: true },
          { id: 2, external_id: 'acct-2', active: false },
          { id: 9, external_id: 'someone-else', active: true }
        ]
      })
    const found = await users.showManyByExternalIds(['Acct-1', 'acct-2', 'ACCT-1', 'acct-3'])
    expect([...found.entries()].map(([key, user]) => [key, user.id])).toEqual([['acct-1', 1]])
  })

  it('showManyByExternalIds looks an external_id containing a comma up on its own', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'plain' })
      .reply(200, { users: [{ id: 1, external_id: 'plain', active: true }] })
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query({ external_id: 'last, first' })
      .reply(200, { users: [{ id: 2, external_id: 'Last, First', active: true }] })
    const found = await users.showManyByExternalIds(['plain', 'last, first'])
    expect(found.get('plain')?.id).toBe(1)
    expect(found.get('last, first')?.id).toBe(2)
  })

  it('findByEmail searches the quoted address and keeps only an exact match', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query({ query: 'email:"ada+zd@example.com"' })
      .reply(200, {
        users: [
          { id: 1, email: 'ada+zd@example.com.au' },
          { id: 2, email: 'Ada+ZD@example.com' }
        ]
      })
    expect((await users.findByEmail('ada+zd@example.com'))?.id).toBe(2)
  })

  it('findByEmail confirms a hit whose primary email differs with its identities, rather than dropping it', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query({ query: 'email:"ada@second.example"' })
      .reply(200, { users: [{ id: 7, email: 'ada@first.example' }] })
    nock(BASE_URL)
      .get('/api/v2/users/7/identities')
      .query({ 'page[size]': '100' })
      .reply(200, {
        identities: [
          { id: 901, type: 'email', value: 'ada@first.example' },
          { id: 902, type: 'phone_number', value: '+15550100' },
          { id: 903, type: 'email', value: 'Ada@Second.example' }
        ]
      })
    expect((await users.findByEmail('ada@second.example'))?.id).toBe(7)
  })

  it('findByEmail does not take a hit none of whose email identities is the address', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query({ query: 'email:"ada@second.example"' })
      .reply(200, { users: [{ id: 7, email: 'ada@first.example' }] })
    nock(BASE_URL)
      .get('/api/v2/users/7/identities')
      .query({ 'page[size]': '100' })
      .reply(200, { identities: [{ id: 904, type: 'email', value: 'ada@first.example' }] })
    expect(await users.findByEmail('ada@second.example')).toBeUndefined()
  })

  it.each(['not an email', 'a"b@example.com', 'x@y) OR (role:admin'])(
    'findByEmail refuses %j without searching',
    async (email) => {
      const unmatched = watchUnmatchedRequests()
      await expect(users.findByEmail(email)).rejects.toThrow(PayloadValidationError)
      unmatched.stop()
      expect(unmatched.seen).toEqual([])
    }
  )

  it('createOrUpdate reports 201 as created and 200 as updated', async () => {
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update', { user: { email: 'a@example.com' } })
      .reply(201, { user: { id: 1 } })
      .post('/api/v2/users/create_or_update')
      .reply(200, { user: { id: 1 } })
    expect(await users.createOrUpdate({ email: 'a@example.com' })).toEqual({ user: { id: 1 }, created: true })
    expect(await users.createOrUpdate({ email: 'a@example.com' })).toEqual({ user: { id: 1 }, created: false })
  })

  it(`createOrUpdateMany refuses more than ${BULK_LIMIT} users without a request`, async () => {
    const many = Array.from({ length: BULK_LIMIT + 1 }, (_, i) => ({ external_id: `u${i}` }))
    await expect(users.createOrUpdateMany(many)).rejects.toThrow(/At most 100/)
  })

  it('deletePermanently refuses an id that is not numeric', async () => {
    await expect(users.deletePermanently({ id: '1/../2' as unknown as number })).rejects.toThrow(PayloadValidationError)
  })

  it('describeUser names the user by external_id, else email', () => {
    expect(describeUser({ external_id: 'u1', email: 'a@example.com' })).toBe('user with external_id "u1"')
    expect(describeUser({ email: 'a@example.com' })).toBe('user with email "a@example.com"')
    expect(describeUser({})).toBe('user')
  })

  it('createOrUpdateMany submits the users and follows the job to one outcome per user', async () => {
    const scope = nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many', { users: [{ external_id: 'u0' }, { external_id: 'u1' }] })
      .reply(200, { job_status: { id: 'V3-u', status: 'queued', results: null } })
      .get('/api/v2/job_statuses/V3-u')
      .reply(200, {
        job_status: {
          id: 'V3-u',
          status: 'completed',
          results: [
            { index: 0, id: 11, status: 'Created' },
            { index: 1, id: 12, status: 'Updated' }
          ]
        }
      })
    expect(await users.createOrUpdateMany([{ external_id: 'u0' }, { external_id: 'u1' }])).toEqual([
      { ok: true, id: 11, status: 'Created' },
      { ok: true, id: 12, status: 'Updated' }
    ])
    expect(scope.isDone()).toBe(true)
  })

  it('myId is the agent id, or null for the anonymous answer to wrong credentials', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 501, role: 'admin' } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: null, name: 'Anonymous user' } })
    expect(await users.myId()).toBe(501)
    expect(await users.myId()).toBeNull()
  })

  it('deletePermanently deletes, then removes permanently; 204 answers are fine', async () => {
    const scope = nock(BASE_URL).delete('/api/v2/users/9').reply(204).delete('/api/v2/deleted_users/9').reply(204)
    const softDeleted: number[] = []
    await expect(
      users.deletePermanently({ id: 9, active: true }, async (id) => void softDeleted.push(id))
    ).resolves.toBeUndefined()
    expect(scope.isDone()).toBe(true)
    expect(softDeleted).toEqual([9])
  })

  it('deletePermanently of a soft-deleted user sends only the permanent deletion', async () => {
    const scope = nock(BASE_URL)
      .delete('/api/v2/deleted_users/9')
      .reply(200, { deleted_user: { id: 9, active: false } })
    const unmatched = watchUnmatchedRequests()
    const softDeleted: number[] = []
    await users.deletePermanently({ id: 9, active: false }, async (id) => void softDeleted.push(id))
    unmatched.stop()
    expect(scope.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
    expect(softDeleted).toEqual([])
  })

  it('allByExternalId lists the users with the external_id, soft-deleted ones included', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query({ external_id: 'Del-2' })
      .reply(200, {
        users: [
          { id: 1, external_id: 'del-2', active: false },
          { id: 2, external_id: 'del-20', active: true },
          { id: 3, external_id: 'DEL-2', active: true }
        ]
      })
    expect((await users.allByExternalId('Del-2')).map((u) => [u.id, u.active])).toEqual([
      [1, false],
      [3, true]
    ])
  })
})

describe('UsersApi.deletedByExternalId', () => {
  const page = (deleted_users: object[], next?: string) => ({
    deleted_users,
    meta: { has_more: next !== undefined },
    links: { next: next ?? null }
  })

  it('stops after one request when the deleted users show no external_id (as the reference documents them)', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/deleted_users')
      .query({ 'page[size]': '100' })
      .reply(200, page([{ id: 1, name: 'Ann', active: false }], `${BASE_URL}/api/v2/deleted_users.json?page[after]=x`))
    const unmatched = watchUnmatchedRequests()
    expect(await users.deletedByExternalId('del-2')).toEqual({ ids: [], reach: 'no external_ids' })
    unmatched.stop()
    expect(scope.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
  })

  it('follows the pages to the end where external_ids are shown, matching without case', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/deleted_users')
      .query({ 'page[size]': '100' })
      .reply(
        200,
        page(
          [
            { id: 1, external_id: null, name: 'Permanently Deleted User' },
            { id: 2, external_id: 'del-20' }
          ],
          `${BASE_URL}/api/v2/deleted_users.json?page%5Bafter%5D=c2&page%5Bsize%5D=100`
        )
      )
      .get('/api/v2/deleted_users.json')
      .query({ 'page[after]': 'c2', 'page[size]': '100' })
      .reply(200, page([{ id: 3, external_id: 'DEL-2' }]))
    expect(await users.deletedByExternalId('del-2')).toEqual({ ids: [3], reach: 'all' })
    expect(scope.isDone()).toBe(true)
  })

  it(`reads at most ${DELETED_USER_PAGES} pages`, async () => {
    const next = `${BASE_URL}/api/v2/deleted_users.json?page%5Bafter%5D=more&page%5Bsize%5D=100`
    nock(BASE_URL)
      .get('/api/v2/deleted_users')
      .query({ 'page[size]': '100' })
      .reply(200, page([{ id: 1, external_id: 'other' }], next))
      .get('/api/v2/deleted_users.json')
      .query(true)
      .times(DELETED_USER_PAGES - 1)
      .reply(200, page([{ id: 2, external_id: 'other' }], next))
    const unmatched = watchUnmatchedRequests()
    expect(await users.deletedByExternalId('del-2')).toEqual({ ids: [], reach: 'first pages' })
    unmatched.stop()
    expect(nock.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
  })
})

describe('UsersApi: an answer that is not what Zendesk sends is never "no such user"', () => {
  const html = '<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>'
  const lookups: [string, () => nock.Interceptor, () => Promise<unknown>][] = [
    [
      'findByExternalId',
      () => nock(BASE_URL).get('/api/v2/users/search').query(true),
      () => users.findByExternalId('u1')
    ],
    [
      'findByEmail',
      () => nock(BASE_URL).get('/api/v2/users/search').query(true),
      () => users.findByEmail('a@example.com')
    ],
    [
      'showManyByExternalIds',
      () => nock(BASE_URL).get('/api/v2/users/show_many').query(true),
      () => users.showManyByExternalIds(['u1', 'u2'])
    ],
    [
      'deletedByExternalId',
      () => nock(BASE_URL).get('/api/v2/deleted_users').query(true),
      () => users.deletedByExternalId('u1')
    ],
    ['myId', () => nock(BASE_URL).get('/api/v2/users/me'), () => users.myId()],
    [
      'createOrUpdate',
      () => nock(BASE_URL).post('/api/v2/users/create_or_update'),
      () => users.createOrUpdate({ external_id: 'u1' })
    ]
  ]
  const answers: [string, string][] = [
    ['an HTML page', html],
    ['truncated JSON', '{"users":[{"id":1,"external_id":"u1"'],
    ['JSON of another shape', '{"results":[{"id":1}]}'],
    ['an empty body', '']
  ]

  describe.each(lookups)('%s', (_, route, call) => {
    it.each(answers)('answered with %s → a retryable 502', async (__, body) => {
      route().reply(200, body)
      const error = await call().then(
        (value) => ({ value }),
        (e) => e
      )
      expect(error).toBeInstanceOf(ZendeskRetryableError)
      expect(error.status).toBe(502)
      expect(error.message).toMatch(/is not what Zendesk sends/)
    })
  })

  it('a redirect on users/search to another host is refused and nothing goes there', async () => {
    const elsewhere = nock('http://evil.example.com').get(/.*/).reply(200, { users: [] })
    nock(BASE_URL)
      .get('/api/v2/users/search')
      .query(true)
      .reply(302, '', { Location: 'http://evil.example.com/api/v2/users/search?query=email%3A%22a%40example.com%22' })
    const error = await users.findByEmail('a@example.com').catch((e) => e)
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toContain('302')
    expect(error.message).toContain('evil.example.com')
    expect(elsewhere.isDone()).toBe(false)
  })
})
