import nock from 'nock'
import { createRequestClient } from '@segment/actions-core'
import { FieldListCache, FieldListsApi } from '../../src/destinations/zendesk/client/field-lists'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { camelCase, matchFieldKey, snakeCase } from '../../src/destinations/zendesk/fields/keys'
import { userFieldValues } from '../../src/destinations/zendesk/upsertUser/user-fields'
import { BASE_URL, capturingLogger } from './support'

/** The field lists of an account, in a cache of their own (a destination instance's). */
const fieldListsOf = (origin: string, cache: FieldListCache) =>
  new FieldListsApi(new ZendeskHttp(createRequestClient(), origin, []), cache)
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
let cache: FieldListCache
let fields: FieldListsApi

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  cache = new FieldListCache()
  fields = fieldListsOf(BASE_URL, cache)
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
    expect((await fields.list('user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
    clock += 4 * MINUTE
    expect((await fields.list('user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(scope.isDone()).toBe(true)
  })

  it('concurrent callers share one request', async () => {
    const scope = userFieldsAnswer('plan')
    const lists = await Promise.all([fields.list('user_fields'), fields.list('user_fields')])
    expect(lists[0]).toEqual(lists[1])
    expect(scope.isDone()).toBe(true)
  })

  it('expires after a few minutes, not forever', async () => {
    userFieldsAnswer('plan')
    await fields.list('user_fields')
    clock += 5 * MINUTE + 1
    const reread = userFieldsAnswer('plan', 'tier')
    expect((await fields.list('user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
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
    const other = fieldListsOf('https://other.zendesk.com', cache)
    expect((await fields.list('user_fields')).map((f) => f.key)).toEqual(['plan'])
    expect((await fields.list('organization_fields')).map((f) => f.key)).toEqual(['region'])
    expect((await other.list('user_fields')).map((f) => f.key)).toEqual(['vip'])
    expect(scope.isDone()).toBe(true)
  })

  it('two destination instances (two caches) read the same account each for itself', async () => {
    const first = userFieldsAnswer('plan')
    expect((await fields.list('user_fields')).map((f) => f.key)).toEqual(['plan'])
    expect(first.isDone()).toBe(true)
    const second = userFieldsAnswer('plan', 'tier')
    const elsewhere = fieldListsOf(BASE_URL, new FieldListCache())
    expect((await elsewhere.list('user_fields')).map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(second.isDone()).toBe(true)
    expect((await fields.list('user_fields')).map((f) => f.key)).toEqual(['plan'])
  })

  it.each([
    ['an HTML page', '<html>Maintenance</html>'],
    ['fields without a key', JSON.stringify({ user_fields: [{ id: 1, type: 'text' }], meta: { has_more: false } })],
    ['no list at all', JSON.stringify({ meta: { has_more: false } })]
  ])('a list answered with %s is a retryable 502 and is not cached', async (_, body) => {
    nock(BASE_URL).get('/api/v2/user_fields').query(true).reply(200, body)
    await expect(fields.list('user_fields')).rejects.toMatchObject({ status: 502 })
    const retry = userFieldsAnswer('plan')
    expect(await fields.list('user_fields')).toHaveLength(1)
    expect(retry.isDone()).toBe(true)
  })

  it('a failed read is not cached', async () => {
    nock(BASE_URL).get('/api/v2/user_fields').query(true).reply(500, {})
    await expect(fields.list('user_fields')).rejects.toMatchObject({ status: 500 })
    const retry = userFieldsAnswer('plan')
    expect(await fields.list('user_fields')).toHaveLength(1)
    expect(retry.isDone()).toBe(true)
  })

  it('refreshCustomFields re-reads at most once a minute', async () => {
    userFieldsAnswer('plan')
    await fields.list('user_fields')
    clock += 59 * SECOND
    expect(await fields.refresh('user_fields')).toBeUndefined()
    clock += 2 * SECOND
    const refresh = userFieldsAnswer('plan', 'tier')
    expect((await fields.refresh('user_fields'))?.map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(refresh.isDone()).toBe(true)
    clock += 30 * SECOND
    expect(await fields.refresh('user_fields')).toBeUndefined()
  })

  it('a refresh that failed is not tried again for a minute', async () => {
    userFieldsAnswer('plan')
    await fields.list('user_fields')
    clock += 61 * SECOND
    const failing = nock(BASE_URL).get('/api/v2/user_fields').query(true).reply(503, 'down')
    await expect(fields.refresh('user_fields')).rejects.toMatchObject({ status: 503 })
    expect(failing.isDone()).toBe(true)
    clock += 30 * SECOND
    expect(await fields.refresh('user_fields')).toBeUndefined()
    clock += 31 * SECOND
    const refresh = userFieldsAnswer('plan', 'tier')
    expect((await fields.refresh('user_fields'))?.map((f) => f.key)).toEqual(['plan', 'tier'])
    expect(refresh.isDone()).toBe(true)
  })

  it('rememberCreatedField adds a field this destination created to the cached list', async () => {
    nock(BASE_URL)
      .get('/api/v2/organization_fields')
      .query(true)
      .reply(200, { organization_fields: [field(1, 'region')], meta: { has_more: false } })
    await fields.list('organization_fields')
    fields.remember('organization_fields', field(2, 'url'))
    fields.remember('organization_fields', field(2, 'url'))
    expect((await fields.list('organization_fields')).map((f) => f.key)).toEqual(['region', 'url'])
  })
})

describe('refused field creations', () => {
  it('are remembered for a few minutes, per account and kind, with the reason', () => {
    const other = fieldListsOf('https://other.zendesk.com', cache)
    fields.rememberRefused('organization_fields', 'region', 'Zendesk denied access (403)')
    expect(fields.refused('organization_fields', 'region')).toBe('Zendesk denied access (403)')
    expect(fields.refused('user_fields', 'region')).toBeUndefined()
    expect(other.refused('organization_fields', 'region')).toBeUndefined()
    clock += 5 * MINUTE + 1
    expect(fields.refused('organization_fields', 'region')).toBeUndefined()
  })
})

describe('custom traits → user fields', () => {
  it('a trait with no field refreshes the list at most once a minute, then picks up a new field', async () => {
    const logger = capturingLogger()
    userFieldsAnswer('plan')
    expect(await userFieldValues(fields, { plan: 'pro', tier: 'gold' }, logger)).toEqual({ plan: 'pro' })
    expect(logger.lines.join('\n')).toContain('tier')

    clock += 30 * SECOND
    expect(await userFieldValues(fields, { tier: 'gold' }, logger)).toBeUndefined()

    clock += 31 * SECOND
    const refresh = userFieldsAnswer('plan', 'tier')
    expect(await userFieldValues(fields, { tier: 'gold' }, logger)).toEqual({ tier: 'gold' })
    expect(refresh.isDone()).toBe(true)
  })

  it('matched traits never trigger a refresh', async () => {
    userFieldsAnswer('plan')
    await userFieldValues(fields, { plan: 'pro' })
    clock += 2 * MINUTE
    expect(await userFieldValues(fields, { plan: 'max' })).toEqual({ plan: 'max' })
  })

  it('sends a trait under the field key it matches: as given, in snake_case or in camelCase', async () => {
    userFieldsAnswer('plan_tier', 'signupSource', 'Region', 'membership_expires')
    const values = await userFieldValues(fields, {
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
      fields,
      { email: 'a@example.com', name: 'A', phone: '+1', notes: { nested: true }, tags: ['a', 'b'] },
      logger
    )
    expect(values).toEqual({ tags: ['a', 'b'] })
    expect(logger.lines.join('\n')).toContain('notes (not a single value)')
  })

  it('reports NaN and ±Infinity, alone or in a list, as not a finite number: JSON would send them as null', async () => {
    const logger = capturingLogger()
    userFieldsAnswer('score', 'ratio', 'picks', 'count')
    const values = await userFieldValues(
      fields,
      { score: NaN, ratio: -Infinity, picks: [1, Infinity], count: 3 },
      logger
    )
    expect(values).toEqual({ count: 3 })
    const logged = logger.lines.join('\n')
    for (const trait of ['score', 'ratio', 'picks']) expect(logged).toContain(`${trait} (not a finite number)`)
  })

  it('two traits for one field: the first is sent, the other is logged, never silently overwritten', async () => {
    const logger = capturingLogger()
    userFieldsAnswer('plan_tier')
    expect(await userFieldValues(fields, { planTier: 'gold', plan_tier: 'silver' }, logger)).toEqual({
      plan_tier: 'gold'
    })
    expect(logger.lines.join('\n')).toContain('plan_tier (field "plan_tier" already takes the trait "planTier")')
  })

  it('reads no field list when there are no custom traits', async () => {
    expect(await userFieldValues(fields, { email: 'a@example.com', name: 'A' })).toBeUndefined()
    expect(await userFieldValues(fields, undefined)).toBeUndefined()
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
