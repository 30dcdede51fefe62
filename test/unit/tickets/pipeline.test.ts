import { resetState } from '../support'
import {
  failure,
  run,
  runBatch,
  sent,
  ticketCreated,
  ticketsWithExternalId,
  ticketUpdated,
  useNockZendesk,
  zendesk,
  type ActionKey
} from './helpers'

useNockZendesk()

const requests = () => sent.map(({ method, path, body }) => ({ method, path, body }))

/**
 * The event through onEvent, then (fresh caches, Zendesk answering the same) alone in a batch through onBatch:
 * what each sent and answered.
 */
async function singleThenBatch(actionKey: ActionKey, event: Record<string, unknown>, answer: () => void) {
  answer()
  const single = await run(actionKey, event).then(
    (data) => ({ ok: true as const, data }),
    (error: any) => ({ ok: false as const, error })
  )
  const singleRequests = requests()
  resetState()
  sent.length = 0
  answer()
  const [batch] = await runBatch(actionKey, [event])
  return { single, singleRequests, batch, batchRequests: requests() }
}

const userU1 = () =>
  zendesk()
    .get('/api/v2/users/show_many')
    .query({ external_ids: 'u1' })
    .reply(200, { users: [{ id: 77, external_id: 'u1', active: true }] })

describe('perform and performBatch run one pipeline: the same event sends the same requests and gets the same result', () => {
  it('Create Ticket, requester looked up by userId', async () => {
    const event = ticketCreated('msg-same', { priority: 'high', tags: ['cdp'] }, { context: {} })
    const { single, singleRequests, batch, batchRequests } = await singleThenBatch('createTicket', event, () => {
      ticketsWithExternalId('msg-same')
      userU1()
      zendesk()
        .post('/api/v2/tickets')
        .reply(201, { ticket: { id: 501 } })
    })
    expect(single).toEqual({ ok: true, data: { id: 501, external_id: 'msg-same', created: true } })
    expect(batch).toMatchObject({ status: 200, body: single.ok && single.data })
    expect(batchRequests).toEqual(singleRequests)
    expect(singleRequests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /api/v2/tickets',
      'GET /api/v2/users/show_many',
      'POST /api/v2/tickets'
    ])
    expect(singleRequests[2].body).toEqual({
      ticket: {
        subject: 'Order 1234 failed',
        comment: { body: 'Payment declined' },
        priority: 'high',
        tags: ['cdp'],
        external_id: 'msg-same',
        requester_id: 77
      }
    })
  })

  it('Create Ticket, a ticket with the external_id exists', async () => {
    const { single, singleRequests, batch, batchRequests } = await singleThenBatch(
      'createTicket',
      ticketCreated('msg-dup'),
      () => ticketsWithExternalId('msg-dup', [{ id: 400, external_id: 'msg-dup' }])
    )
    expect(single).toEqual({
      ok: true,
      data: {
        id: 400,
        external_id: 'msg-dup',
        created: false,
        message: 'Ticket 400 already has external_id "msg-dup", so no new ticket was created.'
      }
    })
    expect(batch).toMatchObject({ status: 200, body: single.ok && single.data })
    expect(batchRequests).toEqual(singleRequests)
  })

  it('Create Ticket refused by Zendesk (422): the same error', async () => {
    const { single, singleRequests, batch, batchRequests } = await singleThenBatch(
      'createTicket',
      ticketCreated('msg-bad'),
      () => {
        ticketsWithExternalId('msg-bad')
        zendesk()
          .post('/api/v2/tickets')
          .reply(422, {
            error: 'RecordInvalid',
            description: 'Record validation errors',
            details: { requester: [{ description: 'Requester: Email is invalid', error: 'InvalidValue' }] }
          })
      }
    )
    expect(single.ok).toBe(false)
    const error = !single.ok && single.error
    expect(error.status).toBe(400)
    expect(error.message).toContain('Requester: Email is invalid')
    expect(batch).toMatchObject({ status: 400, errormessage: error.message })
    expect(batchRequests).toEqual(singleRequests)
  })

  it('Update Ticket by external_id', async () => {
    const event = ticketUpdated({ external_id: 'order-1', status: 'Solved', comment: 'Done', public: false })
    const { single, singleRequests, batch, batchRequests } = await singleThenBatch('updateTicket', event, () => {
      ticketsWithExternalId('order-1', [{ id: 21, external_id: 'order-1' }])
      zendesk()
        .put('/api/v2/tickets/21')
        .reply(200, { ticket: { id: 21 } })
    })
    expect(single).toEqual({ ok: true, data: { id: 21, updated: true } })
    expect(batch).toMatchObject({ status: 200, body: { id: 21, updated: true } })
    expect(batchRequests).toEqual(singleRequests)
    expect(singleRequests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /api/v2/tickets',
      'PUT /api/v2/tickets/21'
    ])
    expect(singleRequests[1].body).toEqual({ ticket: { status: 'solved', comment: { body: 'Done', public: false } } })
  })

  it('Update Ticket by ticket_id, unknown to Zendesk: the same 404', async () => {
    const { single, singleRequests, batch, batchRequests } = await singleThenBatch(
      'updateTicket',
      ticketUpdated({ ticket_id: 99, priority: 'low' }),
      () => zendesk().put('/api/v2/tickets/99').reply(404, { error: 'RecordNotFound', description: 'Not found' })
    )
    expect(single).toMatchObject({
      ok: false,
      error: { status: 404, message: 'Zendesk has no ticket 99 (404): Not found' }
    })
    expect(batch).toMatchObject({ status: 404, errormessage: 'Zendesk has no ticket 99 (404): Not found' })
    expect(batchRequests).toEqual(singleRequests)
    expect(singleRequests).toEqual([
      { method: 'PUT', path: '/api/v2/tickets/99', body: { ticket: { priority: 'low' } } }
    ])
  })

  it('bad input: the same 400 before any request', async () => {
    const event = ticketCreated('msg-x', { status: 'done' })
    const error = await failure('createTicket', event)
    const [batch] = await runBatch('createTicket', [event])
    expect(batch).toMatchObject({ status: 400, errormessage: error.message })
    expect(sent).toEqual([])
  })
})
