import { APIError, RetryableError } from '@segment/actions-core'
import { bodiesOf, failure, run, sent, ticketsWithExternalId, ticketUpdated, useNockZendesk, zendesk } from './helpers'

useNockZendesk()

const acceptUpdate = (id: number) =>
  zendesk()
    .put(`/api/v2/tickets/${id}`)
    .reply(200, (_uri, body: any) => ({ ticket: { id, ...body.ticket }, audit: { events: [] } }))

describe('Update Ticket by ticket_id', () => {
  it('sends the changes (no id in the body) and a new comment with public from the field', async () => {
    acceptUpdate(35436)
    const data = await run(
      'updateTicket',
      ticketUpdated({
        ticket_id: 35436,
        status: 'Solved',
        priority: 'low',
        type: 'task',
        subject: 'Refunded',
        tags: ['vip'],
        custom_fields: { '27642': 'refund' },
        comment: 'Refund issued',
        public: false
      })
    )
    expect(data).toEqual({ id: 35436, updated: true })
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/v2/tickets/35436'])
    expect(sent[0].body).toEqual({
      ticket: {
        status: 'solved',
        priority: 'low',
        type: 'task',
        subject: 'Refunded',
        tags: ['vip'],
        custom_fields: [{ id: 27642, value: 'refund' }],
        comment: { body: 'Refund issued', public: false }
      }
    })
  })

  it('an HTML comment is sent as html_body, and public is left to Zendesk when unmapped', async () => {
    acceptUpdate(7)
    await run('updateTicket', ticketUpdated({ ticket_id: '7', comment: '<p>Done</p>' }), { html: true })
    expect(sent[0].body).toEqual({ ticket: { comment: { html_body: '<p>Done</p>' } } })
  })

  it('an empty tag list is sent, so it removes the tags', async () => {
    acceptUpdate(7)
    await run('updateTicket', ticketUpdated({ ticket_id: 7, tags: [] }))
    expect(sent[0].body).toEqual({ ticket: { tags: [] } })
  })

  it('ticket_id wins over external_id, which is then neither looked up nor written', async () => {
    acceptUpdate(8)
    await run('updateTicket', ticketUpdated({ ticket_id: 8, external_id: 'order-1', status: 'open' }))
    expect(sent.map((r) => r.method)).toEqual(['PUT'])
    expect(sent[0].body).toEqual({ ticket: { status: 'open' } })
  })

  it('an unknown ticket is a non-retryable 404 that names it', async () => {
    zendesk().put('/api/v2/tickets/99').reply(404, { error: 'RecordNotFound', description: 'Not found' })
    const error = await failure('updateTicket', ticketUpdated({ ticket_id: 99, status: 'open' }))
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.status).toBe(404)
    expect(error.message).toBe('Zendesk has no ticket 99 (404): Not found')
  })
})

describe('Update Ticket by external_id', () => {
  it('looks the ticket up, then updates it by id', async () => {
    ticketsWithExternalId('order-1', [{ id: 21, external_id: 'order-1', created_at: '2024-05-01T10:00:00Z' }])
    acceptUpdate(21)
    const data = await run('updateTicket', ticketUpdated({ external_id: 'order-1', priority: 'urgent' }))
    expect(data).toEqual({ id: 21, updated: true })
    expect(bodiesOf('PUT', '/api/v2/tickets/21')).toEqual([{ ticket: { priority: 'urgent' } }])
    expect(sent.map((r) => r.method)).toEqual(['GET', 'PUT'])
  })

  it('with several tickets, the newest (by created_at, then id) is updated and the result says so', async () => {
    ticketsWithExternalId('order-2', [
      { id: 30, external_id: 'order-2', created_at: '2024-05-03T10:00:00Z' },
      { id: 31, external_id: 'order-2', created_at: '2024-05-01T10:00:00Z' },
      { id: 29, external_id: 'order-2', created_at: '2024-05-03T10:00:00Z' }
    ])
    acceptUpdate(30)
    const data = await run('updateTicket', ticketUpdated({ external_id: 'order-2', status: 'pending' }))
    expect(data).toEqual({
      id: 30,
      updated: true,
      message: '3 tickets have external_id "order-2"; the newest (30) was used.'
    })
  })

  it('no ticket with the external_id is a non-retryable 404, and nothing is written', async () => {
    ticketsWithExternalId('order-3', [{ id: 40, external_id: 'other' }])
    const error = await failure('updateTicket', ticketUpdated({ external_id: 'order-3', status: 'open' }))
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.status).toBe(404)
    expect(error.message).toContain('Zendesk has no ticket with external_id "order-3"')
    expect(sent.map((r) => r.method)).toEqual(['GET'])
  })
})
