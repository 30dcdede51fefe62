import {
  APIError,
  PayloadValidationError,
  RetryableError,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import {
  anotherWriter,
  presetSubscriptions,
  resetDestinationState,
  startHarness,
  type SimulatorHarness
} from '../helpers/harness'

let harness: SimulatorHarness

beforeAll(async () => {
  harness = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => harness.close())
beforeEach(() => {
  harness.simulator.reset()
  resetDestinationState()
})

const ticketCreated = (
  messageId: string,
  properties: JSONObject = {},
  extra: Partial<SegmentEvent> = {}
): Partial<SegmentEvent> => ({
  type: 'track',
  event: 'Ticket Created',
  userId: 'u1',
  messageId,
  context: { traits: { email: 'ada@example.com', name: 'Ada Lovelace' } },
  properties: { subject: 'Order 1234 failed', comment: 'Payment declined', ...properties },
  ...extra
})

const ticketUpdated = (properties: JSONObject): Partial<SegmentEvent> => ({
  type: 'track',
  event: 'Ticket Updated',
  userId: 'u1',
  messageId: `update-${JSON.stringify(properties)}`,
  properties
})

const onlyPreset = (actionKey: string) => presetSubscriptions.filter((s) => s.partnerAction === actionKey)
const dataOf = (results: any[]) => results.find((r) => r.output === 'Action Executed')?.data
const tickets = () => harness.simulator.state().tickets
const requestsTo = (method: string, path: string) =>
  harness.simulator.requests.filter((r) => r.method === method && r.path.replace(/\.json$/, '') === path)

async function batch(actionKey: string, events: Partial<SegmentEvent>[]): Promise<any[]> {
  const results = await harness.sendBatch(events, onlyPreset(actionKey))
  return results[0].multistatus
}

async function failure(promise: Promise<unknown>): Promise<any> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!error) throw new Error('the event was expected to fail')
  return error
}

describe('Create Ticket through the preset', () => {
  it('creates a ticket with the requester from context.traits and the messageId as external_id', async () => {
    const data = dataOf(
      await harness.send(
        ticketCreated('msg-1', { priority: 'High', type: 'incident', tags: ['cdp', 'order_failed'], public: false })
      )
    )
    const [ticket] = tickets()
    expect(data).toEqual({ id: ticket.id, external_id: 'msg-1', created: true })
    expect(ticket).toMatchObject({
      subject: 'Order 1234 failed',
      description: 'Payment declined',
      priority: 'high',
      type: 'incident',
      tags: ['cdp', 'order_failed'],
      external_id: 'msg-1',
      is_public: false
    })
    const requester = harness.simulator.state().users.find((u) => u.id === ticket.requester_id)
    expect(requester).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' })
  })

  it('a retried delivery (same messageId) creates one ticket and says it already existed', async () => {
    const first = dataOf(await harness.send(ticketCreated('msg-retry')))
    const second = dataOf(await harness.send(ticketCreated('msg-retry')))
    expect(tickets()).toHaveLength(1)
    expect(second).toMatchObject({ id: first.id, external_id: 'msg-retry', created: false })
    expect(second.message).toContain('already has external_id "msg-retry"')
    expect(requestsTo('POST', '/api/v2/tickets')).toHaveLength(1)
    expect(requestsTo('GET', '/api/v2/tickets').map((r) => r.query.external_id)).toEqual(['msg-retry', 'msg-retry'])
  })

  it('properties.external_id is used instead of messageId, so two events about one order make one ticket', async () => {
    await harness.send(ticketCreated('msg-a', { external_id: 'order-1234' }))
    await harness.send(ticketCreated('msg-b', { external_id: 'order-1234' }))
    expect(tickets().map((t) => t.external_id)).toEqual(['order-1234'])
  })

  it('sends an HTML comment as html_body and custom fields as [{id, value}]', async () => {
    const field = harness.simulator.seed.ticketField({ title: 'Order', type: 'text' })
    await harness.send(
      ticketCreated('msg-html', { comment: '<p>Payment <b>declined</b></p>', custom_fields: { [field.id]: '1234' } }),
      [{ ...onlyPreset('createTicket')[0], mapping: { ...onlyPreset('createTicket')[0].mapping, html: true } }]
    )
    const [ticket] = tickets()
    expect(ticket.comments[0].html_body).toBe('<p>Payment <b>declined</b></p>')
    expect(ticket.custom_fields).toEqual([{ id: field.id, value: '1234' }])
  })

  it('without an email the requester is the Zendesk user whose external_id is the userId', async () => {
    const user = harness.simulator.seed.user({ name: 'Grace', email: 'grace@example.com', external_id: 'u1' })
    await harness.send(ticketCreated('msg-u1', {}, { context: {} }))
    expect(tickets()[0].requester_id).toBe(user.id)
  })

  it('a requester deleted and made again under a new id since its id was cached: the ticket goes to the current one', async () => {
    const old = harness.simulator.seed.user({ name: 'Grace', email: 'grace@example.com', external_id: 'u1' })
    await harness.send(ticketCreated('msg-first', {}, { context: {} }))
    // Elsewhere, Grace is deleted and made again with the same external_id.
    await anotherWriter(harness.simulator, 'DELETE', `users/${old.id}`)
    const current = harness.simulator.seed.user({ name: 'Grace', email: 'grace.new@example.com', external_id: 'u1' })
    harness.simulator.requests.length = 0
    const results = await harness.send(ticketCreated('msg-second', {}, { context: {} }))
    expect(dataOf(results)).toMatchObject({ external_id: 'msg-second', created: true })
    expect(tickets().map((t) => t.requester_id)).toEqual([old.id, current.id])
    expect(harness.simulator.requests.map((r) => `${r.method} ${r.path.replace(/\.json$/, '')} ${r.status}`)).toEqual([
      'GET /api/v2/tickets 200',
      'POST /api/v2/tickets 422',
      'GET /api/v2/users/show_many 200',
      'POST /api/v2/tickets 201'
    ])
  })

  it('context.zendesk_user_id is the requester, without any user lookup', async () => {
    const user = harness.simulator.seed.user({ name: 'Grace', email: 'grace@example.com' })
    await harness.send(ticketCreated('msg-zid', {}, { context: { zendesk_user_id: String(user.id) } }))
    expect(tickets()[0].requester_id).toBe(user.id)
    expect(requestsTo('GET', '/api/v2/users/search')).toHaveLength(0)
  })

  it('a userId that no Zendesk user has yet is retryable and creates nothing', async () => {
    const error = await failure(harness.send(ticketCreated('msg-nobody', {}, { context: {} })))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('external_id "u1"')
    expect(tickets()).toHaveLength(0)
  })

  it('an invalid priority is a 400 listing the allowed values, and nothing is sent', async () => {
    const error = await failure(harness.send(ticketCreated('msg-bad', { priority: 'asap' })))
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('urgent, high, normal, low')
    expect(harness.simulator.requests).toHaveLength(0)
  })
})

describe('Update Ticket through the preset', () => {
  it('updates by ticket_id: status, priority, subject, tags, and adds a private comment', async () => {
    const seeded = harness.simulator.seed.ticket({ subject: 'Old', description: 'First', tags: ['old'] })
    const data = dataOf(
      await harness.send(
        ticketUpdated({
          ticket_id: seeded.id,
          status: 'Solved',
          priority: 'low',
          subject: 'New',
          tags: ['vip'],
          comment: 'Refund issued',
          public: false
        })
      )
    )
    expect(data).toEqual({ id: seeded.id, updated: true })
    const [ticket] = tickets()
    expect(ticket).toMatchObject({ status: 'solved', priority: 'low', subject: 'New', tags: ['vip'] })
    expect(ticket.comments.map((c) => [c.body, c.public])).toEqual([
      ['First', true],
      ['Refund issued', false]
    ])
    expect(requestsTo('PUT', `/api/v2/tickets/${seeded.id}`)[0].body).toEqual({
      ticket: {
        status: 'solved',
        priority: 'low',
        subject: 'New',
        tags: ['vip'],
        comment: { body: 'Refund issued', public: false }
      }
    })
  })

  it('updates by external_id, and a ticket created by Create Ticket can be updated that way', async () => {
    await harness.send(ticketCreated('msg-x', { external_id: 'order-77' }))
    await harness.send(ticketUpdated({ external_id: 'order-77', status: 'pending' }))
    expect(tickets()[0]).toMatchObject({ external_id: 'order-77', status: 'pending' })
  })

  it('with several tickets for one external_id, the newest is updated and the result says so', async () => {
    const older = harness.simulator.seed.ticket({ external_id: 'shared', created_at: '2024-01-01T00:00:00Z' })
    const newer = harness.simulator.seed.ticket({ external_id: 'shared', created_at: '2024-02-01T00:00:00Z' })
    const data = dataOf(await harness.send(ticketUpdated({ external_id: 'shared', status: 'open' })))
    expect(data.id).toBe(newer.id)
    expect(data.message).toContain('2 tickets have external_id "shared"')
    const byId = new Map(tickets().map((t) => [t.id, t]))
    expect(byId.get(newer.id)?.status).toBe('open')
    expect(byId.get(older.id)?.status).toBe('new')
  })

  it('an unknown ticket_id is a non-retryable 404 naming the ticket', async () => {
    const error = await failure(harness.send(ticketUpdated({ ticket_id: 999999, status: 'open' })))
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.status).toBe(404)
    expect(error.message).toContain('ticket 999999')
  })

  it('an external_id no ticket has is a non-retryable 404, and nothing is written', async () => {
    const error = await failure(harness.send(ticketUpdated({ external_id: 'missing', status: 'open' })))
    expect(error).toBeInstanceOf(APIError)
    expect(error.status).toBe(404)
    expect(error.message).toContain('ticket with external_id "missing"')
    expect(harness.simulator.requests.filter((r) => r.method !== 'GET')).toHaveLength(0)
  })
})

describe('batches', () => {
  it('create: one POST tickets per new ticket; an existing external_id and a repeat within the batch create nothing more', async () => {
    await harness.send(ticketCreated('msg-old'))
    const results = await batch('createTicket', [
      ticketCreated('msg-b1'),
      ticketCreated('msg-old'),
      ticketCreated('msg-b2', { priority: 'urgent' }),
      ticketCreated('msg-b1'),
      ticketCreated('msg-bad', { comment: '' }),
      ticketCreated('msg-b3')
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 400, 200])
    expect(results.map((r) => r.body?.created)).toEqual([true, false, true, false, undefined, true])
    expect(results[3].body.id).toBe(results[0].body.id)
    expect(results[4].errormessage).toContain('comment')
    expect(
      tickets()
        .map((t) => t.external_id)
        .sort()
    ).toEqual(['msg-b1', 'msg-b2', 'msg-b3', 'msg-old'])
    const creates = requestsTo('POST', '/api/v2/tickets').filter(
      (r) => (r.body as any).ticket.external_id !== 'msg-old'
    )
    expect(creates.map((r) => (r.body as any).ticket.external_id).sort()).toEqual(['msg-b1', 'msg-b2', 'msg-b3'])
    expect(creates.map((r) => r.idempotencyLookup)).toEqual(['miss', 'miss', 'miss'])
    expect(requestsTo('POST', '/api/v2/tickets/create_many')).toHaveLength(0)
  })

  it('create: requesters found by userId are looked up together, one show_many for the whole batch', async () => {
    const users = Array.from({ length: 40 }, (_, i) =>
      harness.simulator.seed.user({ name: `Requester ${i}`, external_id: `requester-${i}` })
    )
    const events = Array.from({ length: 100 }, (_, i) =>
      ticketCreated(`msg-req-${i}`, {}, { userId: `requester-${i % 40}`, context: {} })
    )
    const results = await batch('createTicket', events)
    expect(results.every((r) => r.status === 200)).toBe(true)
    const requesterOf = new Map(tickets().map((t) => [t.external_id, t.requester_id]))
    expect(events.map((e) => requesterOf.get(e.messageId ?? null))).toEqual(events.map((_, i) => users[i % 40].id))
    expect(requestsTo('GET', '/api/v2/users/show_many')).toHaveLength(1)
    expect(requestsTo('GET', '/api/v2/users/search')).toHaveLength(0)
  })

  it('create: a retried batch creates no duplicates', async () => {
    const events = [ticketCreated('msg-r1'), ticketCreated('msg-r2')]
    await batch('createTicket', events)
    const retried = await batch('createTicket', events)
    expect(retried.map((r) => r.body.created)).toEqual([false, false])
    expect(tickets()).toHaveLength(2)
  })

  it('update: one update_many with per-ticket changes; an unknown external_id fails only its event', async () => {
    const byId = harness.simulator.seed.ticket({ description: 'A' })
    harness.simulator.seed.ticket({ description: 'B', external_id: 'order-9' })
    const third = harness.simulator.seed.ticket({ description: 'C' })
    const results = await batch('updateTicket', [
      ticketUpdated({ ticket_id: byId.id, status: 'open', comment: 'On it' }),
      ticketUpdated({ external_id: 'order-9', priority: 'high' }),
      ticketUpdated({ external_id: 'nope', priority: 'high' }),
      ticketUpdated({ ticket_id: byId.id, type: 'asap' }),
      ticketUpdated({ ticket_id: third.id, subject: 'Third' })
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200, 404, 400, 200])
    expect(results[3].errormessage).toContain('problem, incident, question, task')
    const [updateMany] = requestsTo('PUT', '/api/v2/tickets/update_many')
    expect((updateMany.body as any).tickets).toEqual([
      { id: byId.id, status: 'open', comment: { body: 'On it' } },
      { id: expect.any(Number), priority: 'high' },
      { id: third.id, subject: 'Third' }
    ])
    const state = tickets()
    expect(state.find((t) => t.id === byId.id)).toMatchObject({ status: 'open' })
    expect(state.find((t) => t.external_id === 'order-9')).toMatchObject({ priority: 'high' })
  })

  it('update: an unknown ticket_id fails only its event, with a 404', async () => {
    const known = harness.simulator.seed.ticket({ description: 'A' })
    const results = await batch('updateTicket', [
      ticketUpdated({ ticket_id: 999999, status: 'open' }),
      ticketUpdated({ ticket_id: known.id, status: 'open' })
    ])
    expect(results.map((r) => r.status)).toEqual([404, 200])
    expect(results[0].errormessage).toContain('ticket 999999')
  })
})
