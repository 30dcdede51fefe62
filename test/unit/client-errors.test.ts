import nock from 'nock'
import {
  APIError,
  createRequestClient,
  HTTPError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RequestTimeoutError,
  RetryableError
} from '@segment/actions-core'
import { z } from 'zod'
import {
  DEFAULT_RATE_LIMIT_WAIT_SECONDS,
  fieldRefused,
  refusalOf,
  requestFailure,
  retryAfterSeconds,
  ZendeskRetryableError
} from '../../src/destinations/zendesk/client/errors'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { BASE_URL } from './support'
import { TestClock, until } from '../helpers/test-clock'

const ABOUT = 'user with external_id "u1"'
const http = new ZendeskHttp(createRequestClient(), BASE_URL, [])
const anything = z.unknown()

/** The error a GET to users/5 fails with when Zendesk answers as given. */
async function failureFor(reply: (scope: nock.Interceptor) => nock.Scope): Promise<any> {
  const scope = reply(nock(BASE_URL).get('/api/v2/users/5'))
  const error = await http.get('users/5', ABOUT, anything).then(
    () => undefined,
    (e) => e
  )
  expect(scope.isDone()).toBe(true)
  expect(error).toBeInstanceOf(Error)
  return error
}

function expectWellFormed(error: any, status: number) {
  expect(error.status).toBe(status)
  expect(typeof error.status).toBe('number')
  expect(error).not.toBeInstanceOf(HTTPError)
  expect(error.response).toBeUndefined()
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe('rate limits and unavailability (429, 503): retryable, carrying Retry-After', () => {
  it('429 with a text/plain body', async () => {
    const body = 'You have exceeded the rate limit for updating a single unique user. user email:  id:  external_id: '
    const error = await failureFor((i) => i.reply(429, body, { 'Content-Type': 'text/plain', 'Retry-After': '27' }))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.retryAfterSeconds).toBe(27)
    expect(error.message).toContain('exceeded the rate limit')
    expect(error.message).toContain('27')
    expectWellFormed(error, 429)
  })

  it('429 without Retry-After is retryable with the default wait, never none', async () => {
    const error = await failureFor((i) => i.reply(429, 'Number of allowed API requests per minute exceeded'))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.retryAfterSeconds).toBe(DEFAULT_RATE_LIMIT_WAIT_SECONDS)
    expect(DEFAULT_RATE_LIMIT_WAIT_SECONDS).toBe(60)
    expect(error.message).toContain('Zendesk sent no Retry-After, so the default wait applies. Retry after 60 s.')
    expectWellFormed(error, 429)
  })

  it('429 with Retry-After 0 keeps the wait Zendesk asked for', async () => {
    const error = await failureFor((i) => i.reply(429, 'Too many', { 'Retry-After': '0' }))
    expect(error.retryAfterSeconds).toBe(0)
    expect(error.message).not.toContain('default wait')
  })

  it("503 without Retry-After is retryable at the host's own pace", async () => {
    const error = await failureFor((i) => i.reply(503, 'Maintenance'))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.retryAfterSeconds).toBeUndefined()
    expectWellFormed(error, 503)
  })

  it('503 with Retry-After', async () => {
    const error = await failureFor((i) => i.reply(503, 'Maintenance', { 'Retry-After': '10' }))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.retryAfterSeconds).toBe(10)
    expectWellFormed(error, 503)
  })

  it('reads Retry-After given as an HTTP date', () => {
    const inThirty = new Date(Date.now() + 30_000).toUTCString()
    const seconds = retryAfterSeconds(new Headers({ 'Retry-After': inThirty }))
    expect(seconds).toBeGreaterThanOrEqual(28)
    expect(seconds).toBeLessThanOrEqual(30)
    expect(retryAfterSeconds(new Headers())).toBeUndefined()
    expect(retryAfterSeconds(new Headers({ 'Retry-After': 'soon' }))).toBeUndefined()
  })
})

describe('server errors, timeouts and network failures: retryable', () => {
  it.each([500, 502, 504])('%i', async (status) => {
    const error = await failureFor((i) => i.reply(status, { error: 'InternalError' }))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toContain(String(status))
    expectWellFormed(error, status)
  })

  it('a request that times out', async () => {
    const impatient = new ZendeskHttp(createRequestClient({ timeout: 20 }), BASE_URL, [])
    nock(BASE_URL)
      .get('/api/v2/users/5')
      .delay(500)
      .reply(200, { user: { id: 5 } })
    const error = await impatient.get('users/5', ABOUT, anything).catch((e) => e)
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toMatch(/did not answer in time/)
    expectWellFormed(error, 504)
  })

  it('a request unanswered for the request timeout of the instance, on its timers', async () => {
    const clock = new TestClock()
    const timed = new ZendeskHttp(createRequestClient(), BASE_URL, [], undefined, { ms: 100, timers: clock })
    let answerLate: ((error: null, answer: nock.ReplyFnResult) => void) | undefined
    nock(BASE_URL)
      .get('/api/v2/users/5')
      .reply((_uri, _body, callback) => void (answerLate = callback))
    let error: any
    const failure = timed.get('users/5', ABOUT, anything).catch((e) => (error = e))
    await until(() => answerLate !== undefined)
    await clock.advance(99)
    expect(error).toBeUndefined()
    await clock.advance(1)
    await failure
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toMatch(/did not answer in time/)
    expectWellFormed(error, 504)
    answerLate!(null, [200, { user: { id: 5 } }])
  })

  it('an answer within the request timeout ends its wait', async () => {
    const clock = new TestClock()
    const timed = new ZendeskHttp(createRequestClient(), BASE_URL, [], undefined, { ms: 100, timers: clock })
    nock(BASE_URL)
      .get('/api/v2/users/5')
      .reply(200, { user: { id: 5 } })
    await expect(timed.get('users/5', ABOUT, anything)).resolves.toMatchObject({ status: 200 })
    expect(clock.waiting).toBe(0)
  })

  it("actions-core's RequestTimeoutError", () => {
    const error: any = requestFailure(new RequestTimeoutError(), ABOUT)
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expectWellFormed(error, 504)
  })

  it('a network error (connection reset)', async () => {
    const error = await failureFor((i) => i.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toContain('ECONNRESET')
    expectWellFormed(error, 502)
  })
})

describe('authentication and permission', () => {
  it('401 with a bad API token → InvalidAuthenticationError', async () => {
    const error = await failureFor((i) =>
      i.reply(401, { error: "Couldn't authenticate you" }, { 'WWW-Authenticate': 'Basic realm="Web Password"' })
    )
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error.message).toContain("Couldn't authenticate you")
    expectWellFormed(error, 401)
  })

  it('401 with an expired OAuth token → InvalidAuthenticationError with the reason', async () => {
    const error = await failureFor((i) =>
      i.reply(401, {
        error: 'invalid_token',
        error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.'
      })
    )
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error.message).toContain('expired, revoked')
    expectWellFormed(error, 401)
  })

  it('403 with error as an object {title, message}', async () => {
    const message =
      'You do not have access to this page. Please contact the account owner of this help desk for further help.'
    const error = await failureFor((i) => i.reply(403, { error: { title: 'Forbidden', message } }))
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.message).toContain(message)
    expect(error.message).toContain(ABOUT)
    expectWellFormed(error, 403)
  })

  it('403 with error as a string and a description naming the missing scope', async () => {
    const error = await failureFor((i) =>
      i.reply(403, { error: 'Forbidden', description: 'You are missing the following required scopes: read' })
    )
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.message).toContain('missing the following required scopes: read')
    expectWellFormed(error, 403)
  })

  it('403 with no body still says what is missing', async () => {
    const error = await failureFor((i) => i.reply(403, ''))
    expect(error.message).toMatch(/permission or plan feature/)
    expectWellFormed(error, 403)
  })
})

describe('missing records, conflicts and validation', () => {
  it('404 names the record that was not found', async () => {
    const error = await failureFor((i) => i.reply(404, { error: 'RecordNotFound', description: 'Not found' }))
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.message).toContain(`Zendesk has no ${ABOUT}`)
    expectWellFormed(error, 404)
  })

  it('409 is retryable and keeps status 409', async () => {
    const error = await failureFor((i) =>
      i.reply(409, { error: 'DatabaseConflict', description: 'Database collision' })
    )
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toContain('Database collision')
    expectWellFormed(error, 409)
  })

  it("422 → PayloadValidationError (400) with every message of Zendesk's details", async () => {
    const error = await failureFor((i) =>
      i.reply(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: {
          email: [{ description: 'Email: badmail is not properly formatted' }],
          name: [{ description: 'Name: is too short', error: 'TooShort' }]
        }
      })
    )
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('Email: badmail is not properly formatted; Name: is too short')
    expect(error.message).not.toContain('Record validation errors')
    expectWellFormed(error, 400)
  })

  it('422 detail without a description falls back to the field and error code', async () => {
    const error = await failureFor((i) =>
      i.reply(422, { error: 'RecordInvalid', details: { organization: [{ error: 'BlankValue' }] } })
    )
    expect(error.message).toContain('organization: BlankValue')
    expectWellFormed(error, 400)
  })

  it('400 TooManyValues → PayloadValidationError with the description', async () => {
    const error = await failureFor((i) =>
      i.reply(400, {
        error: 'TooManyValues',
        description: 'Parameter  cannot specify more than 100 values',
        max_count: 100
      })
    )
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('cannot specify more than 100 values')
    expectWellFormed(error, 400)
  })

  it('any other 4xx keeps its status and is not retryable', async () => {
    const error = await failureFor((i) => i.reply(413, 'Payload Too Large'))
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expectWellFormed(error, 413)
  })

  it('a very long Zendesk message is cut short', async () => {
    const error = await failureFor((i) => i.reply(422, { details: { notes: [{ description: 'x'.repeat(5000) }] } }))
    expect(error.message.length).toBeLessThan(700)
  })
})

describe("Zendesk's refusal stays structured on the error", () => {
  it('422: the status, the error code, the description and the problems per field', async () => {
    const error = await failureFor((i) =>
      i.reply(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: {
          email: [
            { description: 'Email: ada@example.com is already being used by another user', error: 'DuplicateValue' }
          ],
          name: [{ description: 'Name: is too short', error: 'TooShort' }]
        }
      })
    )
    expect(refusalOf(error)).toEqual({
      status: 422,
      error: 'RecordInvalid',
      description: 'Record validation errors',
      fields: {
        email: [
          { error: 'DuplicateValue', description: 'Email: ada@example.com is already being used by another user' }
        ],
        name: [{ error: 'TooShort', description: 'Name: is too short' }]
      }
    })
    expect(fieldRefused(error, 'email', 'DuplicateValue')).toBe(true)
    expect(fieldRefused(error, 'email')).toBe(true)
    expect(fieldRefused(error, 'email', 'TooShort')).toBe(false)
    expect(fieldRefused(error, 'external_id')).toBe(false)
  })

  it('a detail given as plain text keeps its text as the description', async () => {
    const error = await failureFor((i) =>
      i.reply(422, { error: 'RecordInvalid', details: { base: ['Something is off'] } })
    )
    expect(refusalOf(error)?.fields).toEqual({ base: [{ description: 'Something is off', error: undefined }] })
  })

  it('403 with error as an object {title, message}', async () => {
    const error = await failureFor((i) =>
      i.reply(403, { error: { title: 'Forbidden', message: 'You do not have access to this page' } })
    )
    expect(refusalOf(error)).toEqual({
      status: 403,
      error: 'Forbidden',
      description: 'You do not have access to this page',
      fields: {}
    })
  })

  it('a text/plain 429 has a refusal with only its status', async () => {
    const error = await failureFor((i) => i.reply(429, 'Too many requests', { 'Retry-After': '3' }))
    expect(refusalOf(error)).toEqual({ status: 429, fields: {} })
  })

  it('errors that are not refusals carry none', async () => {
    const error = await failureFor((i) => i.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }))
    expect(refusalOf(error)).toBeUndefined()
    expect(refusalOf(undefined)).toBeUndefined()
    expect(fieldRefused(new Error('email is already being used'), 'email')).toBe(false)
  })

  it('a token Zendesk echoes back in its message is redacted', async () => {
    const secretive = new ZendeskHttp(createRequestClient(), BASE_URL, ['sekrit-token-9'])
    nock(BASE_URL).get('/api/v2/users/5').reply(401, { error: 'Bad token sekrit-token-9 for agent' })
    const error = await secretive.get('users/5', ABOUT, anything).catch((e) => e)
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error.message).not.toContain('sekrit-token-9')
    expect(error.message).toContain('[redacted]')
  })
})

describe('answers that are not what Zendesk sends (2xx)', () => {
  const userShape = z.object({ user: z.object({ id: z.number() }) })

  async function answerFailure(reply: (scope: nock.Interceptor) => nock.Scope): Promise<any> {
    const scope = reply(nock(BASE_URL).get('/api/v2/users/5'))
    const error = await http.get('users/5', ABOUT, userShape).then(
      (answer) => ({ answer }),
      (e) => e
    )
    expect(scope.isDone()).toBe(true)
    return error
  }

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body>Maintenance</body></html>', /not JSON.*DOCTYPE html/],
    ['truncated JSON', '{"user":{"id":5,"na', /not JSON.*\{\\"user\\":\{\\"id\\":5/],
    ['JSON of another shape', '{"users":[{"id":5}]}', /\(user: Required\); got .*users/],
    ['a wrong type', '{"user":{"id":"five"}}', /user\.id: Expected number, received string/],
    ['an empty body', '', /not JSON.*an empty body/]
  ])('%s → a retryable 502 saying what was expected and what arrived', async (_, body, said) => {
    const error = await answerFailure((i) => i.reply(200, body, { 'Content-Type': 'application/json' }))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error).not.toBeInstanceOf(TypeError)
    expect(error.message).toContain(ABOUT)
    expect(error.message).toContain("Zendesk's 200 answer")
    expect(error.message).toMatch(said)
    expectWellFormed(error, 502)
  })

  it('what arrived is cut short', async () => {
    const error = await answerFailure((i) => i.reply(200, `<html>${'x'.repeat(10_000)}</html>`))
    expect(error.message.length).toBeLessThan(400)
    expect(error.message).toContain('…')
  })

  it('a 204 on DELETE is fine; any other answer but the body Zendesk sends is retryable', async () => {
    const answer = z.object({ user: z.object({ id: z.number() }) })
    const scope = nock(BASE_URL)
      .delete('/api/v2/users/5')
      .reply(204)
      .delete('/api/v2/users/6')
      .reply(200, '<html>ok</html>')
      .delete('/api/v2/users/7')
      .reply(200, { user: { id: 7 } })
      .delete('/api/v2/users/8')
      .reply(200, '<html>ok</html>')
      .delete('/api/v2/users/9')
      .reply(200, '')
    await expect(http.delete('users/5', ABOUT)).resolves.toBeUndefined()
    await expect(http.delete('users/6', ABOUT)).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('(Zendesk answers 204 No Content); got "<html>ok</html>"')
    })
    await expect(http.delete('users/7', ABOUT, answer)).resolves.toBeUndefined()
    await expect(http.delete('users/8', ABOUT, answer)).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('(not JSON); got "<html>ok</html>"')
    })
    await expect(http.delete('users/9', ABOUT)).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('(Zendesk answers 204 No Content); got an empty body')
    })
    expect(scope.isDone()).toBe(true)
  })

  it('the answer is parsed: keys the schema does not declare are dropped', async () => {
    nock(BASE_URL)
      .get('/api/v2/users/5')
      .reply(200, { user: { id: 5, secret_notes: 'x' }, extra: true })
    const { body } = await http.get('users/5', ABOUT, userShape)
    expect(body).toEqual({ user: { id: 5 } })
  })
})

describe('redirects are never followed', () => {
  it.each([301, 302, 303, 307, 308])('%i → a retryable 502 naming the status and the host', async (status) => {
    const elsewhere = nock('https://evil.example.com')
      .get(/.*/)
      .reply(200, { user: { id: 5 } })
    const error = await failureFor((i) => i.reply(status, '', { Location: 'https://evil.example.com/api/v2/users/5' }))
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.message).toContain(String(status))
    expect(error.message).toContain('evil.example.com')
    expect(error.message).toContain(ABOUT)
    expectWellFormed(error, 502)
    expect(elsewhere.isDone()).toBe(false)
    nock.cleanAll()
  })

  it('a redirect without a Location, or to something that is not a URL, is refused too', async () => {
    const none = await failureFor((i) => i.reply(302, ''))
    expect(none.message).toMatch(/302 \(a redirect to no address\)/)
    const odd = await failureFor((i) => i.reply(307, '', { Location: 'http://[not a host' }))
    expect(odd.message).toMatch(/307 \(a redirect to an address that is not a URL\)/)
    expectWellFormed(odd, 502)
    // A relative Location is resolved against the request: still refused, naming the account's own host.
    const relative = await failureFor((i) => i.reply(308, '', { Location: '/api/v2/users/6' }))
    expect(relative.message).toMatch(/308 \(a redirect to host acme.zendesk.com\)/)
  })
})
