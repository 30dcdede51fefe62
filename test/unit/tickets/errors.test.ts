import { APIError, InvalidAuthenticationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import type nock from 'nock'
import { failure, sent, ticketCreated, ticketsWithExternalId, ticketUpdated, useNockZendesk, zendesk } from './helpers'

useNockZendesk()

interface ErrorCase {
  status: number
  body: string | Record<string, unknown>
  headers?: Record<string, string>
  /** Whether the message names the record (a 401 is about the credentials, not the record). */
  namesRecord: boolean
  check(error: any): void
}

const notRetryable = (error: any) => expect(error).not.toBeInstanceOf(RetryableError)

/** Zendesk's answers (ZENDESK-API.md §8, §9) and what every ticket request must turn them into. */
const CASES: Record<string, ErrorCase> = {
  '429 with Retry-After': {
    status: 429,
    namesRecord: true,
    body: 'Number of allowed API requests per minute exceeded',
    headers: { 'Retry-After': '30' },
    check(error) {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 429, retryAfterSeconds: 30 })
      expect(error.message).toContain('Retry after 30 s')
    }
  },
  '500': {
    status: 500,
    namesRecord: true,
    body: { error: 'InternalError' },
    check(error) {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.status).toBe(500)
    }
  },
  '401': {
    status: 401,
    body: { error: "Couldn't authenticate you" },
    namesRecord: false,
    check(error) {
      expect(error).toBeInstanceOf(InvalidAuthenticationError)
      expect(error.status).toBe(401)
      expect(error.message).not.toContain('test-token')
    }
  },
  '403': {
    status: 403,
    namesRecord: true,
    body: { error: { title: 'Forbidden', message: 'You do not have access to this page.' } },
    check(error) {
      expect(error).toBeInstanceOf(APIError)
      notRetryable(error)
      expect(error.status).toBe(403)
      expect(error.message).toContain('You do not have access to this page.')
    }
  },
  '404': {
    status: 404,
    namesRecord: true,
    body: { error: 'RecordNotFound', description: 'Not found' },
    check(error) {
      expect(error).toBeInstanceOf(APIError)
      notRetryable(error)
      expect(error.status).toBe(404)
    }
  },
  '409': {
    status: 409,
    namesRecord: true,
    body: { error: 'DatabaseConflict', description: 'Database collision' },
    check(error) {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.status).toBe(409)
    }
  },
  '422': {
    status: 422,
    namesRecord: true,
    body: {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { assignee: [{ description: 'Assignee: is invalid', error: 'InvalidValue' }] }
    },
    check(error) {
      expect(error).toBeInstanceOf(PayloadValidationError)
      expect(error.status).toBe(400)
      expect(error.message).toContain('Assignee: is invalid')
    }
  }
}

const reply = (interceptor: nock.Interceptor, c: ErrorCase) => interceptor.reply(c.status, c.body, c.headers)

describe.each(Object.entries(CASES))('Zendesk answers %s', (_name, c) => {
  it('to Create Ticket: mapped as the error table says, and made once', async () => {
    ticketsWithExternalId('msg-err')
    reply(zendesk().post('/api/v2/tickets'), c)
    const error = await failure('createTicket', ticketCreated('msg-err'))
    c.check(error)
    expect(error.message.includes('ticket with external_id "msg-err"')).toBe(c.namesRecord)
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('to the duplicate check of Create Ticket: the same error, and nothing is created', async () => {
    reply(zendesk().get('/api/v2/tickets').query(true), c)
    c.check(await failure('createTicket', ticketCreated('msg-err')))
    expect(sent.map((r) => r.method)).toEqual(['GET'])
  })

  it('to Update Ticket: mapped as the error table says', async () => {
    reply(zendesk().put('/api/v2/tickets/12'), c)
    const error = await failure('updateTicket', ticketUpdated({ ticket_id: 12, status: 'open' }))
    c.check(error)
    expect(error.message.includes('ticket 12')).toBe(c.namesRecord)
  })
})
