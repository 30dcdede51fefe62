import nock from 'nock'
import {
  jobStatus,
  run,
  runBatch,
  sent,
  ticketCreated,
  ticketPage,
  ticketUpdated,
  useNockZendesk,
  zendesk
} from './helpers'

useNockZendesk()

const CREDENTIAL_FORMS = ['test-token', Buffer.from('agent@example.com/token:test-token').toString('base64')]

/** What Zendesk received, without headers: method, path (with query) and JSON body. */
function recorded() {
  const requests = sent.map(({ method, path, body }) => ({ method, path, body }))
  const text = JSON.stringify(requests)
  for (const credential of CREDENTIAL_FORMS) expect(text).not.toContain(credential)
  return requests
}

function answerEverything(): void {
  const scope = zendesk().persist()
  // Only "order-9" belongs to an existing ticket: Update Ticket finds it, Create Ticket finds no duplicates.
  scope
    .get('/api/v2/tickets')
    .query(true)
    .reply(200, (uri) => ticketPage(uri.includes('external_id=order-9&') ? [{ id: 13, external_id: 'order-9' }] : []))
  scope
    .get('/api/v2/users/show_many')
    .query(true)
    .reply(200, { users: [{ id: 77, external_id: 'u1', active: true }] })
  scope.post('/api/v2/tickets').reply(201, { ticket: { id: 501 } })
  scope.put(/\/api\/v2\/tickets\/\d+$/).reply(200, { ticket: { id: 12 } })
  scope.put('/api/v2/tickets/update_many').reply(200, jobStatus('V3-update', 'queued'))
  scope.get(/\/api\/v2\/job_statuses\/V3-\w+$/).reply(
    200,
    jobStatus('V3-done', 'completed', [
      { index: 0, id: 501 },
      { index: 1, id: 502 },
      { index: 2, id: 503 }
    ])
  )
}

const fullTicket = ticketCreated('msg-snap', {
  subject: 'Order 1234 failed',
  comment: '<p>Payment <b>declined</b></p>',
  priority: 'HIGH',
  status: 'open',
  type: 'incident',
  tags: ['cdp', 'order_failed'],
  public: false,
  external_id: 'order-1234',
  custom_fields: { '27642': '745', '27643': ['a', 'b'] },
  group_id: 5,
  assignee_email: 'agent@example.com',
  brand_id: 7,
  requester_email: 'ada@example.com',
  requester_name: 'Ada Lovelace'
})

describe('request bodies (snapshots, no credentials)', () => {
  beforeEach(() => answerEverything())
  afterEach(() => nock.cleanAll())

  it('Create Ticket, every field mapped, HTML comment', async () => {
    await run('createTicket', fullTicket, { html: true })
    expect(recorded()).toMatchSnapshot()
  })

  it('Create Ticket, requester from userId', async () => {
    await run('createTicket', ticketCreated('msg-u1', {}, { context: {} }))
    expect(recorded()).toMatchSnapshot()
  })

  it('Create Ticket batch of three (one POST tickets each)', async () => {
    await runBatch('createTicket', [
      fullTicket,
      ticketCreated('msg-2', { priority: 'low' }, { context: { zendesk_user_id: '42' } }),
      ticketCreated('msg-3', { type: 'task' })
    ])
    expect(recorded()).toMatchSnapshot()
  })

  it('Create Ticket batch of two (one POST tickets each)', async () => {
    await runBatch('createTicket', [
      fullTicket,
      ticketCreated('msg-2', { priority: 'low' }, { context: { zendesk_user_id: '42' } })
    ])
    expect(recorded()).toMatchSnapshot()
  })

  it('Update Ticket by id and by external_id', async () => {
    await run(
      'updateTicket',
      ticketUpdated({ ticket_id: 12, status: 'solved', comment: 'Refund issued', public: false })
    )
    await run(
      'updateTicket',
      ticketUpdated({ external_id: 'order-9', tags: ['vip'], custom_fields: { '27642': null } })
    )
    expect(recorded()).toMatchSnapshot()
  })

  it('Update Ticket batch (update_many)', async () => {
    await runBatch(
      'updateTicket',
      [
        ticketUpdated({ ticket_id: 12, status: 'solved', subject: 'Refunded' }),
        ticketUpdated({ ticket_id: 13, type: 'Question', comment: '<i>note</i>', public: true }),
        ticketUpdated({ external_id: 'order-9', priority: 'urgent' })
      ],
      { html: true }
    )
    expect(recorded()).toMatchSnapshot()
  })

  it('Update Ticket batch of two (one PUT each)', async () => {
    await runBatch(
      'updateTicket',
      [
        ticketUpdated({ ticket_id: 12, status: 'solved', subject: 'Refunded' }),
        ticketUpdated({ ticket_id: 13, type: 'Question', comment: '<i>note</i>', public: true })
      ],
      { html: true }
    )
    expect(recorded()).toMatchSnapshot()
  })
})
