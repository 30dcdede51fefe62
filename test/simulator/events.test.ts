import { useSimulator } from './helpers'

describe('simulator events API', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })
  const event = {
    source: 'segment',
    type: 'Order Completed',
    properties: { total: 42 },
    created_at: '2024-01-02T03:04:05Z'
  }

  it('accepts an event for a user with 202 and lists it', async () => {
    const user = ctx.sim.seed.user({ name: 'Ann' })
    const res = await ctx.api('POST', `users/${user.id}/events.json`, { event })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ status: 'received', user_id: String(user.id) })
    expect(ctx.sim.state().events).toEqual([
      expect.objectContaining({
        user_id: user.id,
        source: 'segment',
        type: 'Order Completed',
        properties: { total: 42 },
        created_at: event.created_at
      })
    ])
    const listed = await ctx.api('GET', `users/${user.id}/events.json`)
    expect(listed.body.data).toEqual([expect.objectContaining({ type: 'Order Completed' })])
    expect(listed.body.meta.has_more).toBe(false)
  })

  it('answers 400 with an errors list for missing fields and the reserved zendesk source', async () => {
    const user = ctx.sim.seed.user({ name: 'Ann' })
    const missing = await ctx.api('POST', `users/${user.id}/events.json`, { event: { source: 'segment' } })
    expect(missing.status).toBe(400)
    expect(missing.body.errors.map((e: { code: string }) => e.code)).toEqual(['TypeNotValid', 'PropertiesNotValid'])
    expect(missing.body.errors[0]).toEqual({ code: 'TypeNotValid', id: expect.any(String), title: expect.any(String) })

    const reserved = await ctx.api('POST', `users/${user.id}/events.json`, { event: { ...event, source: 'zendesk' } })
    expect(reserved.status).toBe(400)
    expect(reserved.body.errors[0].code).toBe('SourceNotValid')
    expect((await ctx.api('POST', `users/${user.id}/events.json`, {})).status).toBe(400)
    expect(ctx.sim.state().events).toEqual([])
  })

  it('answers 404 for an unknown or deleted user', async () => {
    expect((await ctx.api('POST', 'users/999/events.json', { event })).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found'
    })
    const user = ctx.sim.seed.user({ name: 'Gone', active: false })
    expect((await ctx.api('POST', `users/${user.id}/events.json`, { event })).status).toBe(404)
  })

  it('tracks against profiles, matching users by identifier or creating an anonymous one', async () => {
    const ann = ctx.sim.seed.user({ name: 'Ann', email: 'ann@example.com' })
    const profile = (identifiers: { type: string; value: string }[]) => ({
      source: 'shop',
      type: 'customer',
      identifiers
    })

    const matched = await ctx.api('POST', 'user_profiles/events.json', {
      profile: profile([
        { type: 'email', value: 'ANN@example.com' },
        { type: 'external_id', value: 'ann-1' }
      ]),
      event
    })
    expect(matched.status).toBe(202)
    expect(matched.body).toEqual({
      profile_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      status: 'received',
      user_id: String(ann.id)
    })
    expect(ctx.sim.state().users.find((u) => u.id === ann.id)?.external_id).toBe('ann-1')

    const anonymous = await ctx.api('POST', 'user_profiles/events.json', {
      profile: profile([{ type: 'email', value: 'new@example.com' }]),
      event
    })
    expect(anonymous.status).toBe(202)
    const created = ctx.sim.state().users.find((u) => u.email === 'new@example.com')
    expect(created).toBeDefined()
    expect(anonymous.body.user_id).toBe(String(created?.id))

    const invalid = await ctx.api('POST', 'user_profiles/events.json', { profile: { source: 'shop' }, event })
    expect(invalid.status).toBe(400)
  })
})
