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
