import { startSimulator, type AccountKind, type SimulatorOptions } from '../../src/simulator'
import { client, polledJobs, type Api } from './helpers'

/** A simulator of the given kind of account whose rate-limit windows run on a clock the test moves. */
function withClock(account: AccountKind, options: Omit<SimulatorOptions, 'account'> = {}) {
  const clock = { now: 1_000_000 }
  const context = {} as { api: Api; sim: Awaited<ReturnType<typeof startSimulator>>; clock: typeof clock }
  beforeAll(async () => {
    context.sim = await startSimulator(polledJobs({ ...options, account, clock: () => clock.now }))
    context.api = client(context.sim)
    context.clock = clock
  })
  beforeEach(() => {
    context.sim.reset()
    clock.now += 3_600_000
  })
  afterAll(() => context.sim.close())
  return context
}

const expectLimited = (res: { status: number; headers: Headers; body: unknown }, retryAfter?: string) => {
  expect(res.status).toBe(429)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  if (retryAfter) expect(res.headers.get('retry-after')).toBe(retryAfter)
  else expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
}

describe('rate-limit headers on every answer', () => {
  const ctx = withClock('default')

  it('reports the account limit in the recorded and the documented spellings, counting down', async () => {
    const first = await ctx.api('GET', 'users/me.json')
    const second = await ctx.api('GET', 'users/404404.json')
    for (const [res, remaining] of [
      [first, '699'],
      [second, '698']
    ] as const) {
      expect(res.headers.get('x-rate-limit')).toBe('700')
      expect(res.headers.get('x-rate-limit-remaining')).toBe(remaining)
      expect(res.headers.get('rate-limit')).toBe('700')
      expect(res.headers.get('rate-limit-remaining')).toBe(remaining)
      expect(res.headers.get('ratelimit-limit')).toBe('700')
      expect(res.headers.get('ratelimit-remaining')).toBe(remaining)
      expect(Number(res.headers.get('rate-limit-reset'))).toBeGreaterThan(0)
      expect(res.headers.get('ratelimit-reset')).toBe(res.headers.get('rate-limit-reset'))
    }
    expect(second.status).toBe(404)
  })

  it('sends Zendesk-RateLimit-tickets-index on GET tickets (reported, not enforced by default)', async () => {
    const list = await ctx.api('GET', 'tickets.json?external_id=x')
    expect(list.headers.get('zendesk-ratelimit-tickets-index')).toMatch(/^total=100; remaining=99; resets=\d+$/)
  })
})

describe('endpoint limits of a new account', () => {
  const ctx = withClock('default')
  const upsert = (external_id: string) =>
    ctx.api('POST', 'users/create_or_update.json', { user: { name: external_id, external_id } })

  it('users/create_or_update: 1 per second for the account', async () => {
    expect((await upsert('a')).status).toBe(201)
    expectLimited(await upsert('b'), '1')
    ctx.clock.now += 1000
    expect((await upsert('b')).status).toBe(201)
  })

  it('users/create_or_update and PUT users/{id}: 5 per minute per user, with the recorded text', async () => {
    const created = await upsert('u1')
    expect(created.headers.get('zendesk-ratelimit-create-update-user')).toMatch(/^total=5; remaining=4; resets=60$/)
    const id = created.body.user.id
    for (let i = 0; i < 4; i++) {
      ctx.clock.now += 1000
      const res = i % 2 ? await upsert('u1') : await ctx.api('PUT', `users/${id}.json`, { user: { notes: `${i}` } })
      expect(res.status).toBe(200)
    }
    ctx.clock.now += 1000
    const limited = await ctx.api('PUT', `users/${id}.json`, { user: { notes: 'too many' } })
    expectLimited(limited, '55')
    expect(limited.body).toBe(
      'You have exceeded the rate limit for updating a single unique user. user email:  id:  external_id: '
    )
    expect(limited.headers.get('zendesk-ratelimit-create-update-user')).toBe('total=5; remaining=0; resets=55')
    expect(ctx.sim.state().users.find((u) => u.id === id)?.notes).toBe('2')
    ctx.clock.now += 1000
    expect((await upsert('someone-else')).status).toBe(201)
    ctx.clock.now += 55_000
    expect((await upsert('u1')).status).toBe(200)
  })

  it('PUT organizations/{id}: 5 per minute per organization; create_or_update is not counted', async () => {
    const [a, b] = [ctx.sim.seed.organization({ name: 'A' }), ctx.sim.seed.organization({ name: 'B' })]
    for (let i = 0; i < 5; i++) {
      expect((await ctx.api('PUT', `organizations/${a.id}.json`, { organization: { notes: `${i}` } })).status).toBe(200)
    }
    expectLimited(await ctx.api('PUT', `organizations/${a.id}.json`, { organization: { notes: 'x' } }), '60')
    expect((await ctx.api('PUT', `organizations/${b.id}.json`, { organization: { notes: 'x' } })).status).toBe(200)
    const upsert = await ctx.api('POST', 'organizations/create_or_update.json', { organization: { id: a.id } })
    expect(upsert.status).toBe(200)
  })

  it('PUT tickets/{id}: 30 per 10 minutes per ticket, with the recorded tickets-update header', async () => {
    const ticket = ctx.sim.seed.ticket({ description: 'hi' })
    const other = ctx.sim.seed.ticket({ description: 'other' })
    const update = (id: number) => ctx.api('PUT', `tickets/${id}.json`, { ticket: { tags: ['x'] } })
    const first = await update(ticket.id)
    expect(first.headers.get('zendesk-rate-limit-tickets-update')).toMatch(/^total=100; remaining=99; resets=60$/)
    for (let i = 1; i < 30; i++) expect((await update(ticket.id)).status).toBe(200)
    expectLimited(await update(ticket.id), '600')
    expect((await update(other.id)).status).toBe(200)
  })

  it('at most 30 queued or working jobs: one more answers 429 TooManyJobs until one completes', async () => {
    const submit = () => ctx.api('POST', 'tickets/create_many.json', { tickets: [{ comment: { body: 'x' } }] })
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push((await submit()).body.job_status.id)
    const refused = await submit()
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ error: 'TooManyJobs' })
    expect(refused.headers.get('retry-after')).toBe('10')
    for (let i = 0; i < 2; i++) await ctx.api('GET', `job_statuses/${ids[0]}.json`)
    expect((await submit()).status).toBe(200)
  })
})

describe('endpoint limits: per-account ticket updates and overrides', () => {
  const ctx = withClock('default', {
    endpointLimits: { ticketUpdatesPerAccount: { requests: 3, windowMs: 60_000 }, activeJobs: false }
  })

  it('takes smaller windows from the options, and turns one limit off', async () => {
    const tickets = [1, 2, 3, 4].map(() => ctx.sim.seed.ticket({ description: 'hi' }))
    for (const t of tickets.slice(0, 3)) {
      expect((await ctx.api('PUT', `tickets/${t.id}.json`, { ticket: { status: 'open' } })).status).toBe(200)
    }
    const limited = await ctx.api('PUT', `tickets/${tickets[3].id}.json`, { ticket: { status: 'open' } })
    expectLimited(limited, '60')
    expect(limited.headers.get('zendesk-rate-limit-tickets-update')).toBe('total=3; remaining=0; resets=60')
    for (let i = 0; i < 31; i++) {
      const res = await ctx.api('POST', 'tickets/create_many.json', { tickets: [{ comment: { body: 'x' } }] })
      expect(res.status).toBe(200)
    }
  })
})

describe('endpoint limits: organization updates through create_or_update, when asked', () => {
  const ctx = withClock('default', {
    endpointLimits: { organizationUpdates: { requests: 1, windowMs: 60_000, includeCreateOrUpdate: true } }
  })

  it('counts an update made by organizations/create_or_update, not a creation', async () => {
    const upsert = () =>
      ctx.api('POST', 'organizations/create_or_update.json', { organization: { external_id: 'o1', name: 'O' } })
    expect((await upsert()).status).toBe(201)
    expect((await upsert()).status).toBe(200)
    expectLimited(await upsert(), '60')
  })
})

describe('endpoint limits: none', () => {
  const ctx = withClock('default', { endpointLimits: false, accountRateLimit: { requests: 2, windowMs: 60_000 } })

  it('sends no endpoint headers; an enforced account limit still answers 429 with its headers', async () => {
    const res = await ctx.api('POST', 'users/create_or_update.json', { user: { name: 'A', external_id: 'a' } })
    expect(res.headers.get('zendesk-ratelimit-create-update-user')).toBeNull()
    expect(res.headers.get('x-rate-limit')).toBe('2')
    expect((await ctx.api('POST', 'users/create_or_update.json', { user: { external_id: 'a' } })).status).toBe(200)
    const limited = await ctx.api('GET', 'users/me.json')
    expectLimited(limited, '60')
    expect(limited.body).toBe('Number of allowed API requests per minute exceeded')
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0')
  })
})
