import { PayloadValidationError } from '@segment/actions-core'
import { failure, runBatch, sent, ticketCreated, ticketUpdated, useNockZendesk } from './helpers'

useNockZendesk()

/** Every case fails with a 400 naming the field, before any request (nock has no interceptor: a request would fail the test). */
async function rejected(run: Promise<any>, ...expected: string[]): Promise<void> {
  const error = await run
  expect(error).toBeInstanceOf(PayloadValidationError)
  expect(error.status).toBe(400)
  for (const text of expected) expect(error.message).toContain(text)
  expect(sent).toEqual([])
}

describe('Create Ticket: bad input is a 400 before any request', () => {
  it('no comment body (comment and description empty)', async () => {
    await rejected(failure('createTicket', ticketCreated('m', { comment: '   ' })), 'comment is empty')
  })

  it.each([
    ['priority', 'asap', 'urgent, high, normal, low'],
    ['status', 'done', 'new, open, pending, hold, solved, closed'],
    ['type', 'bug', 'problem, incident, question, task']
  ])('an invalid %s lists the allowed values', async (field, value, allowed) => {
    await rejected(
      failure('createTicket', ticketCreated('m', { [field]: value })),
      `${field} "${value}" is not valid; allowed: ${allowed}.`
    )
  })

  it('a custom field key that is not a numeric ticket field id', async () => {
    await rejected(
      failure('createTicket', ticketCreated('m', { custom_fields: { order_number: '1234' } })),
      'custom_fields keys must be numeric',
      '"order_number"'
    )
  })

  it('no requester at all names the requester fields', async () => {
    await rejected(
      failure('createTicket', ticketCreated('m', {}, { userId: undefined, anonymousId: 'a1', context: {} })),
      'zendesk_user_id',
      'requester_email',
      'requester_external_id'
    )
  })

  it('a zendesk_user_id that is not a number', async () => {
    await rejected(
      failure('createTicket', ticketCreated('m', {}, { context: { zendesk_user_id: '12/../34' } })),
      'zendesk_user_id must be a numeric Zendesk id'
    )
  })

  it('an empty external_id (no properties.external_id and no messageId)', async () => {
    await rejected(failure('createTicket', ticketCreated('', {})), 'external_id is empty')
  })
})

describe('Update Ticket: bad input is a 400 before any request', () => {
  it('neither ticket_id nor external_id', async () => {
    await rejected(failure('updateTicket', ticketUpdated({ status: 'open' })), 'ticket_id or external_id')
  })

  it.each(['../1', 'abc', '12?x=1', '0'])('a ticket_id that is not a numeric id (%s)', async (ticketId) => {
    await rejected(failure('updateTicket', ticketUpdated({ ticket_id: ticketId, status: 'open' })), 'ticket_id must be')
  })

  it('an invalid status lists the allowed values', async () => {
    await rejected(
      failure('updateTicket', ticketUpdated({ ticket_id: 1, status: 'finished' })),
      'allowed: new, open, pending, hold, solved, closed.'
    )
  })

  it('nothing to change', async () => {
    await rejected(failure('updateTicket', ticketUpdated({ ticket_id: 1 })), 'nothing to change')
  })
})

describe('in a batch, bad input fails only its own event, and an all-bad batch sends nothing', () => {
  it('Create Ticket', async () => {
    const results = await runBatch('createTicket', [
      ticketCreated('m1', { comment: '' }),
      ticketCreated('m2', { priority: 'asap' })
    ])
    expect(results.map((r) => r.status)).toEqual([400, 400])
    expect(results[0].errormessage).toContain('comment')
    expect(results[1].errormessage).toContain('urgent, high, normal, low')
    expect(sent).toEqual([])
  })

  it('Update Ticket', async () => {
    const results = await runBatch('updateTicket', [
      ticketUpdated({ status: 'open' }),
      ticketUpdated({ ticket_id: 1, type: 'x' })
    ])
    expect(results.map((r) => r.status)).toEqual([400, 400])
    expect(sent).toEqual([])
  })
})
