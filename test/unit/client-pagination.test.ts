import nock from 'nock'
import { APIError, createRequestClient, PayloadValidationError } from '@segment/actions-core'
import { z } from 'zod'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { idSegment, ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { BASE_URL, watchUnmatchedRequests } from './support'

const http = new ZendeskHttp(createRequestClient(), BASE_URL, [])
const keyed = z.object({ key: z.string() })
const nextLink = (cursor: string, origin = BASE_URL) =>
  `${origin}/api/v2/user_fields.json?page%5Bafter%5D=${cursor}&page%5Bsize%5D=100`

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe('listAll', () => {
  it('asks for 100 per page and follows links.next while meta.has_more', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query({ 'page[size]': '100', active: 'true' })
      .reply(200, {
        user_fields: [{ key: 'a' }, { key: 'b' }],
        meta: { has_more: true, after_cursor: 'c1' },
        links: { next: nextLink('c1') }
      })
      .get('/api/v2/user_fields.json')
      .query({ 'page[after]': 'c1', 'page[size]': '100' })
      .reply(200, {
        user_fields: [{ key: 'c' }],
        meta: { has_more: true, after_cursor: 'c2' },
        links: { next: nextLink('c2') }
      })
      .get('/api/v2/user_fields.json')
      .query({ 'page[after]': 'c2', 'page[size]': '100' })
      .reply(200, {
        user_fields: [{ key: 'd' }],
        meta: { has_more: false, after_cursor: 'c3' },
        links: { next: nextLink('c3') }
      })
    const items = await http.listAll('user_fields', 'user_fields', 'user fields', keyed, { active: true })
    expect(items.map((f) => f.key)).toEqual(['a', 'b', 'c', 'd'])
    expect(scope.isDone()).toBe(true)
  })

  it('stops when has_more is true but there is no next link', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { user_fields: [{ key: 'a' }], meta: { has_more: true }, links: { next: null } })
    expect(await http.listAll('user_fields', 'user_fields', 'user fields', keyed)).toHaveLength(1)
    expect(scope.isDone()).toBe(true)
  })

  // It used to be read as an empty list; a list Zendesk always sends that is missing is now a retryable 502.
  it('an answer without the list key is not an empty list: a retryable 502', async () => {
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { meta: { has_more: false } })
    const error = await http.listAll('user_fields', 'user_fields', 'user fields', keyed).catch((e) => e)
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/user_fields: Required/)
  })

  it('an empty list is an empty list', async () => {
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { user_fields: [], meta: { has_more: false } })
    expect(await http.listAll('user_fields', 'user_fields', 'user fields', keyed)).toEqual([])
  })

  it('a second page that is an HTML page fails the whole list with a retryable 502, never a partial list', async () => {
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { user_fields: [{ key: 'a' }], meta: { has_more: true }, links: { next: nextLink('c1') } })
      .get('/api/v2/user_fields.json')
      .query(true)
      .reply(200, '<html>Maintenance</html>', { 'Content-Type': 'text/html' })
    const error = await http.listAll('user_fields', 'user_fields', 'user fields', keyed).catch((e) => e)
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/not JSON/)
  })

  it('follows a relative next link on the same host', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, {
        user_fields: [{ key: 'a' }],
        meta: { has_more: true },
        links: { next: '/api/v2/user_fields.json?page%5Bafter%5D=c1' }
      })
      .get('/api/v2/user_fields.json')
      .query({ 'page[after]': 'c1' })
      .reply(200, { user_fields: [{ key: 'b' }], meta: { has_more: false } })
    expect(await http.listAll('user_fields', 'user_fields', 'user fields', keyed)).toHaveLength(2)
    expect(scope.isDone()).toBe(true)
  })

  it.each([
    nextLink('c1', 'https://evil.example.com'),
    nextLink('c1', 'http://acme.zendesk.com'),
    nextLink('c1', 'https://acme.zendesk.com:8443'),
    nextLink('c1', 'https://other.zendesk.com')
  ])('refuses a next link to another origin (%s) without requesting it', async (link) => {
    const unmatched = watchUnmatchedRequests()
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { user_fields: [{ key: 'a' }], meta: { has_more: true }, links: { next: link } })
    const error = await http.listAll('user_fields', 'user_fields', 'user fields', keyed).catch((e) => e)
    unmatched.stop()
    expect(error).toBeInstanceOf(APIError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/pagination link to another host/)
    expect(unmatched.seen).toEqual([])
  })

  it('maps a failing page to a Zendesk error', async () => {
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { user_fields: [{ key: 'a' }], meta: { has_more: true }, links: { next: nextLink('c1') } })
      .get('/api/v2/user_fields.json')
      .query(true)
      .reply(429, 'slow down', { 'Retry-After': '3' })
    const error = await http.listAll('user_fields', 'user_fields', 'user fields', keyed).catch((e) => e)
    expect(error.status).toBe(429)
    expect(error.retryAfterSeconds).toBe(3)
  })
})

describe('idSegment', () => {
  it.each([
    [42, '42'],
    ['42', '42'],
    [' 7 ', '7'],
    ['12345678901234567890', '12345678901234567890']
  ])('accepts %j', (value, expected) => {
    expect(idSegment(value, 'user id')).toBe(expected)
  })

  it.each(['', '0', '-1', '1.5', '1/2', '..', '../users', '5?x=1', '5#', 'abc', '1e3', null, undefined, {}, 1.5, NaN])(
    'rejects %j, naming the field',
    (value) => {
      expect(() => idSegment(value, 'ticket_id')).toThrow(PayloadValidationError)
      expect(() => idSegment(value, 'ticket_id')).toThrow(/ticket_id/)
    }
  )
})
