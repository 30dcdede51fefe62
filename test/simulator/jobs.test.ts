import { startSimulator } from '../../src/simulator'
import { client, useSimulator, type Api } from './helpers'

async function poll(api: Api, id: string) {
  return (await api('GET', `job_statuses/${id}.json`)).body.job_status
}

describe('simulator bulk jobs', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })

  it('runs users/create_or_update_many queued -> working -> completed, applying items on completion', async () => {
    ctx.sim.seed.user({ name: 'Ann', email: 'ann@example.com', external_id: 'u1' })
    const submitted = await ctx.api('POST', 'users/create_or_update_many.json', {
      users: [
        { external_id: 'U1', name: 'Ann B' },
        { name: 'Bob', email: 'bob@example.com', external_id: 'u2', skip_verify_email: true },
        { name: 'Bad', email: 'bad' }
      ]
    })
    expect(submitted.status).toBe(200)
    const job = submitted.body.job_status
    expect(job).toMatchObject({ total: 3, progress: null, status: 'queued', message: null, results: null })
    expect(job.id).toMatch(/^V3-[0-9a-f]{32}$/)
    expect(job.url).toBe(`https://acme.zendesk.com/api/v2/job_statuses/${job.id}.json`)
    expect(ctx.sim.state().users.map((u) => u.name)).not.toContain('Bob')

    const working = await poll(ctx.api, job.id)
    expect(working).toMatchObject({ status: 'working', results: null })
    expect(ctx.sim.state().users.map((u) => u.name)).not.toContain('Bob')

    const done = await poll(ctx.api, job.id)
    expect(done).toMatchObject({ status: 'completed', progress: 3 })
    expect(done.message).toMatch(/^Completed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/)
    const state = ctx.sim.state()
    const ann = state.users.find((u) => u.email === 'ann@example.com')
    const bob = state.users.find((u) => u.email === 'bob@example.com')
    expect(ann).toMatchObject({ name: 'Ann B', external_id: 'U1' })
    // As recorded for users/create_many: processed items are {id, status} without index; a failure has its index.
    expect(done.results).toEqual([
      { id: ann?.id, status: 'Updated' },
      { id: bob?.id, status: 'Created' },
      { index: 2, error: 'UserCreateFailed', details: 'Email: bad is not properly formatted' }
    ])
    expect(state.jobs[0]).toEqual(done)
    expect(await poll(ctx.api, job.id)).toEqual(done)
  })

  it('refuses more than 100 items with 400 TooManyValues', async () => {
    const users = Array.from({ length: 101 }, (_, i) => ({ name: `u${i}`, external_id: `u${i}` }))
    const res = await ctx.api('POST', 'users/create_or_update_many.json', { users })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: 'TooManyValues',
      description: 'Parameter users cannot specify more than 100 values',
      max_count: 100
    })
    const tickets = Array.from({ length: 101 }, () => ({ comment: { body: 'x' } }))
    expect((await ctx.api('POST', 'tickets/create_many.json', { tickets })).body.error).toBe('TooManyValues')
  })

  it('answers 404 for an unknown job', async () => {
    expect((await ctx.api('GET', 'job_statuses/V3-nope.json')).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found'
    })
  })

  it('fails the items failJobItems names, and marks a job whose items all fail as failed', async () => {
    ctx.sim.setFaults({ failJobItems: { indexes: [1] } })
    const { body } = await ctx.api('POST', 'tickets/create_many.json', {
      tickets: [{ comment: { body: 'a' } }, { comment: { body: 'b' } }]
    })
    await poll(ctx.api, body.job_status.id)
    const done = await poll(ctx.api, body.job_status.id)
    expect(done.status).toBe('completed')
    expect(done.results[0]).toEqual({ index: 0, id: expect.any(Number), account_id: expect.any(Number) })
    expect(done.results[1]).toMatchObject({ index: 1, error: expect.any(String), details: expect.any(String) })
    expect(ctx.sim.state().tickets).toHaveLength(1)

    ctx.sim.setFaults({ failJobItems: { indexes: [0] } })
    const single = await ctx.api('POST', 'organizations/create_many.json', { organizations: [{ name: 'Acme' }] })
    await poll(ctx.api, single.body.job_status.id)
    expect((await poll(ctx.api, single.body.job_status.id)).status).toBe('failed')
  })

  it('keeps jobs queued while stuckJobs is set, without applying them', async () => {
    ctx.sim.setFaults({ stuckJobs: true })
    const { body } = await ctx.api('POST', 'organizations/create_many.json', { organizations: [{ name: 'Acme' }] })
    for (let i = 0; i < 4; i++)
      expect(await poll(ctx.api, body.job_status.id)).toMatchObject({ status: 'queued', results: null })
    expect(ctx.sim.state().organizations).toHaveLength(0)
    ctx.sim.setFaults({})
    await poll(ctx.api, body.job_status.id)
    expect((await poll(ctx.api, body.job_status.id)).status).toBe('completed')
    expect(ctx.sim.state().organizations.map((o) => o.name)).toEqual(['Acme'])
  })

  it('answers 403 to create_or_update_many when bulk imports are disabled', async () => {
    ctx.sim.setFaults({ bulkImportDisabled: true })
    const res = await ctx.api('POST', 'users/create_or_update_many.json', {
      users: [{ name: 'A', email: 'a@example.com' }]
    })
    expect(res.status).toBe(403)
    expect(ctx.sim.state().jobs).toHaveLength(0)
  })

  it('creates organizations in bulk (per-item duplicate names fail) and updates them in bulk', async () => {
    const existing = ctx.sim.seed.organization({ name: 'Acme' })
    const created = await ctx.api('POST', 'organizations/create_many.json', {
      organizations: [{ name: 'Beta' }, { name: 'ACME' }]
    })
    await poll(ctx.api, created.body.job_status.id)
    const createResults = (await poll(ctx.api, created.body.job_status.id)).results
    expect(createResults).toEqual([
      { id: expect.any(Number), status: 'Created' },
      { index: 1, error: 'OrganizationCreateFailed', details: 'Name: ACME has already been taken' }
    ])

    const updated = await ctx.api('PUT', 'organizations/update_many.json', {
      organizations: [
        { id: existing.id, notes: 'updated' },
        { id: 999, notes: 'x' }
      ]
    })
    await poll(ctx.api, updated.body.job_status.id)
    const updateResults = (await poll(ctx.api, updated.body.job_status.id)).results
    expect(updateResults[0]).toEqual({ id: existing.id, action: 'update', status: 'Updated', success: true })
    expect(updateResults[1]).toEqual({
      id: 999,
      action: 'update',
      success: false,
      error: 'RecordNotFound',
      details: 'Organization not found'
    })
    expect(ctx.sim.state().organizations.find((o) => o.id === existing.id)?.notes).toBe('updated')
  })

  it('updates tickets in bulk, failing unknown ids with RecordNotFound', async () => {
    const ticket = ctx.sim.seed.ticket({ description: 'hello' })
    const res = await ctx.api('PUT', 'tickets/update_many.json', {
      tickets: [
        { id: ticket.id, status: 'pending', comment: { body: 'bulk note' } },
        { id: 42, status: 'open' }
      ]
    })
    await poll(ctx.api, res.body.job_status.id)
    const { results } = await poll(ctx.api, res.body.job_status.id)
    expect(results[0]).toEqual({ id: ticket.id, action: 'update', status: 'Updated', success: true })
    expect(results[1]).toEqual({
      id: 42,
      action: 'update',
      success: false,
      error: 'RecordNotFound',
      details: expect.any(String)
    })
    const stored = ctx.sim.state().tickets[0]
    expect(stored.status).toBe('pending')
    expect(stored.comments.map((c) => c.body)).toEqual(['hello', 'bulk note'])
  })
})

describe('simulator jobPollsToComplete', () => {
  it('completes on the Nth poll', async () => {
    const sim = await startSimulator({ account: 'bulk-import', endpointLimits: false, jobPollsToComplete: 3 })
    try {
      const api = client(sim)
      const { body } = await api('POST', 'tickets/create_many.json', { tickets: [{ comment: { body: 'a' } }] })
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await poll(api, body.job_status.id)).status)
      expect(statuses).toEqual(['working', 'working', 'completed'])
    } finally {
      await sim.close()
    }
  })
})

describe('simulator timed jobs (jobMsPer100Items)', () => {
  /** The simulator's clock, moved by the test. */
  const clock = { now: 1_000_000 }
  const ctx = useSimulator('bulk-import', { endpointLimits: false, jobMsPer100Items: 400, clock: () => clock.now })
  const createUsers = async (count: number) =>
    (
      await ctx.api('POST', 'users/create_many.json', {
        users: Array.from({ length: count }, (_, i) => ({ name: `User ${i}`, external_id: `timed-${i}` }))
      })
    ).body.job_status
  const timedUsers = () => ctx.sim.state().users.filter((u) => u.external_id?.startsWith('timed-'))

  it('works for its time (per 100 items), polled or not, then completes and applies its items', async () => {
    const job = await createUsers(50)
    clock.now += 100
    const halfway = await poll(ctx.api, job.id)
    expect(halfway).toMatchObject({ status: 'working', progress: 25 })
    expect(timedUsers()).toHaveLength(0)
    clock.now += 99
    expect(timedUsers()).toHaveLength(0)
    clock.now += 1
    // Nobody polled it: the account shows its effect anyway.
    expect(timedUsers()).toHaveLength(50)
    expect((await poll(ctx.api, job.id)).status).toBe('completed')
  })

  it('a job finished with time frees its slot under the 30-job limit', async () => {
    const limitedClock = { now: 1_000_000 }
    const limited = await startSimulator({
      account: 'bulk-import',
      jobMsPer100Items: 1000,
      clock: () => limitedClock.now
    })
    try {
      const api = client(limited)
      const tickets = Array.from({ length: 100 }, () => ({ comment: { body: 'a' } }))
      const submit = () => api('POST', 'tickets/create_many.json', { tickets })
      for (let i = 0; i < 30; i++) expect((await submit()).status).toBe(200)
      expect((await submit()).status).toBe(429)
      limitedClock.now += 999
      expect((await submit()).status).toBe(429)
      limitedClock.now += 1
      expect((await submit()).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

describe('simulator timed jobs worked a few at a time (jobWorkers)', () => {
  const clock = { now: 1_000_000 }
  const ctx = useSimulator('bulk-import', {
    endpointLimits: false,
    jobMsPer100Items: 1000,
    jobWorkers: 2,
    clock: () => clock.now
  })
  const submit = async (name: string) =>
    (await ctx.api('POST', 'users/create_many.json', { users: [{ name, external_id: name }] })).body.job_status.id

  it('works jobs in the order queued, the others staying queued until a worker is free', async () => {
    // One item: 10 ms of work each.
    const jobs = [await submit('w-1'), await submit('w-2'), await submit('w-3')]
    clock.now += 5
    const statuses = async () => Promise.all(jobs.map(async (id) => (await poll(ctx.api, id)).status))
    expect(await statuses()).toEqual(['working', 'working', 'queued'])
    expect((await poll(ctx.api, jobs[2])).progress).toBeNull()
    clock.now += 5
    expect(await statuses()).toEqual(['completed', 'completed', 'working'])
    clock.now += 10
    expect(await statuses()).toEqual(['completed', 'completed', 'completed'])
  })
})

describe('simulator job result shapes', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })

  async function finished(path: string, body: unknown, method = 'POST') {
    const submitted = await ctx.api(method, path, body)
    await poll(ctx.api, submitted.body.job_status.id)
    return (await poll(ctx.api, submitted.body.job_status.id)).results
  }

  it('follows each endpoint as recorded: ticket create_many carries index, user creates and updates do not', async () => {
    const tickets = await finished('tickets/create_many.json', { tickets: [{ comment: { body: 'a' } }, {}] })
    expect(tickets).toEqual([
      { index: 0, id: expect.any(Number), account_id: expect.any(Number) },
      { index: 1, error: 'TicketCreateFailed', details: 'Description: cannot be blank' }
    ])
    const users = await finished('users/create_many.json', { users: [{ name: 'Ann' }, { name: '' }] })
    expect(users).toEqual([
      { id: expect.any(Number), status: 'Created' },
      { index: 1, error: 'UserCreateFailed', details: 'Name: cannot be blank' }
    ])
  })

  it("variants.jobResultIndex 'never' drops index everywhere, 'always' puts it on every item", async () => {
    ctx.sim.setFaults({ variants: { jobResultIndex: 'never' } })
    const none = await finished('tickets/create_many.json', { tickets: [{ comment: { body: 'a' } }, {}] })
    expect(none).toEqual([
      { id: expect.any(Number), account_id: expect.any(Number) },
      { error: 'TicketCreateFailed', details: 'Description: cannot be blank' }
    ])
    ctx.sim.setFaults({ variants: { jobResultIndex: 'always' } })
    const ticket = ctx.sim.seed.ticket({ description: 'x' })
    const all = await finished('tickets/update_many.json', { tickets: [{ id: ticket.id, status: 'open' }] }, 'PUT')
    expect(all).toEqual([{ index: 0, id: ticket.id, action: 'update', status: 'Updated', success: true }])
  })

  it('users/create_many refuses more than 100 users with the recorded description', async () => {
    const users = Array.from({ length: 101 }, (_, i) => ({ name: `u${i}` }))
    const res = await ctx.api('POST', 'users/create_many.json', { users })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'TooManyValues', description: 'Maximum 100 users may be created per call' })
  })

  it('job_statuses/show_many polls each job and leaves unknown ids out', async () => {
    const submit = async () =>
      (await ctx.api('POST', 'tickets/create_many.json', { tickets: [{ comment: { body: 'a' } }] })).body.job_status
    const [a, b] = [await submit(), await submit()]
    const many = async () => (await ctx.api('GET', `job_statuses/show_many.json?ids=${a.id},V3-unknown,${b.id}`)).body
    expect((await many()).job_statuses.map((j: { id: string; status: string }) => [j.id, j.status])).toEqual([
      [a.id, 'working'],
      [b.id, 'working']
    ])
    const done = await many()
    expect(done.job_statuses.map((j: { status: string }) => j.status)).toEqual(['completed', 'completed'])
    expect(done.job_statuses[0]).toEqual(await poll(ctx.api, a.id))
    expect((await ctx.api('GET', 'job_statuses/show_many.json')).status).toBe(400)
  })
})
