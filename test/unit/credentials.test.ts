import { inspect } from 'util'
import nock from 'nock'
import { BASE_URL, capturingLogger, destination, presetSubscription, resetState } from './support'

const API_TOKEN = 'sekrit-tok-1'
const OAUTH_TOKEN = 'sekrit-oauth-2'
const BASIC_VALUE = Buffer.from(`agent@example.com/token:${API_TOKEN}`).toString('base64')
const SECRETS = [API_TOKEN, OAUTH_TOKEN, BASIC_VALUE]

const CREDENTIALS = {
  'API token': { subdomain: 'acme', email: 'agent@example.com', api_token: API_TOKEN },
  'OAuth token': { subdomain: 'acme', oauth_token: OAUTH_TOKEN }
}

type Failure = (interceptor: nock.Interceptor) => nock.Scope

/** Every row of the error table, as Zendesk (or the network) would answer. */
const FAILURES: [string, Failure][] = [
  ['429 text/plain', (i) => i.reply(429, 'You have exceeded the rate limit', { 'Retry-After': '27' })],
  ['503', (i) => i.reply(503, 'Maintenance', { 'Retry-After': '10' })],
  ['500', (i) => i.reply(500, { error: 'InternalError' })],
  ['timeout', (i) => i.replyWithError({ code: 'ETIMEDOUT', message: 'timed out' })],
  ['network error', (i) => i.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })],
  ['401', (i) => i.reply(401, { error: "Couldn't authenticate you" })],
  ['403 object error', (i) => i.reply(403, { error: { title: 'Forbidden', message: 'You do not have access' } })],
  [
    '403 scope',
    (i) => i.reply(403, { error: 'Forbidden', description: 'You are missing the following required scopes: write' })
  ],
  ['404', (i) => i.reply(404, { error: 'RecordNotFound', description: 'Not found' })],
  ['409', (i) => i.reply(409, { error: 'DatabaseConflict', description: 'Database collision' })],
  ['422', (i) => i.reply(422, { details: { email: [{ description: 'Email: x is not properly formatted' }] } })],
  ['400', (i) => i.reply(400, { error: 'TooManyValues', description: 'Maximum 100 users', max_count: 100 })]
]

function expectNoSecret(what: string, text: string) {
  for (const secret of SECRETS) {
    if (text.includes(secret)) throw new Error(`${what} contains a credential: ${text}`)
  }
}

/** Everything a host could see of a failure: the error with all its properties, nested to some depth. */
const everything = (value: unknown) => inspect(value, { depth: 8, showHidden: false, maxStringLength: null })

const identify = (userId: string) => ({
  type: 'identify',
  userId,
  traits: { email: `${userId}@example.com`, name: 'Ada', shoe_size: 42 }
})

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  resetState()
  nock(BASE_URL)
    .persist()
    .get('/api/v2/user_fields')
    .query(true)
    .reply(200, { user_fields: [], meta: { has_more: false } })
})

describe.each(Object.entries(CREDENTIALS))('with an %s, no credential leaks', (_, credentials) => {
  const subscribed = { ...credentials, subscriptions: [presetSubscription('upsertUser')] } as any

  it.each(FAILURES)('from a single event failing with %s', async (_, fail) => {
    fail(nock(BASE_URL).post('/api/v2/users/create_or_update'))
    const logger = capturingLogger()
    const outcome = await destination()
      .onEvent(identify('u1') as any, subscribed, { logger })
      .then(
        (result) => ({ result }),
        (error) => ({ error })
      )
    expect(outcome).toHaveProperty('error')
    expectNoSecret('the error', everything(outcome))
    expectNoSecret('the error message', String((outcome as { error: Error }).error.message))
    expectNoSecret('the log', logger.lines.join('\n'))
    expect(logger.lines.length).toBeGreaterThan(0)
  })

  it.each(FAILURES)('from a batch failing with %s (bulk, then one by one)', async (_, fail) => {
    fail(nock(BASE_URL).persist().post('/api/v2/users/create_or_update_many'))
    fail(nock(BASE_URL).persist().post('/api/v2/users/create_or_update'))
    const logger = capturingLogger()
    // Three users: enough for a job (fewer go as one request each).
    const batch = [identify('u1'), identify('u2'), identify('u3')]
    const results = await destination()
      .onBatch(batch as any, subscribed, { logger })
      .catch((error) => {
        // A legacy credential Zendesk rejects cannot be renewed: actions-core fails the batch with that error.
        expect(error.status).toBe(401)
        return error
      })
    if (Array.isArray(results)) {
      const statuses = results[0].multistatus?.map((r: { status: number }) => r.status)
      expect(statuses).toHaveLength(3)
      expect(statuses?.every((status: number) => status >= 400)).toBe(true)
    }
    expectNoSecret('the batch results', everything(results))
    expectNoSecret('the log', logger.lines.join('\n'))
  })

  it('from a batch whose job fails an item and then cannot be polled', async () => {
    // Batches of one user, three of them: enough users for jobs (fewer go as single requests).
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .reply(200, { job_status: { id: 'V3-a', status: 'queued', results: null } })
      .get('/api/v2/job_statuses/V3-a')
      .reply(200, {
        job_status: { id: 'V3-a', status: 'completed', results: [{ index: 0, error: 'Invalid', details: 'Bad' }] }
      })
      .post('/api/v2/users/create_or_update_many')
      .reply(200, { job_status: { id: 'V3-b', status: 'queued', results: null } })
      .get('/api/v2/job_statuses/V3-b')
      .reply(401, { error: "Couldn't authenticate you" })
      .post('/api/v2/users/create_or_update_many')
      .reply(200, {
        job_status: { id: 'V3-c', status: 'completed', results: [{ index: 0, id: 3, status: 'Created' }] }
      })
    const settingsWithSmallBatches = {
      ...subscribed,
      subscriptions: [
        { ...subscribed.subscriptions[0], mapping: { ...subscribed.subscriptions[0].mapping, batch_size: 1 } }
      ]
    }
    // The 401 makes actions-core renew the connection; a legacy credential has none, so the batch fails with it.
    const error = await destination()
      .onBatch([identify('u1'), identify('u2'), identify('u3')] as any, settingsWithSmallBatches)
      .catch((e) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error.status).toBe(401)
    expectNoSecret('the batch error', everything(error))
  })

  it('from a deletion request that fails', async () => {
    nock(BASE_URL).get('/api/v2/users/search').query(true).reply(401, { error: "Couldn't authenticate you" })
    const error = await destination().onDelete!({ type: 'delete', userId: 'u1' } as any, credentials as any).catch(
      (e) => e
    )
    expect(error).toBeInstanceOf(Error)
    expectNoSecret('the error', everything(error))
  })

  it.each([
    ['401', (i: nock.Interceptor) => i.reply(401, { error: "Couldn't authenticate you" })],
    ['anonymous user', (i: nock.Interceptor) => i.reply(200, { user: { id: null, name: 'Anonymous user' } })]
  ])('from testAuthentication failing with %s', async (_, fail) => {
    fail(nock(BASE_URL).get('/api/v2/users/me'))
    const error = await destination()
      .testAuthentication(credentials)
      .catch((e) => e)
    expect(error).toBeInstanceOf(Error)
    expectNoSecret('the error', everything(error))
  })
})

describe('configuration errors never echo a credential', () => {
  it.each([
    [
      'both credentials',
      { subdomain: 'acme', email: 'agent@example.com', api_token: API_TOKEN, oauth_token: OAUTH_TOKEN }
    ],
    ['a token without email', { subdomain: 'acme', api_token: API_TOKEN }],
    [
      'a token pasted into the subdomain',
      { subdomain: `https://agent:${API_TOKEN}@acme.zendesk.com`, oauth_token: OAUTH_TOKEN }
    ]
  ])('%s', async (_, settings) => {
    const error = await destination()
      .onEvent(identify('u1') as any, { ...settings, subscriptions: [presetSubscription('upsertUser')] } as any)
      .catch((e) => e)
    expect(error).toBeInstanceOf(Error)
    expectNoSecret('the error', everything(error))
  })
})
