import { bodiesOf, run, runBatch, ticketCreated, ticketsWithExternalId, useNockZendesk, zendesk } from './helpers'

useNockZendesk()

const acceptCreate = () =>
  zendesk()
    .post('/api/v2/tickets')
    .reply(201, (_uri, body: any) => ({ ticket: { id: 501, ...body.ticket } }))

const created = () => bodiesOf('POST', '/api/v2/tickets')[0].ticket

describe('Create Ticket: ticket form', () => {
  it('sends properties.ticket_form_id as ticket_form_id, a number', async () => {
    ticketsWithExternalId('msg-form')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-form', { ticket_form_id: '360001' }))
    expect(created().ticket_form_id).toBe(360001)
  })

  it('a form picked in the mapping is sent whatever the event says', async () => {
    ticketsWithExternalId('msg-picked')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-picked', { ticket_form_id: 1 }), { ticket_form_id: '360002' })
    expect(created().ticket_form_id).toBe(360002)
  })

  it('without a form, none is sent and Zendesk uses its default form', async () => {
    ticketsWithExternalId('msg-no-form')
    acceptCreate()
    await run('createTicket', ticketCreated('msg-no-form'))
    expect(created()).not.toHaveProperty('ticket_form_id')
  })

  it('each ticket of a batch keeps its own form', async () => {
    ticketsWithExternalId('m-1')
    ticketsWithExternalId('m-2')
    ticketsWithExternalId('m-3')
    zendesk()
      .post('/api/v2/tickets')
      .times(3)
      .reply(201, (_uri, body: any) => ({ ticket: { id: Number(body.ticket.external_id.slice(2)) + 900 } }))
    const results = await runBatch('createTicket', [
      ticketCreated('m-1', { ticket_form_id: 360001 }),
      ticketCreated('m-2'),
      ticketCreated('m-3', { ticket_form_id: 360002 })
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    const tickets = bodiesOf('POST', '/api/v2/tickets').map((body) => body.ticket)
    const formOf = (externalId: string) => tickets.find((t: any) => t.external_id === externalId).ticket_form_id
    expect(['m-1', 'm-2', 'm-3'].map(formOf)).toEqual([360001, undefined, 360002])
  })
})
