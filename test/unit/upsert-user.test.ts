import nock from 'nock'
import { APIError, InvalidAuthenticationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import {
  BASE_URL,
  capturingLogger,
  destination,
  presetSubscription,
  resetState,
  settings,
  watchUnmatchedRequests
} from './support'
import { jobStatus } from './nock-zendesk'

type Event = Record<string, unknown>
type Body = Record<string, any>

const identify = (traits: Record<string, unknown>, extra: Event = {}): Event => ({
  type: 'identify',
  userId: 'u1',
  traits,
  ...extra
})

function upsertSettings(options: { settings?: Record<string, unknown>; mapping?: Record<string, unknown> } = {}) {
  const subscription = presetSubscription('upsertUser')
  return {
    ...settings,
    ...options.settings,
    subscriptions: [{ ...subscription, mapping: { ...subscription.mapping, ...options.mapping } }]
  } as any
}

function upsert(event: Event, options: Parameters<typeof upsertSettings>[0] & { logger?: any } = {}) {
  return destination().onEvent(event as any, upsertSettings(options), { logger: options.logger })
}

function upsertBatch(events: Event[], options: Parameters<typeof upsertSettings>[0] = {}) {
  return destination()
    .onBatch(events as any, upsertSettings(options))
    .then((results: any[]) => results[0].multistatus)
}

/** Answers create_or_update and keeps the user object it received. */
function acceptUpsert(status = 201, user: Body = { id: 42 }) {
  const sent: Body[] = []
  const scope = nock(BASE_URL)
    .post('/api/v2/users/create_or_update', (body) => Boolean(sent.push(body.user)))
    .reply(status, { user })
  return { sent, scope }
}

function userFields(...keys: string[]) {
  return nock(BASE_URL)
    .get('/api/v2/user_fields')
    .query(true)
    .reply(200, { user_fields: keys.map((key, i) => ({ id: i + 1, key, type: 'text' })), meta: { has_more: false } })
}

/** Answers each create_or_update_many call with a job that completes with one result per user. */
function acceptBulk(resultFor: (user: Body, index: number) => Body = (_, index) => ({ index, id: 1000 + index })) {
  const calls: Body[][] = []
  nock(BASE_URL)
    .persist()
    .post('/api/v2/users/create_or_update_many')
    .reply((_, body: any) => {
      calls.push(body.users)
      return [200, jobStatus(`V3-job${calls.length}`, 'queued')]
    })
  nock(BASE_URL)
    .persist()
    .get(/\/api\/v2\/job_statuses\/V3-job\d+$/)
    .reply((uri) => {
      const users = calls[Number(uri.replace(/.*V3-job/, '')) - 1]
      return [200, jobStatus(uri.replace(/.*\//, ''), 'completed', users.map(resultFor))]
    })
  return calls
}

const resultData = (results: any[]) => results.find((r) => r.data !== undefined)?.data

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  resetState()
})

describe('field defaults', () => {
  it('maps email, name, external_id ← userId, organization_id, time_zone and phone', async () => {
    const { sent, scope } = acceptUpsert()
    const results = await upsert(
      identify({
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        organizationId: 77,
        timezone: 'Europe/London',
        phone: '+15551234567'
      })
    )
    expect(sent[0]).toEqual({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      external_id: 'u1',
      organization_id: 77,
      time_zone: 'Europe/London',
      phone: '+15551234567',
      skip_verify_email: false
    })
    expect(resultData(results)).toEqual({ id: 42, status: 'Created' })
    expect(scope.isDone()).toBe(true)
  })

  it('an existing user (200) is reported as updated, not created', async () => {
    acceptUpsert(200, { id: 43 })
    expect(resultData(await upsert(identify({ email: 'ada@example.com' })))).toEqual({ id: 43, status: 'Updated' })
  })

  it.each([
    [{ first_name: 'Ada', last_name: 'Lovelace' }, 'Ada Lovelace'],
    [{ firstName: 'Ada', lastName: 'Lovelace' }, 'Ada Lovelace'],
    [{ first_name: 'Ada' }, 'Ada'],
    [{ lastName: 'Lovelace' }, 'Lovelace'],
    [{ name: 'Countess', first_name: 'Ada', last_name: 'Lovelace' }, 'Countess'],
    [{ name: '  ', first_name: 'Ada', last_name: 'Lovelace' }, 'Ada Lovelace']
  ])('name from %j → %j', async (traits, name) => {
    const { sent } = acceptUpsert()
    await upsert(identify({ email: 'ada@example.com', ...traits }))
    expect(sent[0].name).toBe(name)
  })

  it('no name at all sends no name (Zendesk keeps an existing one)', async () => {
    const { sent } = acceptUpsert(200)
    await upsert(identify({ email: 'ada@example.com' }))
    expect(sent[0]).not.toHaveProperty('name')
  })

  it('without email, external_id alone identifies the user', async () => {
    const { sent } = acceptUpsert(200)
    await upsert(identify({ name: 'Ada' }))
    expect(sent[0]).toEqual({ external_id: 'u1', name: 'Ada', skip_verify_email: false })
  })

  it('without userId, email alone identifies the user', async () => {
    const { sent } = acceptUpsert(200)
    await upsert({ type: 'identify', anonymousId: 'anon-1', traits: { email: 'ada@example.com' } })
    expect(sent[0]).toEqual({ email: 'ada@example.com', skip_verify_email: false })
  })
})

describe('verification settings', () => {
  it.each([
    ['defaults', {}, {}, { skip_verify_email: false }],
    ['Skip Verify Email setting', { skip_verify_email: true }, {}, { skip_verify_email: true }],
    ['Create Users as Verified setting', { create_users_as_verified: true }, {}, { verified: true }],
    ['mapping overrides Skip Verify Email', { skip_verify_email: true }, { skip_verify_email: false }, {}],
    ['mapping turns Skip Verify Email on', {}, { skip_verify_email: true }, { skip_verify_email: true }],
    ['mapping overrides Create as Verified', { create_users_as_verified: true }, { verified: false }, {}],
    ['mapping turns Create as Verified on', {}, { verified: true }, { verified: true }]
  ])('%s', async (_, settingsOverride, mapping, expected) => {
    const { sent } = acceptUpsert()
    await upsert(identify({ email: 'ada@example.com' }), { settings: settingsOverride, mapping })
    const { skip_verify_email, verified } = sent[0]
    expect({ skip_verify_email, verified }).toEqual({ skip_verify_email: false, verified: undefined, ...expected })
  })
})

describe('custom traits → user_fields', () => {
  it('sends only traits with an existing user field, under the field key (as given, snake_case, camelCase)', async () => {
    userFields('plan', 'plan_tier', 'signupSource')
    const { sent } = acceptUpsert()
    const logger = capturingLogger()
    await upsert(
      identify({
        email: 'ada@example.com',
        name: 'Ada',
        plan: 'pro',
        planTier: 'gold',
        signup_source: 'ads',
        favourite_colour: 'teal',
        company: { id: 'acme' }
      }),
      { logger }
    )
    expect(sent[0].user_fields).toEqual({ plan: 'pro', plan_tier: 'gold', signupSource: 'ads' })
    expect(logger.lines.join('\n')).toMatch(/favourite_colour/)
    expect(logger.lines.join('\n')).not.toMatch(/\bplan\b.*not sent/)
  })

  it('unmatched traits are logged, never an error, and user_fields is left out', async () => {
    userFields('plan')
    const { sent } = acceptUpsert()
    const logger = capturingLogger()
    await expect(upsert(identify({ email: 'ada@example.com', shoe_size: 42 }), { logger })).resolves.toBeDefined()
    expect(sent[0]).not.toHaveProperty('user_fields')
    expect(logger.lines).toEqual([expect.stringContaining('shoe_size')])
  })

  it('the field list is read once for many events', async () => {
    const list = userFields('plan')
    const { scope } = acceptUpsert()
    scope.post('/api/v2/users/create_or_update').reply(200, { user: { id: 42 } })
    await upsert(identify({ email: 'ada@example.com', plan: 'pro' }))
    await upsert(identify({ email: 'ada@example.com', plan: 'max' }))
    expect(list.isDone()).toBe(true)
    expect(scope.isDone()).toBe(true)
  })

  it('a mapping can set user_fields explicitly', async () => {
    userFields('plan')
    const { sent } = acceptUpsert()
    await upsert(identify({ email: 'ada@example.com', tier: 'gold' }), {
      mapping: { user_fields: { plan: { '@path': '$.traits.tier' } } }
    })
    expect(sent[0].user_fields).toEqual({ plan: 'gold' })
  })
})

describe('bad input', () => {
  it.each([
    ['no email and no userId', { type: 'identify', anonymousId: 'a1', traits: { name: 'Ada' } }],
    ['blank email and userId', { type: 'identify', userId: '  ', traits: { email: ' ', name: 'Ada' } }]
  ])('%s → 400 naming both, and no request', async (_, event) => {
    const unmatched = watchUnmatchedRequests()
    const error = await upsert(event).catch((e) => e)
    unmatched.stop()
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.status).toBe(400)
    expect(error.message).toMatch(/email/)
    expect(error.message).toMatch(/external_id/)
    expect(unmatched.seen).toEqual([])
  })

  it("a malformed email → Zendesk's 422 surfaced as a 400 with its message", async () => {
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .reply(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { email: [{ description: 'Email: not-an-email is not properly formatted' }] }
      })
    const error = await upsert(identify({ email: 'not-an-email', name: 'Ada' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.status).toBe(400)
    expect(error.message).toContain('Email: not-an-email is not properly formatted')
  })

  const nameBlank = {
    error: 'RecordInvalid',
    description: 'Record validation errors',
    details: { name: [{ description: 'Name: cannot be blank', error: 'BlankValue' }] }
  }

  it('a new user without a name is sent once more, named after its email', async () => {
    const sent: Body[] = []
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update', (body) => Boolean(sent.push(body.user)))
      .reply(422, nameBlank)
      .post('/api/v2/users/create_or_update', (body) => Boolean(sent.push(body.user)))
      .reply(201, { user: { id: 77 } })
    const results = await upsert(identify({ email: 'new.user@example.com' }))
    expect(resultData(results)).toEqual({ id: 77, status: 'Created' })
    expect(sent.map((u) => u.name)).toEqual([undefined, 'new.user'])
  })

  it('a refusal of the name that is not BlankValue is not retried', async () => {
    const scope = nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .reply(422, { details: { name: [{ description: 'Name: is too long', error: 'InvalidValue' }] } })
    const error = await upsert(identify({ email: 'new@example.com' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('Name: is too long')
    expect(scope.isDone()).toBe(true)
  })

  it("a user refused again with its fallback name gets Zendesk's message, not a crash", async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update').times(2).reply(422, nameBlank)
    const error = await upsert(identify({ email: 'new@example.com' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('Name: cannot be blank')
    expect(nock.isDone()).toBe(true)
  })
})

describe('every Zendesk failure surfaces as its error class with a status', () => {
  it.each([
    [429, 'Rate limited', { 'Retry-After': '27' }, RetryableError],
    [503, 'Maintenance', { 'Retry-After': '10' }, RetryableError],
    [500, { error: 'Oops' }, {}, RetryableError],
    [409, { error: 'DatabaseConflict', description: 'Database collision' }, {}, RetryableError],
    [401, { error: "Couldn't authenticate you" }, {}, InvalidAuthenticationError],
    [403, { error: 'Forbidden', description: 'You are missing the following required scopes: write' }, {}, APIError],
    [404, { error: 'InvalidEndpoint' }, {}, APIError],
    [422, { details: { phone: [{ description: 'Phone: is invalid' }] } }, {}, PayloadValidationError]
  ])('%i', async (status, body, headers, errorClass) => {
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .reply(status, body as nock.Body, headers as Record<string, string>)
    const error = await upsert(identify({ email: 'ada@example.com' })).catch((e) => e)
    expect(error).toBeInstanceOf(errorClass)
    expect(error.status).toBe(status === 422 ? 400 : status)
    if (status !== 401) expect(error.message).toContain('user with external_id "u1"')
  })

  it('a network failure is retryable', async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update').replyWithError({ code: 'ECONNRESET' })
    const error = await upsert(identify({ email: 'ada@example.com' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(typeof error.status).toBe('number')
  })
})

describe('batches: create_or_update_many and its job', () => {
  const events = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      identify({ email: `user${i}@example.com`, name: `User ${i}` }, { userId: `u${i}` })
    )

  it('sends the users in one bulk call and reports each event from the job results', async () => {
    const calls = acceptBulk()
    const results = await upsertBatch(events(3))
    expect(calls).toHaveLength(1)
    expect(calls[0]).toEqual(
      [0, 1, 2].map((i) => ({
        email: `user${i}@example.com`,
        name: `User ${i}`,
        external_id: `u${i}`,
        skip_verify_email: false
      }))
    )
    expect(results.map((r: any) => [r.status, r.body])).toEqual([
      [200, { id: 1000, status: null }],
      [200, { id: 1001, status: null }],
      [200, { id: 1002, status: null }]
    ])
  })

  it('follows a queued → working → completed job', async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update_many').reply(200, jobStatus('V3-abc', 'queued'))
    nock(BASE_URL)
      .get('/api/v2/job_statuses/V3-abc')
      .reply(200, jobStatus('V3-abc', 'working'))
      .get('/api/v2/job_statuses/V3-abc')
      .reply(
        200,
        jobStatus('V3-abc', 'completed', [
          { index: 0, id: 1, status: 'Created' },
          { index: 1, id: 2, status: 'Updated' },
          { index: 2, id: 3, status: 'Created' }
        ])
      )
    // The user reported Updated is read back once, to see whether its email became a secondary one.
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query({ ids: '2' })
      .reply(200, { users: [{ id: 2, email: 'user1@example.com', active: true }] })
    const results = await upsertBatch(events(3))
    expect(results.map((r: any) => r.body)).toEqual([
      { id: 1, status: 'Created' },
      { id: 2, status: 'Updated' },
      { id: 3, status: 'Created' }
    ])
    expect(nock.isDone()).toBe(true)
  })

  it('fewer than three users go as one create_or_update each (a job would cost more), with the same results as perform', async () => {
    const sent: Body[] = []
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update', (body) => Boolean(sent.push(body.user)))
      .reply(201, { user: { id: 7 } })
      .post('/api/v2/users/create_or_update', (body) => Boolean(sent.push(body.user)))
      .reply(200, { user: { id: 8 } })
    const unmatched = watchUnmatchedRequests()
    const results = await upsertBatch(events(2))
    unmatched.stop()
    expect(sent.map((u) => u.external_id)).toEqual(['u0', 'u1'])
    expect(results.map((r: any) => [r.status, r.body])).toEqual([
      [200, { id: 7, status: 'Created' }],
      [200, { id: 8, status: 'Updated' }]
    ])
    expect(unmatched.seen).toEqual([])
  })

  it('a single event costs one request: no job, no field list without custom traits', async () => {
    const { scope } = acceptUpsert(201, { id: 9 })
    const unmatched = watchUnmatchedRequests()
    const results = await upsert(identify({ email: 'ada@example.com' }))
    unmatched.stop()
    expect(resultData(results)).toEqual({ id: 9, status: 'Created' })
    expect(scope.isDone()).toBe(true)
    expect(unmatched.seen).toEqual([])
  })

  it('splits more than 100 users into several calls (150 → 100 + 50)', async () => {
    const calls = acceptBulk()
    const results = await upsertBatch(events(150))
    expect(calls.map((users) => users.length)).toEqual([100, 50])
    expect(calls.flat().map((u) => u.external_id)).toEqual(events(150).map((e) => e.userId))
    expect(results).toHaveLength(150)
    expect(results.every((r: any) => r.status === 200)).toBe(true)
    expect(results[120].body).toEqual({ id: 1020, status: null })
  })

  it('an item the job failed gets its own error; the others succeed', async () => {
    acceptBulk((user, index) =>
      user.external_id === 'u1'
        ? {
            index,
            error: 'UserUpdateFailed',
            details: 'Email: user1@example.com is already being used by another user'
          }
        : { index, id: 1000 + index, status: 'Updated' }
    )
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query({ ids: '1000,1002' })
      .reply(200, {
        users: [0, 2].map((i) => ({ id: 1000 + i, email: `user${i}@example.com`, active: true }))
      })
    const results = await upsertBatch(events(3))
    expect(results.map((r: any) => r.status)).toEqual([200, 400, 200])
    expect(results[1].errormessage).toContain('user with external_id "u1"')
    expect(results[1].errormessage).toContain('is already being used by another user')
  })

  it('an event without email and userId fails alone with a 400 naming both', async () => {
    const calls = acceptBulk()
    const batch = events(4)
    batch[1] = { type: 'identify', anonymousId: 'a1', traits: { name: 'Nobody' } }
    const results = await upsertBatch(batch)
    expect(results.map((r: any) => r.status)).toEqual([200, 400, 200, 200])
    expect(results[1].errormessage).toMatch(/email.*external_id|external_id.*email/)
    expect(calls[0].map((u) => u.external_id)).toEqual(['u0', 'u2', 'u3'])
  })

  const bulkImportOff = () =>
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .reply(403, { error: 'Forbidden', description: 'Bulk user imports are not enabled for this account' })

  it('a 403 on the bulk call (bulk import off): returning users in one update_many job, new users created one by one', async () => {
    bulkImportOff()
    const created: Body[] = []
    const updated: Body[][] = []
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'u0,u1,u2' })
      .reply(200, { users: [{ id: 500, external_id: 'u0', active: true }] })
      .put('/api/v2/users/update_many', (body) => Boolean(updated.push(body.users)))
      .reply(200, jobStatus('V3-upd', 'queued'))
      .get('/api/v2/job_statuses/V3-upd')
      .reply(200, jobStatus('V3-upd', 'completed', [{ id: 500, action: 'update', status: 'Updated', success: true }]))
      .post('/api/v2/users', (body) => Boolean(created.push(body.user)))
      .reply(201, { user: { id: 501 } })
      .post('/api/v2/users')
      .reply(422, { details: { email: [{ description: 'Email: user2@example.com is not properly formatted' }] } })
    const results = await upsertBatch(events(3))
    expect(updated).toEqual([
      [{ id: 500, email: 'user0@example.com', name: 'User 0', external_id: 'u0', skip_verify_email: false }]
    ])
    expect(created.map((u) => u.external_id)).toEqual(['u1'])
    expect(results.map((r: any) => r.status)).toEqual([200, 200, 400])
    expect(results[0].body).toEqual({ id: 500, status: 'Updated' })
    expect(results[1].body).toEqual({ id: 501, status: 'Created' })
    expect(results[2].errormessage).toContain('is not properly formatted')
    expect(nock.isDone()).toBe(true)
  })

  it('learns once per account that bulk import is off: the next batch does not ask again, and it is logged once', async () => {
    const logger = capturingLogger()
    const lines = logger.lines
    bulkImportOff()
    nock(BASE_URL)
      .persist()
      .get('/api/v2/users/show_many')
      .query(true)
      .reply(200, { users: [] })
      .post('/api/v2/users')
      .reply(201, (_, body: any) => ({ user: { id: 600, external_id: body.user.external_id } }))
    const dest = destination()
    const run = () => dest.onBatch(events(3) as any, upsertSettings(), { logger } as any)
    await run()
    await run()
    nock.cleanAll()
    expect(lines.filter((line: string) => line.includes('bulk user import is off'))).toHaveLength(1)
  })

  it('a new user whose email another user has is updated through create_or_update instead', async () => {
    bulkImportOff()
    const upserted: Body[] = []
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query(true)
      .reply(200, { users: [] })
      .post('/api/v2/users')
      .times(3)
      .reply((_, body: any) =>
        body.user.external_id === 'u1'
          ? [422, { details: { email: [{ description: 'Email: taken', error: 'DuplicateValue' }] } }]
          : [201, { user: { id: 700 } }]
      )
      .post('/api/v2/users/create_or_update', (body) => Boolean(upserted.push(body.user)))
      .reply(200, { user: { id: 42 } })
    const results = await upsertBatch(events(3))
    expect(upserted.map((u) => u.external_id)).toEqual(['u1'])
    expect(results[1].body).toEqual({ id: 42, status: 'Updated' })
  })

  it('update_many refused too (403): returning users fall back to create_or_update, said once', async () => {
    const logger = capturingLogger()
    const lines = logger.lines
    bulkImportOff()
    const upserted: string[] = []
    nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query(true)
      .reply(200, {
        users: [0, 1, 2].map((i) => ({ id: 500 + i, external_id: `u${i}`, active: true }))
      })
      .put('/api/v2/users/update_many')
      .reply(403, { error: 'Forbidden', description: 'no' })
      .post('/api/v2/users/create_or_update', (body) => Boolean(upserted.push(body.user.external_id)))
      .times(3)
      .reply(200, { user: { id: 42 } })
    const results = await destination()
      .onBatch(events(3) as any, upsertSettings(), { logger } as any)
      .then((r: any[]) => r[0].multistatus)
    expect(upserted).toEqual(['u0', 'u1', 'u2'])
    expect(results.map((r: any) => r.status)).toEqual([200, 200, 200])
    expect(lines.filter((line: string) => line.includes('update_many (403)'))).toHaveLength(1)
    expect(nock.isDone()).toBe(true)
  })

  it('an identify repeating the one before it for the same user is not written again; it gets that result', async () => {
    const calls = acceptBulk()
    const same = identify({ email: 'a@example.com', name: 'Ann' }, { userId: 'u0' })
    const results = await upsertBatch([
      same,
      identify({ email: 'b@example.com', name: 'B' }, { userId: 'u1' }),
      same,
      identify({ email: 'c@example.com', name: 'C' }, { userId: 'u2' })
    ])
    expect(calls).toHaveLength(1)
    expect(calls[0].map((u) => u.external_id)).toEqual(['u0', 'u1', 'u2'])
    expect(results.map((r: any) => r.body)).toEqual([
      { id: 1000, status: null },
      { id: 1001, status: null },
      { id: 1000, status: null },
      { id: 1002, status: null }
    ])
  })

  it("a user's differing identifies are written in successive rounds, in order, each with its own result", async () => {
    const calls = acceptBulk()
    const { sent, scope } = acceptUpsert(200, { id: 1000 })
    const results = await upsertBatch([
      identify({ email: 'a@example.com', name: 'Ann' }, { userId: 'u0' }),
      identify({ email: 'b@example.com', name: 'B' }, { userId: 'u1' }),
      identify({ name: 'Ann Lee' }, { userId: 'U0' }),
      identify({ email: 'c@example.com', name: 'C' }, { userId: 'u2' })
    ])
    expect(calls.map((users) => users.map((u) => u.external_id))).toEqual([['u0', 'u1', 'u2']])
    expect(sent).toEqual([{ name: 'Ann Lee', external_id: 'U0', skip_verify_email: false }])
    expect(scope.isDone()).toBe(true)
    expect(results.map((r: any) => r.status)).toEqual([200, 200, 200, 200])
    expect(results[2].body).toEqual({ id: 1000, status: 'Updated' })
  })

  it('a rate-limited bulk call makes every event of that call retryable with 429', async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update_many').reply(429, 'Too many', { 'Retry-After': '30' })
    const results = await upsertBatch(events(3))
    expect(results.map((r: any) => r.status)).toEqual([429, 429, 429])
    expect(results[0].errormessage).toContain('Retry after 30 s')
  })

  it('a job that cannot be followed (401 while polling) is a 401 for every event: a legacy credential cannot be renewed', async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update_many').reply(200, jobStatus('V3-x', 'queued'))
    nock(BASE_URL).get('/api/v2/job_statuses/V3-x').reply(401, { error: "Couldn't authenticate you" })
    // actions-core answers a 401 in a batch by renewing the connection; with none to renew, the batch fails with it.
    await expect(upsertBatch(events(3))).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('There is no Zendesk connection to renew')
    })
  })

  it('a failed read of the user field list settles the batch with one request, each event retryable', async () => {
    let fieldListReads = 0
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .times(3)
      .reply(() => (fieldListReads++, [503, 'down']))
    const bulk = nock(BASE_URL).post('/api/v2/users/create_or_update_many').reply(200, jobStatus('V3-y', 'queued'))
    const results = await upsertBatch([
      identify({ email: 'a@example.com', plan: 'pro' }, { userId: 'u0' }),
      identify({ email: 'b@example.com', plan: 'free' }, { userId: 'u1' }),
      identify({ email: 'c@example.com', plan: 'pro' }, { userId: 'u2' })
    ])
    expect(results.map((r: any) => r.status)).toEqual([503, 503, 503])
    expect(fieldListReads).toBe(1)
    expect(bulk.isDone()).toBe(false)
    nock.cleanAll()
  })

  it('custom traits in a batch go to existing user fields', async () => {
    userFields('plan')
    const calls = acceptBulk()
    await upsertBatch([
      identify({ email: 'a@example.com', plan: 'pro', shoe: 9 }, { userId: 'u0' }),
      identify({ email: 'b@example.com', shoe: 10 }, { userId: 'u1' }),
      identify({ email: 'c@example.com', plan: 'max' }, { userId: 'u2' })
    ])
    expect(calls[0].map((user) => user.user_fields)).toEqual([{ plan: 'pro' }, undefined, { plan: 'max' }])
  })
})
