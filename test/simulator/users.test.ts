import { useSimulator } from './helpers'

describe('simulator users', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })
  const upsert = (user: Record<string, unknown>) => ctx.api('POST', 'users/create_or_update.json', { user })

  it('creates with 201 + Location, then updates the same user with 200', async () => {
    const created = await upsert({ name: 'Roger Wilco', email: 'roge@example.org', external_id: 'account_1' })
    expect(created.status).toBe(201)
    const id = created.body.user.id
    expect(created.headers.get('location')).toBe(`https://acme.zendesk.com/api/v2/users/${id}.json`)
    expect(created.body.user).toMatchObject({
      url: `https://acme.zendesk.com/api/v2/users/${id}.json`,
      name: 'Roger Wilco',
      email: 'roge@example.org',
      external_id: 'account_1',
      role: 'end-user',
      active: true
    })
    expect(created.body.user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    const updated = await upsert({ external_id: 'account_1', phone: '+15551234567', time_zone: 'Berlin' })
    expect(updated.status).toBe(200)
    expect(updated.body.user).toMatchObject({
      id,
      phone: '+15551234567',
      time_zone: 'Berlin',
      iana_time_zone: 'Europe/Berlin'
    })
    expect(updated.headers.get('location')).toBeNull()
    expect(ctx.sim.state().users.filter((u) => u.external_id === 'account_1')).toHaveLength(1)
  })

  it('matches external_id case-insensitively and rewrites the stored casing', async () => {
    const { body } = await upsert({ name: 'Ann', external_id: 'ABC-1' })
    const again = await upsert({ external_id: 'abc-1', notes: 'vip' })
    expect(again.status).toBe(200)
    expect(again.body.user).toMatchObject({ id: body.user.id, external_id: 'abc-1', notes: 'vip' })
  })

  it('matches by email identity when no external_id matches', async () => {
    const { body } = await upsert({ name: 'Ann', email: 'ann@example.com' })
    const again = await upsert({ email: 'ANN@example.com', external_id: 'new-ext' })
    expect(again.status).toBe(200)
    expect(again.body.user).toMatchObject({ id: body.user.id, external_id: 'new-ext' })
  })

  it('adds a new email on update as a secondary identity and keeps the primary', async () => {
    const { body } = await upsert({ name: 'Ann', email: 'ann@example.com', external_id: 'u1', skip_verify_email: true })
    const updated = await upsert({ external_id: 'u1', email: 'ann@work.example.com', verified: true })
    expect(updated.body.user.email).toBe('ann@example.com')

    const identities = await ctx.api('GET', `users/${body.user.id}/identities.json`)
    expect(identities.body.identities).toEqual([
      expect.objectContaining({ value: 'ann@example.com', primary: true, verified: false }),
      expect.objectContaining({ value: 'ann@work.example.com', primary: false, verified: true })
    ])
    expect(ctx.sim.state().identities).toHaveLength(3) // the agent's, and Ann's two
  })

  it('search by email matches a secondary identity; the user shows its primary email', async () => {
    const { body } = await upsert({ name: 'Ann', email: 'ann@example.com', external_id: 'u1' })
    await upsert({ external_id: 'u1', email: 'ann@work.example.com' })
    const found = await ctx.api('GET', `users/search.json?query=${encodeURIComponent('email:"ann@work.example.com"')}`)
    expect(found.body.users).toEqual([expect.objectContaining({ id: body.user.id, email: 'ann@example.com' })])
  })

  it('refuses an email that belongs to another user (422 DuplicateValue)', async () => {
    await upsert({ name: 'Ann', email: 'ann@example.com' })
    await upsert({ name: 'Bob', external_id: 'bob' })
    const res = await upsert({ external_id: 'bob', email: 'ann@example.com' })
    expect(res.status).toBe(422)
    expect(res.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: {
        email: [
          { description: 'Email: ann@example.com is already being used by another user', error: 'DuplicateValue' }
        ]
      }
    })
  })

  it('refuses a badly formatted email without an error code, and a new user without a name', async () => {
    const bad = await upsert({ name: 'William Bad', email: 'badmail', external_id: 'badmail' })
    expect(bad.status).toBe(422)
    expect(bad.body.details).toEqual({ email: [{ description: 'Email: badmail is not properly formatted' }] })

    const nameless = await upsert({ email: 'someone@example.com' })
    expect(nameless.status).toBe(422)
    expect(nameless.body.details).toEqual({ name: [{ description: 'Name: cannot be blank', error: 'BlankValue' }] })
    expect(ctx.sim.state().users).toHaveLength(1)
  })

  it('answers 400 when the user wrapper is missing', async () => {
    const res = await ctx.api('POST', 'users/create_or_update.json', { name: 'x' })
    expect(res.status).toBe(400)
  })

  it('records whether a verification email would be sent, and honours verified', async () => {
    await upsert({ name: 'A', email: 'a@example.com' })
    await upsert({ name: 'B', email: 'b@example.com', skip_verify_email: true })
    const c = await upsert({ name: 'C', email: 'c@example.com', verified: true })
    expect(c.body.user.verified).toBe(true)
    const byEmail = Object.fromEntries(ctx.sim.state().users.map((u) => [u.email, u]))
    expect(byEmail['a@example.com'].verification_email_sent).toBe(true)
    expect(byEmail['b@example.com'].verification_email_sent).toBe(false)
    expect(byEmail['c@example.com'].verification_email_sent).toBe(false)
  })

  it('keeps only defined user_fields and lists every defined key in responses', async () => {
    ctx.sim.seed.userField({ key: 'plan' })
    ctx.sim.seed.userField({ key: 'beta', type: 'checkbox' })
    ctx.sim.seed.userField({ key: 'renewal', type: 'date' })
    const res = await upsert({
      name: 'Ann',
      external_id: 'u1',
      user_fields: { plan: 'pro', unknown_trait: 'x', renewal: '2020-08-19T20:50:04.000Z' }
    })
    expect(res.status).toBe(201)
    expect(res.body.user.user_fields).toEqual({ plan: 'pro', beta: false, renewal: '2020-08-19T00:00:00+00:00' })
    const updated = await upsert({ external_id: 'u1', user_fields: { beta: true } })
    expect(updated.body.user.user_fields).toEqual({ plan: 'pro', beta: true, renewal: '2020-08-19T00:00:00+00:00' })
    expect(ctx.sim.state().users.find((u) => u.external_id === 'u1')?.user_fields).not.toHaveProperty('unknown_trait')
  })

  it('makes organization_id the only membership', async () => {
    const a = ctx.sim.seed.organization({ name: 'A' })
    const b = ctx.sim.seed.organization({ name: 'B' })
    const user = ctx.sim.seed.user({ name: 'Ann', organization_id: a.id })
    await ctx.api('POST', 'organization_memberships.json', {
      organization_membership: { user_id: user.id, organization_id: b.id }
    })
    expect(ctx.sim.state().memberships.filter((m) => m.user_id === user.id)).toHaveLength(2)

    const res = await ctx.api('PUT', `users/${user.id}.json`, { user: { organization_id: b.id } })
    expect(res.body.user.organization_id).toBe(b.id)
    expect(ctx.sim.state().memberships.filter((m) => m.user_id === user.id)).toEqual([
      expect.objectContaining({ organization_id: b.id, default: true })
    ])
  })

  it('finds users by external_id, search query, list filter and show_many', async () => {
    const ann = ctx.sim.seed.user({ name: 'Ann Smith', email: 'ann@example.com', external_id: 'Ext-1' })
    const bob = ctx.sim.seed.user({ name: 'Bob', email: 'bob@example.com', external_id: 'ext-2' })
    const ids = async (path: string) => (await ctx.api('GET', path)).body.users.map((u: { id: number }) => u.id)

    const byExternal = await ctx.api('GET', 'users/search.json?external_id=ext-1')
    expect(byExternal.body).toEqual({
      users: [expect.objectContaining({ id: ann.id })],
      next_page: null,
      previous_page: null,
      count: 1
    })
    expect(await ids('users/search.json?query=email:bob@example.com')).toEqual([bob.id])
    expect(await ids(`users/search.json?query=${encodeURIComponent('external_id:"EXT-2"')}`)).toEqual([bob.id])
    expect(await ids('users/search.json?query=ann@example.com')).toEqual([ann.id])
    expect(await ids('users/search.json?query=smith')).toEqual([ann.id])
    expect(await ids('users/search.json?query=nobody@example.com')).toEqual([])
    expect(await ids('users.json?external_id=EXT-1')).toEqual([ann.id])
    expect(await ids(`users/show_many.json?ids=${bob.id},${ann.id}`)).toEqual([bob.id, ann.id])
    expect(await ids('users/show_many.json?external_ids=ext-2,nope')).toEqual([bob.id])
    expect(await ids('users.json?role[]=agent&role[]=admin')).toEqual([ctx.sim.state().users[0].id])
  })

  it('soft-deletes users (still readable, no longer matched), then deletes them permanently; unknown ids are 404', async () => {
    const { body } = await upsert({ name: 'Ann', email: 'ann@example.com', external_id: 'u1' })
    const deleted = await ctx.api('DELETE', `users/${body.user.id}.json`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.user.active).toBe(false)
    expect((await ctx.api('GET', `users/${body.user.id}.json`)).body.user.active).toBe(false)
    expect((await ctx.api('GET', 'users/search.json?external_id=u1')).body.count).toBe(0)

    const recreated = await upsert({ name: 'Ann again', email: 'ann@example.com', external_id: 'u1' })
    expect(recreated.status).toBe(201)
    expect(recreated.body.user.id).not.toBe(body.user.id)

    const permanent = await ctx.api('DELETE', `deleted_users/${body.user.id}.json`)
    expect(permanent.status).toBe(200)
    expect(permanent.body.deleted_user).toEqual({
      id: body.user.id,
      url: `https://acme.zendesk.com/api/v2/deleted_users/${body.user.id}`,
      name: 'Ann',
      email: 'ann@example.com',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      time_zone: 'Eastern Time (US & Canada)',
      phone: null,
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      locale: 'en-US',
      organization_id: null,
      role: 'end-user',
      active: false
    })
    expect(ctx.sim.state().users.map((u) => u.id)).not.toContain(body.user.id)
    expect(ctx.sim.state().identities.map((i) => i.user_id)).not.toContain(body.user.id)
    expect((await ctx.api('DELETE', `deleted_users/${recreated.body.user.id}.json`)).status).toBe(404)

    expect((await ctx.api('DELETE', 'users/999.json')).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found'
    })
    expect((await ctx.api('GET', 'users/999.json')).status).toBe(404)
    expect((await ctx.api('PUT', 'users/999.json', { user: { name: 'x' } })).status).toBe(404)
  })
})

describe('simulator users/destroy_many', () => {
  const ctx = useSimulator('default', { endpointLimits: false })
  const poll = async (id: string) => (await ctx.api('GET', `job_statuses/${id}.json`)).body.job_status

  it('a job that soft-deletes the users named by id when it completes, even without bulk import; an unknown id fails its item', async () => {
    const org = ctx.sim.seed.organization({ name: 'Acme' })
    const ann = ctx.sim.seed.user({
      name: 'Ann',
      email: 'ann@example.com',
      external_id: 'ann',
      organization_id: org.id
    })
    const bob = ctx.sim.seed.user({ name: 'Bob', external_id: 'bob' })
    const submitted = await ctx.api('DELETE', `users/destroy_many.json?ids=${ann.id},424242,${bob.id}`)
    expect(submitted.status).toBe(200)
    expect(submitted.body.job_status).toMatchObject({ status: 'queued', total: 3, results: null })
    expect(ctx.sim.state().users.find((u) => u.id === ann.id)?.active).toBe(true)

    await poll(submitted.body.job_status.id)
    const done = await poll(submitted.body.job_status.id)
    expect(done.status).toBe('completed')
    expect(done.results).toEqual([
      { id: ann.id, action: 'delete', status: 'Deleted', success: true },
      { id: 424242, action: 'delete', success: false, error: 'RecordNotFound', details: 'User not found' },
      { id: bob.id, action: 'delete', status: 'Deleted', success: true }
    ])
    const state = ctx.sim.state()
    expect(state.users.filter((u) => [ann.id, bob.id].includes(u.id)).map((u) => u.active)).toEqual([false, false])
    // As DELETE users/{id}: identities and memberships are kept.
    expect(state.identities.some((i) => i.user_id === ann.id)).toBe(true)
    expect(state.memberships.some((m) => m.user_id === ann.id)).toBe(true)
  })

  it('names users by external_id too; without any, or with more than 100, it answers 400', async () => {
    const ann = ctx.sim.seed.user({ name: 'Ann', external_id: 'Ann-1' })
    const submitted = await ctx.api('DELETE', 'users/destroy_many.json?external_ids=ann-1,ghost')
    await poll(submitted.body.job_status.id)
    expect((await poll(submitted.body.job_status.id)).results).toEqual([
      { id: ann.id, action: 'delete', status: 'Deleted', success: true },
      { id: null, action: 'delete', success: false, error: 'RecordNotFound', details: 'User not found' }
    ])
    expect((await ctx.api('DELETE', 'users/destroy_many.json')).body).toEqual({
      error: 'ParameterMissing',
      description: 'param is missing or the value is empty: ids'
    })
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(',')
    expect((await ctx.api('DELETE', `users/destroy_many.json?ids=${tooMany}`)).body).toMatchObject({
      error: 'TooManyValues',
      max_count: 100
    })
  })
})

describe('simulator per-user write limit (the former perUserWriteLimit option)', () => {
  // The per-account second is off so that only the per-user window answers; Zendesk's other limits stay.
  const ctx = useSimulator('default', {
    endpointLimits: { userWritesPerAccount: false },
    perUserWriteLimit: { requests: 2, windowMs: 60000 }
  })

  it('answers 429 text/plain with Retry-After once one user is written too often', async () => {
    const upsert = () => ctx.api('POST', 'users/create_or_update.json', { user: { name: 'Ann', external_id: 'u1' } })
    expect((await upsert()).status).toBe(201)
    const second = await upsert()
    expect(second.status).toBe(200)
    expect(second.headers.get('zendesk-ratelimit-create-update-user')).toMatch(/^total=2; remaining=0; resets=\d+$/)
    const limited = await upsert()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(limited.body).toMatch(/^You have exceeded the rate limit for updating a single unique user\./)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)

    const id = ctx.sim.state().users.find((u) => u.external_id === 'u1')?.id
    expect((await ctx.api('PUT', `users/${id}.json`, { user: { notes: 'x' } })).status).toBe(429)
    const other = await ctx.api('POST', 'users/create_or_update.json', { user: { name: 'Bob', external_id: 'u2' } })
    expect(other.status).toBe(201)
  })
})
