import nock from 'nock'
import { createRequestClient, PayloadValidationError } from '@segment/actions-core'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { BULK_LIMIT, describeUser, UsersApi } from '../../src/destinations/zendesk/client/users'
import { BASE_URL, watchUnmatchedRequests } from './support'

const users = new UsersApi(new ZendeskHttp(createRequestClient(), { subdomain: 'acme' }))

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
    await expect(users.deletePermanently('1/../2' as unknown as number)).rejects.toThrow(PayloadValidationError)
  })

  it('describeUser names the user by external_id, else email', () => {
    expect(describeUser({ external_id: 'u1', email: 'a@example.com' })).toBe('user with external_id "u1"')
    expect(describeUser({ email: 'a@example.com' })).toBe('user with email "a@example.com"')
    expect(describeUser({})).toBe('user')
  })
})
