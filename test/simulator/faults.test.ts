import { startSimulator } from '../../src/simulator'
import { client, polledJobs, useSimulator, type AccountOptions, type Api } from './helpers'
import { until } from '../helpers/test-clock'

const newUser = { user: { name: 'Ann', external_id: 'u1' } }

async function withSimulator(options: AccountOptions, run: (api: Api) => Promise<void>) {
  const sim = await startSimulator(polledJobs(options))
  try {
    await run(client(sim))
  } finally {
    await sim.close()
  }
}

describe('simulator faults', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })

  it('rateLimit: 429 text/plain with Retry-After for the next matching requests only', async () => {
    ctx.sim.setFaults({ rateLimit: { count: 1, retryAfter: 7, path: 'create_or_update' } })
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(200)
    const limited = await ctx.api('POST', 'users/create_or_update.json', newUser)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect(limited.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(ctx.sim.state().users).toHaveLength(1)
    expect((await ctx.api('POST', 'users/create_or_update.json', newUser)).status).toBe(201)
  })

  it('rateLimit without retryAfter: 429 with no Retry-After header', async () => {
    ctx.sim.setFaults({ rateLimit: { count: 1 } })
    const limited = await ctx.api('GET', 'users/me.json')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeNull()
  })

  it('htmlPage: a 200 text/html maintenance page, the request not processed', async () => {
    ctx.sim.setFaults({ htmlPage: { count: 1, path: 'create_or_update' } })
    const page = await ctx.api('POST', 'users/create_or_update.json', newUser)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.body).toContain('<html>')
    expect(ctx.sim.state().users).toHaveLength(1)
    expect((await ctx.api('POST', 'users/create_or_update.json', newUser)).status).toBe(201)
  })

  it('serverError: the given status (500 by default), optionally with Retry-After, counted down', async () => {
    ctx.sim.setFaults({ serverError: { count: 2, status: 503, retryAfter: 3 } })
    const first = await ctx.api('GET', 'users/me.json')
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('3')
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(503)
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(200)
    ctx.sim.setFaults({ serverError: { count: 1 } })
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(500)
  })

  it('connectionReset: drops the connection without processing the request', async () => {
    ctx.sim.setFaults({ connectionReset: { count: 1 } })
    await expect(ctx.api('POST', 'users/create_or_update.json', newUser)).rejects.toThrow()
    expect(ctx.sim.state().users).toHaveLength(1)
    expect(ctx.sim.requests).toEqual([
      expect.objectContaining({ path: '/api/v2/users/create_or_update.json', status: 0 })
    ])
    expect((await ctx.api('POST', 'users/create_or_update.json', newUser)).status).toBe(201)
  })

  it('slow: answers late but still processes the request, even when the client gave up', async () => {
    ctx.sim.setFaults({ slow: { count: 2, delayMs: 150 } })
    const started = Date.now()
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)

    const giveUp = new AbortController()
    const aborted = fetch(`${ctx.sim.url}/api/v2/users/create_or_update.json`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from('agent@example.com/token:test-token').toString('base64')}`,
        'Content-Type': 'application/json'
      },
      body: JSON.stringify(newUser),
      signal: giveUp.signal
    })
    // The client gives up once the request has arrived, before its answer comes.
    await until(() => ctx.sim.requests.some((r) => r.path === '/api/v2/users/create_or_update.json'))
    giveUp.abort()
    await expect(aborted).rejects.toThrow()
    expect(ctx.sim.state().users.map((u) => u.external_id)).toContain('u1')
  })

  it('answeredTogether: processes each request at once, answers them all once the last has arrived', async () => {
    ctx.sim.setFaults({ answeredTogether: { count: 2, path: 'create_or_update' } })
    let firstAnswered = false
    const first = ctx.api('POST', 'users/create_or_update.json', newUser).finally(() => (firstAnswered = true))
    await until(() => ctx.sim.requests.length === 1)
    expect(ctx.sim.state().users.map((u) => u.external_id)).toContain('u1')
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(200)
    expect(firstAnswered).toBe(false)
    const second = await ctx.api('POST', 'users/create_or_update.json', { user: { name: 'Bo', external_id: 'u2' } })
    expect(second.status).toBe(201)
    expect((await first).status).toBe(201)
  })

  it('records every API request with method, path, query, body, status and the scheme of its Authorization', async () => {
    await ctx.api('POST', 'users/create_or_update.json', newUser)
    await ctx.api('GET', 'tickets.json?external_id=a&external_id=b')
    expect(ctx.sim.requests).toEqual([
      {
        method: 'POST',
        path: '/api/v2/users/create_or_update.json',
        query: {},
        body: newUser,
        status: 201,
        at: expect.any(Number),
        authorizationScheme: 'Basic'
      },
      {
        method: 'GET',
        path: '/api/v2/tickets.json',
        query: { external_id: ['a', 'b'] },
        body: undefined,
        status: 200,
        at: expect.any(Number),
        authorizationScheme: 'Basic'
      }
    ])
  })
})

describe('simulator control routes', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })

  it('sets faults, shows state and resets over HTTP without credentials, unrecorded', async () => {
    const none = {}
    const faults = await ctx.api('POST', '/__simulator/faults', { serverError: { count: 1, status: 502 } }, none)
    expect(faults.status).toBe(200)
    expect((await ctx.api('GET', 'users/me.json')).status).toBe(502)

    await ctx.api('POST', 'users/create_or_update.json', newUser)
    const state = await ctx.api('GET', '/__simulator/state', undefined, none)
    expect(state.status).toBe(200)
    expect(state.body.users.map((u: { external_id: string }) => u.external_id)).toEqual([null, 'u1'])
    expect(Object.keys(state.body)).toEqual(
      expect.arrayContaining([
        'users',
        'identities',
        'organizations',
        'memberships',
        'tickets',
        'events',
        'userFields',
        'organizationFields',
        'jobs'
      ])
    )

    expect((await ctx.api('POST', '/__simulator/reset', undefined, none)).status).toBe(204)
    expect(ctx.sim.state().users).toHaveLength(1)
    expect(ctx.sim.requests).toEqual([])
  })

  it('state() is a copy: changing it does not change the simulator', async () => {
    const state = ctx.sim.state()
    state.users[0].name = 'changed'
    expect(ctx.sim.state().users[0].name).not.toBe('changed')
  })
})

describe('simulator account rate limit and latency', () => {
  it('answers 429 text/plain with Retry-After once the window is used up, and X-Rate-Limit headers always', async () => {
    const clock = { now: 1_000_000 }
    const options: AccountOptions = {
      account: 'default',
      accountRateLimit: { requests: 2, windowMs: 300 },
      clock: () => clock.now
    }
    await withSimulator(options, async (api) => {
      const first = await api('GET', 'users/me.json')
      expect(first.headers.get('x-rate-limit')).toBe('2')
      expect(first.headers.get('x-rate-limit-remaining')).toBe('1')
      expect((await api('GET', 'users/me.json')).headers.get('x-rate-limit-remaining')).toBe('0')
      const limited = await api('GET', 'users/me.json')
      expect(limited.status).toBe(429)
      expect(limited.body).toBe('Number of allowed API requests per minute exceeded')
      expect(limited.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(limited.headers.get('retry-after')).toBe('1')
      expect(limited.headers.get('x-rate-limit')).toBe('2')
      clock.now += 299
      expect((await api('GET', 'users/me.json')).status).toBe(429)
      clock.now += 1
      expect((await api('GET', 'users/me.json')).status).toBe(200)
    })
  })

  it('adds latencyMs to every answer', async () => {
    await withSimulator({ account: 'bulk-import', endpointLimits: false, latencyMs: 80 }, async (api) => {
      const started = Date.now()
      await api('GET', 'users/me.json')
      expect(Date.now() - started).toBeGreaterThanOrEqual(75)
    })
  })

  it('puts the subdomain into record urls', async () => {
    await withSimulator({ account: 'bulk-import', endpointLimits: false, subdomain: 'globex' }, async (api) => {
      const res = await api('POST', 'users/create_or_update.json', newUser)
      expect(res.body.user.url).toBe(`https://globex.zendesk.com/api/v2/users/${res.body.user.id}.json`)
    })
  })
})
