import {
  bodiesOf,
  run,
  sent,
  ticketCreated,
  ticketPage,
  ticketsWithExternalId,
  useNockZendesk,
  zendesk
} from './helpers'

useNockZendesk()

/** Answers POST /tickets with a ticket of this id. */
const acceptCreate = (id = 501) =>
  zendesk()
    .post('/api/v2/tickets')
    .reply(201, (_uri, body: any) => ({ ticket: { id, ...body.ticket }, audit: { events: [] } }), {
      Location: `https://acme.zendesk.com/api/v2/tickets/${id}.json`
    })

const created = () => bodiesOf('POST', '/api/v2/tickets')[0].ticket

describe('Create Ticket: what is sent', () => {
  it('maps every property default into the ticket, after checking for a duplicate', async () => {
    ticketsWithExternalId('order-1')
    acceptCreate()
    const data = await run(
      'createTicket',
      ticketCreated('msg-1', {
        priority: 'High',
        status: 'OPEN',
        type: 'incident',
        tags: ['cdp', 'order_failed'],
        public: false,
        external_id: 'order-1',
        custom_fields: { '27642': '745', '27643': true },
        group_id: '5',
        assignee_email: 'agent@example.com',
        brand_id: 7
      })
    )
    expect(data).toEqual({ id: 501, external_id: 'order-1', created: true })
    expect(sent.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /api/v2/tickets',
      'POST /api/v2/tickets'
    ])
    expect(created()).toEqual({
      subject: 'Order 1234 failed',
      comment: { body: 'Payment declined', public: false },
      priority: 'high',
      status: 'open',
      type: 'incident',
      tags: ['cdp', 'order_failed'],
      custom_fields: [
        { id: 27642, value: '745' },
        { id: 27643, value: true }
      ],
      external_id: 'order-1',
      group_id: 5,
      assignee_email: 'agent@example.com',
      brand_id: 7,
      requester: { email: 'ada@example.com', name: 'Ada Lovelace' }
    })
  })

  it("external_id defaults to the event's messageId", async () => {
    ticketsWithExternalId('msg-default')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-default'))
    expect(created().external_id).toBe('msg-default')
  })

  it('the comment falls back to properties.description; public is left to Zendesk when unmapped', async () => {
    ticketsWithExternalId('msg-desc')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-desc', { comment: undefined, description: 'From description' }))
    expect(created().comment).toEqual({ body: 'From description' })
  })

  it('with html on, the comment is sent as html_body', async () => {
    ticketsWithExternalId('msg-html')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-html', { comment: '<p>Hi <b>there</b></p>' }), { html: true })
    expect(created().comment).toEqual({ html_body: '<p>Hi <b>there</b></p>' })
  })

  it('blank and unmapped optional fields are not sent, and blank tags are dropped', async () => {
    ticketsWithExternalId('msg-min')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-min', { subject: '  ', priority: '', tags: [' ', ''] }))
    expect(created()).toEqual({
      comment: { body: 'Payment declined' },
      tags: [],
      external_id: 'msg-min',
      requester: { email: 'ada@example.com', name: 'Ada Lovelace' }
    })
  })
})

describe('Create Ticket: the requester', () => {
  it('context.zendesk_user_id wins over an email and is sent as requester_id', async () => {
    ticketsWithExternalId('msg-zid')
    acceptCreate()
    await run(
      'createTicket',
      ticketCreated('msg-zid', {}, { context: { zendesk_user_id: '9873843', traits: { email: 'x@example.com' } } })
    )
    expect(created().requester_id).toBe(9873843)
    expect(created().requester).toBeUndefined()
  })

  it('properties.requester_email and requester_name win over context.traits', async () => {
    ticketsWithExternalId('msg-req')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-req', { requester_email: 'bob@example.com', requester_name: 'Bob' }))
    expect(created().requester).toEqual({ email: 'bob@example.com', name: 'Bob' })
  })

  it('top-level traits.email is used when context.traits has none; the name is left out when unknown', async () => {
    ticketsWithExternalId('msg-traits')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-traits', {}, { context: {}, traits: { email: 'eve@example.com' } }))
    expect(created().requester).toEqual({ email: 'eve@example.com' })
  })

  it('without id or email, the user whose external_id is the userId is the requester (looked up once)', async () => {
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'u1' })
      .reply(200, { users: [{ id: 77, external_id: 'u1', active: true }] })
    ticketsWithExternalId('msg-u1')
    ticketsWithExternalId('msg-u2')
    acceptCreate(601)
    acceptCreate(602)
    await run('createTicket', ticketCreated('msg-u1', {}, { context: {} }))
    await run('createTicket', ticketCreated('msg-u2', {}, { context: {} }))
    expect(bodiesOf('POST', '/api/v2/tickets').map((b) => b.ticket.requester_id)).toEqual([77, 77])
  })
})

describe('Create Ticket: never a second ticket for one external_id', () => {
  it('an existing ticket is returned as success and nothing is created', async () => {
    ticketsWithExternalId('msg-dup', [{ id: 400, external_id: 'msg-dup', created_at: '2024-05-01T10:00:00Z' }])
    const data = await run('createTicket', ticketCreated('msg-dup'))
    expect(data).toEqual({
      id: 400,
      external_id: 'msg-dup',
      created: false,
      message: 'Ticket 400 already has external_id "msg-dup", so no new ticket was created.'
    })
    expect(bodiesOf('POST', '/api/v2/tickets')).toEqual([])
  })

  it('with several, the newest is returned and the result says so', async () => {
    ticketsWithExternalId('msg-many', [
      { id: 401, external_id: 'msg-many', created_at: '2024-05-02T10:00:00Z' },
      { id: 399, external_id: 'msg-many', created_at: '2024-05-01T10:00:00Z' },
      { id: 402, external_id: 'msg-many', created_at: '2024-05-02T10:00:00Z' }
    ])
    const data = await run('createTicket', ticketCreated('msg-many'))
    expect(data.id).toBe(402)
    expect(data.message).toContain('3 tickets have external_id "msg-many"; the newest (402) was used.')
  })

  it('the duplicate check follows cursor pagination', async () => {
    zendesk()
      .get('/api/v2/tickets')
      .query({ external_id: 'msg-paged', 'page[size]': '100' })
      .reply(200, ticketPage([], 'https://acme.zendesk.com/api/v2/tickets?external_id=msg-paged&page%5Bafter%5D=c2'))
    zendesk()
      .get('/api/v2/tickets')
      .query({ external_id: 'msg-paged', 'page[after]': 'c2' })
      .reply(200, ticketPage([{ id: 403, external_id: 'msg-paged', created_at: '2024-05-01T10:00:00Z' }]))
    const data = await run('createTicket', ticketCreated('msg-paged'))
    expect(data).toMatchObject({ id: 403, created: false })
  })

  it('tickets with another external_id in the answer are not taken for duplicates', async () => {
    ticketsWithExternalId('msg-exact', [
      { id: 404, external_id: 'MSG-EXACT' },
      { id: 405, external_id: null }
    ])
    acceptCreate(502)
    const data = await run('createTicket', ticketCreated('msg-exact'))
    expect(data).toEqual({ id: 502, external_id: 'msg-exact', created: true })
  })
})
