import { BASIC_AUTH, useSimulator } from './helpers'

describe('simulator tickets', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })
  const create = (ticket: Record<string, unknown>) => ctx.api('POST', 'tickets.json', { ticket })

  it('creates a ticket with 201, Location and an audit; the agent is the default requester', async () => {
    ctx.sim.seed.user({ name: 'Sam', email: 'sam@example.com', role: 'agent' })
    const res = await create({
      subject: 'Order 1234 failed',
      comment: { html_body: '<p>Payment declined</p>', public: false },
      priority: 'high',
      type: 'incident',
      status: 'open',
      tags: ['cdp', 'order_failed'],
      external_id: 'evt_1',
      custom_fields: [{ id: 27642, value: '745' }],
      assignee_email: 'sam@example.com',
      group_id: 7,
      brand_id: 8,
      ticket_form_id: 9
    })
    expect(res.status).toBe(201)
    const { ticket, audit } = res.body
    expect(res.headers.get('location')).toBe(`https://acme.zendesk.com/api/v2/tickets/${ticket.id}.json`)
    const state = ctx.sim.state()
    expect(ticket).toMatchObject({
      subject: 'Order 1234 failed',
      description: 'Payment declined',
      priority: 'high',
      type: 'incident',
      status: 'open',
      tags: ['cdp', 'order_failed'],
      external_id: 'evt_1',
      custom_fields: [{ id: 27642, value: '745' }],
      requester_id: state.users[0].id,
      assignee_id: state.users[1].id,
      group_id: 7,
      brand_id: 8,
      ticket_form_id: 9,
      is_public: false
    })
    expect(ticket).not.toHaveProperty('comments')
    expect(audit.events[0]).toMatchObject({ type: 'Comment', html_body: '<p>Payment declined</p>', public: false })
    expect(state.tickets[0].comments).toHaveLength(1)
  })

  it('validates the comment, enums, requester and assignee with 422', async () => {
    const blank = await create({ subject: 'no comment' })
    expect(blank.status).toBe(422)
    expect(blank.body.details).toEqual({ base: [{ description: 'Description: cannot be blank', error: 'BlankValue' }] })
    expect((await create({ comment: { body: 'x' }, priority: 'asap' })).body.details).toHaveProperty('priority')
    expect((await create({ comment: { body: 'x' }, status: 'done' })).body.details).toHaveProperty('status')
    expect((await create({ comment: { body: 'x' }, type: 'bug' })).body.details).toHaveProperty('type')
    expect((await create({ comment: { body: 'x' }, requester_id: 42 })).status).toBe(422)
    expect((await create({ comment: { body: 'x' }, assignee_email: 'nobody@example.com' })).status).toBe(422)
    expect(ctx.sim.state().tickets).toHaveLength(0)
  })

  it('finds or creates the requester from {name, email}', async () => {
    const ann = ctx.sim.seed.user({ name: 'Ann', email: 'ann@example.com' })
    const existing = await create({ comment: { body: 'x' }, requester: { name: 'Whoever', email: 'ANN@example.com' } })
    expect(existing.body.ticket.requester_id).toBe(ann.id)
    const fresh = await create({ comment: { body: 'x' }, requester: { name: 'Pablo', email: 'pablito@example.org' } })
    const pablo = ctx.sim.state().users.find((u) => u.email === 'pablito@example.org')
    expect(pablo).toMatchObject({ name: 'Pablo', role: 'end-user' })
    expect(fresh.body.ticket.requester_id).toBe(pablo?.id)
  })

  it('finds tickets by external_id (not unique, oldest first, cursor pages)', async () => {
    const first = await create({ comment: { body: 'a' }, external_id: 'dup' })
    const second = await create({ comment: { body: 'b' }, external_id: 'dup' })
    await create({ comment: { body: 'c' }, external_id: 'other' })
    const found = await ctx.api('GET', 'tickets.json?external_id=dup')
    expect(found.body.tickets.map((t: { id: number }) => t.id)).toEqual([first.body.ticket.id, second.body.ticket.id])
    const paged = await ctx.api('GET', 'tickets.json?external_id=dup&page[size]=1')
    expect(paged.body.tickets).toHaveLength(1)
    expect(paged.body.meta.has_more).toBe(true)
    expect(paged.body.links.next).toContain('external_id=dup')
    expect((await ctx.api('GET', 'tickets.json?external_id=none')).body.tickets).toEqual([])
  })

  it('updates fields, appends comments, replaces tags; 404 for unknown tickets', async () => {
    const { body } = await create({ comment: { body: 'first', public: false }, tags: ['a'] })
    const id = body.ticket.id
    const res = await ctx.api('PUT', `tickets/${id}.json`, {
      ticket: { status: 'solved', tags: ['b'], custom_fields: [{ id: 1, value: 'x' }], comment: { body: 'second' } }
    })
    expect(res.status).toBe(200)
    expect(res.body.ticket).toMatchObject({ status: 'solved', tags: ['b'], custom_fields: [{ id: 1, value: 'x' }] })
    expect(res.body.audit.events.map((e: { type: string }) => e.type)).toEqual([
      'Comment',
      'Change',
      'Change',
      'Change'
    ])

    const comments = await ctx.api('GET', `tickets/${id}/comments.json`)
    expect(comments.body.comments.map((c: { body: string; public: boolean }) => [c.body, c.public])).toEqual([
      ['first', false],
      ['second', false]
    ])
    expect((await ctx.api('PUT', 'tickets/12345.json', { ticket: { status: 'open' } })).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found'
    })
    expect((await ctx.api('GET', 'tickets/12345.json')).status).toBe(404)
  })

  it('answers 409 DatabaseConflict to a safe update with a stale stamp', async () => {
    const { body } = await create({ comment: { body: 'x' } })
    const url = `tickets/${body.ticket.id}.json`
    const stale = await ctx.api('PUT', url, {
      ticket: { status: 'open', safe_update: true, updated_stamp: '2001-01-01T00:00:00Z' }
    })
    expect(stale.status).toBe(409)
    expect(stale.body).toEqual({ error: 'DatabaseConflict', description: 'Database collision' })
    expect(ctx.sim.state().tickets[0].status).toBe('new')

    const fresh = await ctx.api('PUT', url, {
      ticket: { status: 'open', safe_update: true, updated_stamp: body.ticket.updated_at }
    })
    expect(fresh.status).toBe(200)
  })

  describe('Idempotency-Key on ticket create', () => {
    const createWithKey = (ticket: Record<string, unknown>, key: string) =>
      ctx.api('POST', 'tickets.json', { ticket }, { Authorization: BASIC_AUTH, 'Idempotency-Key': key })
    const ticket = { subject: 'Order 1234 failed', comment: { body: 'Payment declined' }, external_id: 'order-1234' }

    it('the first create of a key is a miss; a repeat replays the first answer as a hit and creates nothing', async () => {
      const first = await createWithKey(ticket, 'key-1')
      const again = await createWithKey(ticket, 'key-1')
      expect(first.status).toBe(201)
      expect(first.headers.get('x-idempotency-lookup')).toBe('miss')
      expect(again.status).toBe(201)
      expect(again.headers.get('x-idempotency-lookup')).toBe('hit')
      expect(again.body).toEqual(first.body)
      expect(ctx.sim.state().tickets).toHaveLength(1)
      expect(ctx.sim.requests.map((r) => r.idempotencyLookup)).toEqual(['miss', 'hit'])
    })

    it('a repeated key with another body is refused (assumed answer, see ASSUMPTIONS.md)', async () => {
      await createWithKey(ticket, 'key-2')
      const refused = await createWithKey({ ...ticket, subject: 'Changed' }, 'key-2')
      expect(refused.status).toBe(400)
      expect(refused.body).toEqual({
        error: 'IdempotentRequestMismatch',
        description: 'The Idempotency-Key was already used with a different request body'
      })
      expect(ctx.sim.state().tickets).toHaveLength(1)
    })

    it('a refused create (422) keeps no key: corrected, the same key creates the ticket', async () => {
      const refused = await createWithKey({ ...ticket, priority: 'soon' }, 'key-3')
      expect(refused.status).toBe(422)
      expect((await createWithKey(ticket, 'key-3')).headers.get('x-idempotency-lookup')).toBe('miss')
      expect(ctx.sim.state().tickets).toHaveLength(1)
    })

    it('without a key every create makes a ticket', async () => {
      await create(ticket)
      const second = await create(ticket)
      expect(second.headers.get('x-idempotency-lookup')).toBeNull()
      expect(ctx.sim.state().tickets).toHaveLength(2)
    })
  })
})
