import nock from 'nock'
import { createRequestClient, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { ZendeskClient } from '../../src/destinations/zendesk/client'
import { findUserIds, type UserLookup } from '../../src/destinations/zendesk/lookups/users'
import { instanceOf, type Instance } from '../../src/destinations/zendesk/instance'
import { BASE_URL, resetState } from './support'

/** One destination instance per test: its clients share its caches. */
let instance: Instance
const client = () => new ZendeskClient(createRequestClient(), { subdomain: 'acme', oauth_token: 'oauth-tok' }, instance)

/** "METHOD path?query" of every request made in the current test, query decoded. */
const requests: string[] = []

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  resetState()
  instance = instanceOf()
  requests.length = 0
})
afterEach(() => expect(nock.pendingMocks()).toEqual([]))

function zendesk(): nock.Scope {
  return nock(BASE_URL).on('request', (req: any) =>
    requests.push(`${req.method} ${decodeURIComponent(req.path.replace(/\+/g, ' '))}`)
  )
}

const user = (id: number, fields: { external_id?: string; email?: string; active?: boolean }) => ({
  id,
  active: true,
  ...fields
})

/** show_many answering with the users whose (lowercased) external_id is in `users`, as Zendesk does. */
function showMany(users: Record<string, number>, times = 1): void {
  zendesk()
    .get('/api/v2/users/show_many')
    .query(true)
    .times(times)
    .reply(200, (uri) => {
      const listed = (new URL(uri, BASE_URL).searchParams.get('external_ids') ?? '').split(',')
      return {
        users: listed
          .filter((id) => users[id.toLowerCase()] !== undefined)
          .map((id) => user(users[id.toLowerCase()], { external_id: id.toUpperCase() }))
      }
    })
}

const ids = (lookups: UserLookup[]) => lookups.map((l) => (l.ok ? l.id : 'error'))

describe('findUserIds', () => {
  it('uses zendesk_user_id as given, without a request; a malformed one fails only its reference', async () => {
    const lookups = await findUserIds(client(), [
      { zendesk_user_id: '42', external_id: 'ignored' },
      { zendesk_user_id: 7 },
      { zendesk_user_id: '../1' }
    ])
    expect(ids(lookups)).toEqual([42, 7, 'error'])
    expect(lookups[2]).toMatchObject({ ok: false, error: expect.any(PayloadValidationError) })
    expect(requests).toEqual([])
  })

  it('resolves all external_ids with one show_many, matching without case', async () => {
    showMany({ a: 1, b: 2 })
    const lookups = await findUserIds(client(), [
      { external_id: 'A' },
      { external_id: 'b' },
      { external_id: 'a' },
      { external_id: 'nobody' }
    ])
    expect(ids(lookups)).toEqual([1, 2, 1, undefined])
    expect(requests).toEqual(['GET /api/v2/users/show_many?external_ids=A,b,nobody'])
  })

  it('asks for at most 100 external_ids per show_many', async () => {
    const users = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`u${i}`, 1000 + i]))
    showMany(users, 3)
    const lookups = await findUserIds(
      client(),
      Object.keys(users).map((external_id) => ({ external_id }))
    )
    expect(ids(lookups)).toEqual(Object.values(users))
    expect(requests.map((line) => line.split('=')[1].split(',').length)).toEqual([100, 100, 50])
  })

  it('looks an external_id containing a comma up on its own', async () => {
    showMany({ plain: 1 })
    zendesk()
      .get('/api/v2/users/search')
      .query({ external_id: 'Doe, Jane' })
      .reply(200, { users: [user(2, { external_id: 'doe, jane' })] })
    const lookups = await findUserIds(client(), [{ external_id: 'plain' }, { external_id: 'Doe, Jane' }])
    expect(ids(lookups)).toEqual([1, 2])
    expect(requests.sort()).toEqual([
      'GET /api/v2/users/search?external_id=Doe, Jane',
      'GET /api/v2/users/show_many?external_ids=plain'
    ])
  })

  it('fills the user id cache: the same users cost no request afterwards, many together or one alone', async () => {
    showMany({ a: 1, b: 2 })
    await findUserIds(client(), [{ external_id: 'a' }, { external_id: 'b' }])
    expect(ids(await findUserIds(client(), [{ external_id: 'B' }, { external_id: 'a' }]))).toEqual([2, 1])
    expect(await findUserIds(client(), [{ external_id: 'A' }])).toEqual([{ ok: true, id: 1, cached: true }])
    expect(requests).toHaveLength(1)
  })

  it('only the references still unknown are looked up', async () => {
    showMany({ a: 1 })
    await findUserIds(client(), [{ external_id: 'a' }])
    showMany({ b: 2 })
    expect(ids(await findUserIds(client(), [{ external_id: 'a' }, { external_id: 'b' }]))).toEqual([1, 2])
    expect(requests).toEqual([
      'GET /api/v2/users/show_many?external_ids=a',
      'GET /api/v2/users/show_many?external_ids=b'
    ])
  })

  it('falls back to one email search per distinct email, only for references show_many did not find', async () => {
    showMany({ known: 1 })
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"ann@example.com"' })
      .reply(200, { users: [user(5, { email: 'Ann@example.com' })] })
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"nobody@example.com"' })
      .twice()
      .reply(200, { users: [] })
    const refs = [
      { external_id: 'known', email: 'other@example.com' },
      { external_id: 'new', email: 'ann@example.com' },
      { email: 'ANN@example.com' },
      { external_id: 'ghost', email: 'nobody@example.com' },
      { external_id: 'ghost' }
    ]
    expect(ids(await findUserIds(client(), refs))).toEqual([1, 5, 5, undefined, undefined])
    expect(requests.filter((line) => line.includes('query='))).toHaveLength(2)

    requests.length = 0
    showMany({})
    expect(ids(await findUserIds(client(), refs))).toEqual([1, 5, 5, undefined, undefined])
    // Found by email, a reference is cached as a whole: only the users not found at all are asked for again.
    expect(requests).toEqual([
      'GET /api/v2/users/show_many?external_ids=ghost',
      'GET /api/v2/users/search?query=email:"nobody@example.com"'
    ])
  })

  it('an email Zendesk cannot search for fails only its reference', async () => {
    showMany({ a: 1 })
    const lookups = await findUserIds(client(), [{ external_id: 'a' }, { email: 'x@y) OR (role:admin' }])
    expect(ids(lookups)).toEqual([1, 'error'])
    expect(lookups[1]).toMatchObject({ ok: false, error: expect.any(PayloadValidationError) })
  })

  it('after a 429 no further lookup is made: every reference still open gets that error', async () => {
    zendesk().get('/api/v2/users/show_many').query(true).reply(429, 'Slow down', { 'Retry-After': '9' })
    const lookups = await findUserIds(client(), [
      { external_id: 'a', email: 'a@example.com' },
      { email: 'b@example.com' },
      { zendesk_user_id: '3' }
    ])
    expect(lookups.map((l) => (l.ok ? l.id : (l.error as RetryableError).status))).toEqual([429, 429, 3])
    expect((lookups[1] as { error: Error }).error.message).toContain('Retry after 9 s')
    expect(requests).toHaveLength(1)
  })
})
