import nock from 'nock'
import { createRequestClient } from '@segment/actions-core'
import {
  camelCase,
  customFields,
  matchFieldKey,
  refreshCustomFields,
  rememberCreatedField,
  snakeCase
} from '../../src/destinations/zendesk/client/fields'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { userFieldValues } from '../../src/destinations/zendesk/upsertUser/user-fields'
import { BASE_URL, capturingLogger, resetState } from './support'

const http = new ZendeskHttp(createRequestClient(), { subdomain: 'acme' })
const field = (id: number, key: string) => ({ id, key, type: 'text' })
const SECOND = 1000
const MINUTE = 60 * SECOND

/** One answer of GET user_fields (the first page; the list has no more pages). */
function userFieldsAnswer(...keys: string[]) {
  return nock(BASE_URL)
    .get('/api/v2/user_fields')
    .query({ 'page[size]': '100' })
    .reply(200, { user_fields: keys.map((key, i) => field(i + 1, key)), meta: { has_more: false } })
}

let clock: number
let dateNow: jest.SpyInstance

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  resetState()
  clock = Date.UTC(2024, 0, 1)
  dateNow = jest.spyOn(Date, 'now').mockImplementation(() => clock)
})
afterEach(() => dateNow.mockRestore())

describe('cached field lists', () => {
  it('reads the user field list once, with pagination, and serves it from the cache', async () => {
    const scope = nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query({ 'page[size]': '100' })
      .reply(200, {
        user_fields: [field(1, 'plan')],
        meta: { has_more: true },
        links: { next: `${BASE_URL}/api/v2/user_fields.json?page%5Bafter%5D=x` }
      })
      .get('/api/v2/user_fields.json')
      .query({ 'page[after]': 'x' })
      .reply(200, { user_fields: [field(2, 'tier')], meta: { has_more: false } })
    expect((await customFields(http, 'user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
    clock += 4 * MINUTE
    expect((await customFields(http, 'user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(scope.isDone()).toBe(true)
  })

  it('concurrent callers share one request', async () => {
    const scope = userFieldsAnswer('plan')
    const lists = await Promise.all([customFields(http, 'user_fields'), customFields(http, 'user_fields')])
    expect(lists[0]).toEqual(lists[1])
    expect(scope.isDone()).toBe(true)
  })

  it('expires after a few minutes, not forever', async () => {
    userFieldsAnswer('plan')
    await customFields(http, 'user_fields')
    clock += 5 * MINUTE + 1
    const reread = userFieldsAnswer('plan', 'tier')
    expect((await customFields(http, 'user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(reread.isDone()).toBe(true)
  })

  it('keeps user fields and organization fields, and each account, apart', async () => {
    const scope = userFieldsAnswer('plan')
      .get('/api/v2/organization_fields')
      .query(true)
      .reply(200, { organization_fields: [field(9, 'region')], meta: { has_more: false } })
    nock('https://other.zendesk.com')
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, { user_fields: [field(5, 'vip')], meta: { has_more: false } })
    const other = new ZendeskHttp(createRequestClient(), { subdomain: 'other' })
    expect((await customFields(http, 'user_fields')).map((f) => f.key)).toEqual(['plan'])
    expect((await customFields(http, 'organization_fields')).map((f) => f.key)).toEqual(['region'])
    expect((await customFields(other, 'user_fields')).map((f) => f.key)).toEqual(['vip'])
    expect(scope.isDone()).toBe(true)
  })

  it('a failed read is not cached', async () => {
    nock(BASE_URL).get('/api/v2/user_fields').query(true).reply(500, {})
    await expect(customFields(http, 'user_fields')).rejects.toMatchObject({ status: 500 })
    const retry = userFieldsAnswer('plan')
    expect(await customFields(http, 'user_fields')).toHaveLength(1)
    expect(retry.isDone()).toBe(true)
  })

  it('refreshCustomFields re-reads at most once a minute', async () => {
    userFieldsAnswer('plan')
    await customFields(http, 'user_fields')
    clock += 59 * SECOND
    expect(await refreshCustomFields(http, 'user_fields')).toBeUndefined()
    clock += 2 * SECOND
    const refresh = userFieldsAnswer('plan', 'tier')
    expect((await refreshCustomFields(http, 'user_fields'))?.map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(refresh.isDone()).toBe(true)
    clock += 30 * SECOND
    expect(await refreshCustomFields(http, 'user_fields')).toBeUndefined()
  })

  it('a refresh that failed is not tried again for a minute', async () => {
    userFieldsAnswer('plan')
    await customFields(http, 'user_fields')
    clock += 61 * SECOND
    const failing = nock(BASE_URL).get('/api/v2/user_fields').query(true).reply(503, 'down')
    await expect(refreshCustomFields(http, 'user_fields')).rejects.toMatchObject({ status: 503 })
    expect(failing.isDone()).toBe(true)
    clock += 30 * SECOND
    expect(await refreshCustomFields(http, 'user_fields')).toBeUndefined()
    clock += 31 * SECOND
    const refresh = userFieldsAnswer('plan', 'tier')
    expect((await refreshCustomFields(http, 'user_fields'))?.map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(refresh.isDone()).toBe(true)
  })

  it('rememberCreatedField adds a field this destination created to the cached list', async () => {
    nock(BASE_URL)
      .get('/api/v2/organization_fields')
      .query(true)
      .reply(200, { organization_fields: [field(1, 'region')], meta: { has_more: false } })
    await customFields(http, 'organization_fields')
    rememberCreatedField(http, 'organization_fields', field(2, 'url'))
    rememberCreatedField(http, 'organization_fields', field(2, 'url'))
    expect((await customFields(http, 'organization_fields')).map((f) => f.key)).toEqual(['region', 'url'])
  })
})

describe('custom traits → user fields', () => {
  it('a trait with no field refreshes the list at most once a minute, then picks up a new field', async () => {
    const logger = capturingLogger()
    userFieldsAnswer('plan')
    expect(await userFieldValues(http, { plan: 'pro', tier: 'gold' }, logger)).toEqual({ plan: 'pro' })
    expect(logger.lines.join('\n')).toContain('tier')

    clock += 30 * SECOND
    expect(await userFieldValues(http, { tier: 'gold' }, logger)).toBeUndefined()

    clock += 31 * SECOND
    const refresh = userFieldsAnswer('plan', 'tier')
    expect(await userFieldValues(http, { tier: 'gold' }, logger)).toEqual({ tier: 'gold' })
    expect(refresh.isDone()).toBe(true)
  })

  it('matched traits never trigger a refresh', async () => {
    userFieldsAnswer('plan')
    await userFieldValues(http, { plan: 'pro' })
    clock += 2 * MINUTE
    expect(await userFieldValues(http, { plan: 'max' })).toEqual({ plan: 'max' })
  })

  it('sends a trait under the field key it matches: as given, in snake_case or in camelCase', async () => {
    userFieldsAnswer('plan_tier', 'signupSource', 'Region', 'membership_expires')
    const values = await userFieldValues(http, {
      planTier: 'gold',
      signup_source: 'ads',
      Region: 'EU',
      'membership-expires': '2025-01-01'
    })
    expect(values).toEqual({
      plan_tier: 'gold',
      signupSource: 'ads',
      Region: 'EU',
      membership_expires: '2025-01-01'
    })
  })

  it('leaves out the traits other Upsert User fields already send, and logs values that are not single values', async () => {
    const logger = capturingLogger()
    userFieldsAnswer('email', 'name', 'phone', 'notes', 'tags')
    const values = await userFieldValues(
      http,
      { email: 'a@example.com', name: 'A', phone: '+1', notes: { nested: true }, tags: ['a', 'b'] },
      logger
    )
    expect(values).toEqual({ tags: ['a', 'b'] })
    expect(logger.lines.join('\n')).toContain('notes (not a single value)')
  })

  it('reads no field list when there are no custom traits', async () => {
    expect(await userFieldValues(http, { email: 'a@example.com', name: 'A' })).toBeUndefined()
    expect(await userFieldValues(http, undefined)).toBeUndefined()
  })
})

describe('key forms', () => {
  it.each([
    ['planTier', 'plan_tier'],
    ['PlanTier', 'plan_tier'],
    ['plan-tier', 'plan_tier'],
    ['plan tier', 'plan_tier'],
    ['HTTPServer', 'http_server'],
    ['plan2Go', 'plan2_go'],
    ['already_snake', 'already_snake']
  ])('snakeCase(%j) = %j', (input, expected) => {
    expect(snakeCase(input)).toBe(expected)
  })

  it.each([
    ['plan_tier', 'planTier'],
    ['Plan_Tier', 'planTier'],
    ['plan-tier', 'planTier'],
    ['plan tier', 'planTier'],
    ['alreadyCamel', 'alreadyCamel']
  ])('camelCase(%j) = %j', (input, expected) => {
    expect(camelCase(input)).toBe(expected)
  })

  it('matchFieldKey prefers the key as given, then snake_case, then camelCase', () => {
    expect(matchFieldKey('planTier', new Set(['planTier', 'plan_tier']))).toBe('planTier')
    expect(matchFieldKey('planTier', new Set(['plan_tier']))).toBe('plan_tier')
    expect(matchFieldKey('plan_tier', new Set(['planTier']))).toBe('planTier')
    expect(matchFieldKey('plan', new Set(['tier']))).toBeUndefined()
  })
})
