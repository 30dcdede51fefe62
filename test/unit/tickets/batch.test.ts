import nock from 'nock'
import { until } from '../../helpers/test-clock'
import {
  bodiesOf,
  jobStatus,
  runBatch,
  sent,
  ticketCreated,
  ticketPage,
  ticketsWithExternalId,
  ticketUpdated,
  useNockZendesk,
  zendesk
} from './helpers'

useNockZendesk()

type Body = Record<string, any>
type ResultFor = (item: Body, index: number) => Body

/**
 * Answers every `method path` bulk call with a queued job that completes on its first poll,
 * with `resultFor` per submitted item; returns the submitted item lists.
 */
function acceptBulk(method: 'post' | 'put', path: string, key: string, resultFor: ResultFor): Body[][] {
  const calls: Body[][] = []
  const scope = zendesk().persist()
  scope[method](path).reply((_uri, body: any) => {
    calls.push(body[key])
    return [200, jobStatus(`V3-${key}${calls.length}`, 'queued')]
  })
  zendesk()
    .persist()
    .get(new RegExp(`/api/v2/job_statuses/V3-${key}\\d+$`))
    .reply((uri) => {
      const items = calls[Number(uri.replace(/.*\D/, '')) - 1]
      return [200, jobStatus(uri.replace(/.*\//, ''), 'completed', items.map(resultFor))]
    })
  return calls
}

const updated: ResultFor = (ticket, index) => ({
  index,
  id: ticket.id,
  action: 'update',
  status: 'Updated',
  success: true
})

/** No ticket has any of the looked-up external_ids. */
const noDuplicates = () => zendesk().persist().get('/api/v2/tickets').query(true).reply(200, ticketPage([]))

/**
 * Answers every `POST tickets` with 201 and an id per external_id (900, 901, ... in the order first seen);
 * returns the Idempotency-Key each create carried, by external_id.
 */
function acceptCreates(): Map<string, string> {
  const keys = new Map<string, string>()
  const ids = new Map<string, number>()
  zendesk()
    .persist()
    .post('/api/v2/tickets')
    .reply(function (_uri, body: any) {
      const externalId = body.ticket.external_id
      keys.set(externalId, String(this.req.headers['idempotency-key']))
      if (!ids.has(externalId)) ids.set(externalId, 900 + ids.size)
      return [201, { ticket: { id: ids.get(externalId), external_id: externalId } }, { 'x-idempotency-lookup': 'miss' }]
    })
  return keys
}

describe('Create Ticket batches', () => {
  it('checks each distinct external_id, creates each new one with its own POST tickets and Idempotency-Key, and reports each event', async () => {
    ticketsWithExternalId('m-new')
    ticketsWithExternalId('m-old', [{ id: 50, external_id: 'm-old', created_at: '2024-05-01T10:00:00Z' }])
    ticketsWithExternalId('m-other')
    ticketsWithExternalId('m-third')
    const keys = acceptCreates()
    const results = await runBatch('createTicket', [
      ticketCreated('m-new'),
      ticketCreated('m-old'),
      ticketCreated('m-new', { subject: 'A repeat' }),
      ticketCreated('m-other', { priority: 'high' }),
      ticketCreated('m-third')
    ])
    expect(sent.filter((r) => r.path.includes('create_many'))).toEqual([])
    expect(bodiesOf('POST', '/api/v2/tickets').map((b) => b.ticket.external_id)).toEqual([
      'm-new',
      'm-other',
      'm-third'
    ])
    expect([...keys.values()].every((key) => /^actions-zendesk-ticket-[0-9a-f]{64}$/.test(key))).toBe(true)
    expect(new Set(keys.values()).size).toBe(3)
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(results.map((r) => r.body)).toEqual([
      { id: 900, external_id: 'm-new', created: true },
      {
        id: 50,
        external_id: 'm-old',
        created: false,
        message: 'Ticket 50 already has external_id "m-old", so no new ticket was created.'
      },
      {
        id: 900,
        external_id: 'm-new',
        created: false,
        message:
          'An earlier event of this batch with external_id "m-new" created ticket 900, so no second ticket was created.'
      },
      { id: 901, external_id: 'm-other', created: true },
      { id: 902, external_id: 'm-third', created: true }
    ])
  })

  it('the Idempotency-Key is the same for the same external_id on every delivery, and differs between external_ids', async () => {
    noDuplicates()
    const keys = acceptCreates()
    await runBatch('createTicket', [ticketCreated('m-1'), ticketCreated('m-2')])
    const first = new Map(keys)
    keys.clear()
    await runBatch('createTicket', [ticketCreated('m-1', { subject: 'Redelivered' })])
    expect(keys.get('m-1')).toBe(first.get('m-1'))
    expect(first.get('m-1')).not.toBe(first.get('m-2'))
  })

  it('a create Zendesk answers from an earlier request with the same key (hit) is created: false', async () => {
    noDuplicates()
    zendesk()
      .post('/api/v2/tickets')
      .reply(201, { ticket: { id: 701 } }, { 'x-idempotency-lookup': 'hit' })
    const results = await runBatch('createTicket', [ticketCreated('m-1')])
    expect(results[0].body).toEqual({
      id: 701,
      external_id: 'm-1',
      created: false,
      message:
        'Ticket 701 was already created for external_id "m-1" (by another delivery of this event), so no second ticket was created.'
    })
  })

  it('a refused create is checked by external_id: a ticket found is the result (created: false), none found keeps the refusal', async () => {
    zendesk().get('/api/v2/tickets').query({ external_id: 'm-reused', 'page[size]': '100' }).reply(200, ticketPage([]))
    zendesk()
      .get('/api/v2/tickets')
      .query({ external_id: 'm-reused', 'page[size]': '100' })
      .reply(200, ticketPage([{ id: 77, external_id: 'm-reused' }]))
    ticketsWithExternalId('m-bad')
    ticketsWithExternalId('m-bad')
    zendesk()
      .persist()
      .post('/api/v2/tickets')
      .reply(400, { error: 'IdempotentRequestMismatch', description: 'The key was used with another body' })
    const results = await runBatch('createTicket', [ticketCreated('m-reused'), ticketCreated('m-bad')])
    expect(results.map((r) => r.status)).toEqual([200, 400])
    expect(results[0].body).toMatchObject({ id: 77, external_id: 'm-reused', created: false })
    expect(sent.map((r) => `${r.method} ${r.path.split('?')[0]}`).filter((r) => r.startsWith('GET'))).toHaveLength(4)
  })

  it('never uses create_many: 101 new tickets are 101 POST tickets', async () => {
    noDuplicates()
    acceptCreates()
    const events = Array.from({ length: 101 }, (_, i) => ticketCreated(`m-${i}`))
    const results = await runBatch('createTicket', events)
    expect(bodiesOf('POST', '/api/v2/tickets')).toHaveLength(101)
    expect(sent.filter((r) => r.path.includes('create_many'))).toEqual([])
    expect(results.filter((r) => r.status === 200)).toHaveLength(101)
  })

  it('looks up at most 5 external_ids at once', async () => {
    /** The lookups Zendesk has not answered yet, each answered by calling it. */
    const unanswered: (() => void)[] = []
    let most = 0
    zendesk()
      .persist()
      .get('/api/v2/tickets')
      .query(true)
      .reply((_uri, _body, answer) => {
        unanswered.push(() => answer(null, [200, ticketPage([])]))
        most = Math.max(most, unanswered.length)
      })
    acceptCreates()
    const results = runBatch(
      'createTicket',
      Array.from({ length: 12 }, (_, i) => ticketCreated(`m-${i}`))
    )
    // Each lookup is answered once as many are in flight as may be.
    for (let answered = 0; answered < 12; answered++) {
      await until(() => unanswered.length === Math.min(5, 12 - answered))
      unanswered.shift()!()
    }
    await results
    expect(most).toBe(5)
  })

  it('a ticket Zendesk refuses (422) fails only its events (with the repeats), naming the ticket', async () => {
    noDuplicates()
    zendesk()
      .persist()
      .post('/api/v2/tickets')
      .reply((_uri, body: any) =>
        body.ticket.external_id === 'm-bad'
          ? [
              422,
              {
                error: 'RecordInvalid',
                description: 'Record validation errors',
                details: { requester: [{ description: 'Requester: Email is invalid' }] }
              }
            ]
          : [201, { ticket: { id: 901 } }]
      )
    const results = await runBatch('createTicket', [
      ticketCreated('m-ok'),
      ticketCreated('m-bad'),
      ticketCreated('m-bad'),
      ticketCreated('m-ok-too')
    ])
    expect(results.map((r) => r.status)).toEqual([200, 400, 400, 200])
    expect(results[1].errormessage).toContain('ticket with external_id "m-bad"')
    expect(results[1].errormessage).toContain('Requester: Email is invalid')
  })

  it('a failed duplicate check fails only the events of that external_id', async () => {
    zendesk()
      .get('/api/v2/tickets')
      .query({ external_id: 'm-a', 'page[size]': '100' })
      .reply(503, 'Maintenance', { 'Retry-After': '10' })
    ticketsWithExternalId('m-b')
    zendesk()
      .post('/api/v2/tickets')
      .reply(201, { ticket: { id: 801 } })
    const results = await runBatch('createTicket', [ticketCreated('m-a'), ticketCreated('m-b')])
    expect(results.map((r) => r.status)).toEqual([503, 200])
    expect(bodiesOf('POST', '/api/v2/tickets').map((b) => b.ticket.external_id)).toEqual(['m-b'])
  })

  it('a create answered 429 fails that ticket, and is retryable', async () => {
    noDuplicates()
    zendesk().post('/api/v2/tickets').reply(429, 'Rate limited', { 'Retry-After': '5' })
    zendesk()
      .post('/api/v2/tickets')
      .reply(201, { ticket: { id: 802 } })
    const results = await runBatch('createTicket', [ticketCreated('m-1'), ticketCreated('m-2')])
    expect(results.map((r) => r.status).sort()).toEqual([200, 429])
    expect(results.find((r) => r.status === 429).errormessage).toContain('Retry after 5 s')
  })

  it('requesters found by userId are looked up together, once per distinct userId', async () => {
    noDuplicates()
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'u1' })
      .reply(200, { users: [{ id: 77, external_id: 'u1', active: true }] })
    acceptCreates()
    await runBatch(
      'createTicket',
      ['m-1', 'm-2', 'm-3'].map((id) => ticketCreated(id, {}, { context: {} }))
    )
    expect(bodiesOf('POST', '/api/v2/tickets').map((b) => b.ticket.requester_id)).toEqual([77, 77, 77])
    expect(sent.filter((r) => r.path.startsWith('/api/v2/users'))).toHaveLength(1)
  })

  it('a requester userId with no Zendesk user fails its events as retryable while young; the others are created', async () => {
    noDuplicates()
    zendesk().get('/api/v2/users/show_many').query({ external_ids: 'ghost' }).reply(200, { users: [] })
    zendesk()
      .post('/api/v2/tickets')
      .reply(201, { ticket: { id: 802 } })
    const results = await runBatch('createTicket', [
      ticketCreated('m-1', {}, { userId: 'ghost', context: {}, receivedAt: new Date().toISOString() }),
      ticketCreated('m-2')
    ])
    expect(results.map((r) => r.status)).toEqual([500, 200])
    expect(results[0].errormessage).toContain('Zendesk has no user with external_id "ghost" yet')
    expect(bodiesOf('POST', '/api/v2/tickets')).toHaveLength(1)
  })
})

describe('Update Ticket batches', () => {
  it('looks each external_id up once and sends one update_many with per-ticket changes', async () => {
    ticketsWithExternalId('order-1', [{ id: 21, external_id: 'order-1', created_at: '2024-05-01T10:00:00Z' }])
    const calls = acceptBulk('put', '/api/v2/tickets/update_many', 'tickets', updated)
    const results = await runBatch('updateTicket', [
      ticketUpdated({ ticket_id: 5, status: 'solved', comment: 'Closed by CRM', public: false }),
      ticketUpdated({ external_id: 'order-1', priority: 'high' }),
      ticketUpdated({ external_id: 'order-1', tags: ['vip'] })
    ])
    expect(calls).toEqual([
      [
        { id: 5, status: 'solved', comment: { body: 'Closed by CRM', public: false } },
        { id: 21, priority: 'high' },
        { id: 21, tags: ['vip'] }
      ]
    ])
    expect(results.map((r) => r.body)).toEqual([
      { id: 5, updated: true },
      { id: 21, updated: true },
      { id: 21, updated: true }
    ])
    expect(sent.filter((r) => r.path.startsWith('/api/v2/tickets?'))).toHaveLength(1)
  })

  it('an unknown external_id is a 404 for its event; several tickets for one are reported', async () => {
    ticketsWithExternalId('nope')
    ticketsWithExternalId('twice', [
      { id: 60, external_id: 'twice', created_at: '2024-05-01T10:00:00Z' },
      { id: 61, external_id: 'twice', created_at: '2024-05-02T10:00:00Z' }
    ])
    zendesk()
      .put('/api/v2/tickets/61')
      .reply(200, { ticket: { id: 61 } })
    const results = await runBatch('updateTicket', [
      ticketUpdated({ external_id: 'nope', status: 'open' }),
      ticketUpdated({ external_id: 'twice', status: 'open' })
    ])
    expect(results.map((r) => r.status)).toEqual([404, 200])
    expect(bodiesOf('PUT', '/api/v2/tickets/61')).toEqual([{ ticket: { status: 'open' } }])
    expect(results[0].errormessage).toContain('Zendesk has no ticket with external_id "nope"')
    expect(results[1].body).toEqual({
      id: 61,
      updated: true,
      message: '2 tickets have external_id "twice"; the newest (61) was used.'
    })
  })

  it('a job item for a ticket that does not exist is a 404 naming the ticket', async () => {
    acceptBulk('put', '/api/v2/tickets/update_many', 'tickets', (ticket, index) =>
      ticket.id === 99
        ? { index, id: 99, action: 'update', success: false, error: 'RecordNotFound', details: 'Ticket 99 not found' }
        : updated(ticket, index)
    )
    const results = await runBatch('updateTicket', [
      ticketUpdated({ ticket_id: 99, status: 'open' }),
      ticketUpdated({ ticket_id: 7, status: 'open' }),
      ticketUpdated({ ticket_id: 8, status: 'open' })
    ])
    expect(results.map((r) => r.status)).toEqual([404, 200, 200])
    expect(results[0].errormessage).toContain('ticket 99: Zendesk rejected the item: RecordNotFound')
  })

  it('a 409 on update_many is retryable (reported as 503) for every event of that request', async () => {
    zendesk()
      .put('/api/v2/tickets/update_many')
      .reply(409, { error: 'DatabaseConflict', description: 'Database collision' })
    const results = await runBatch('updateTicket', [
      ticketUpdated({ ticket_id: 1, status: 'open' }),
      ticketUpdated({ ticket_id: 2, status: 'open' }),
      ticketUpdated({ ticket_id: 3, status: 'open' })
    ])
    expect(results.map((r) => r.status)).toEqual([503, 503, 503])
    expect(results[0].errormessage).toContain('conflict (409) on bulk update of 3 tickets: Database collision')
  })

  it('one or two updates go as one PUT tickets/{id} each, not as a job', async () => {
    zendesk()
      .put('/api/v2/tickets/5')
      .reply(200, { ticket: { id: 5 } })
    zendesk()
      .put('/api/v2/tickets/6')
      .reply(200, { ticket: { id: 6 } })
    const results = await runBatch('updateTicket', [
      ticketUpdated({ ticket_id: 5, status: 'solved' }),
      ticketUpdated({ ticket_id: 6, priority: 'low' })
    ])
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/v2/tickets/5', 'PUT /api/v2/tickets/6'])
    expect(sent.map((r) => r.body)).toEqual([{ ticket: { status: 'solved' } }, { ticket: { priority: 'low' } }])
    expect(results.map((r) => r.body)).toEqual([
      { id: 5, updated: true },
      { id: 6, updated: true }
    ])
  })

  it('a smaller batch_size splits the bulk requests', async () => {
    const calls = acceptBulk('put', '/api/v2/tickets/update_many', 'tickets', updated)
    await runBatch(
      'updateTicket',
      [1, 2, 3].map((id) => ticketUpdated({ ticket_id: id, status: 'open' })),
      { batch_size: 2 }
    )
    expect(calls.map((tickets) => tickets.map((t) => t.id))).toEqual([[1, 2], [3]])
    expect(bodiesOf('PUT', '/api/v2/tickets/update_many')).toHaveLength(2)
  })
})

afterAll(() => nock.cleanAll())
