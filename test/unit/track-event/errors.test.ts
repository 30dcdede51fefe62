import { APIError, InvalidAuthenticationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { articleRead, sent, track, useNockZendesk, usersFound, zendesk } from './helpers'

useNockZendesk()

const direct = { ...articleRead, context: { zendesk_user_id: '77' } }
const eventsApi = () => zendesk().post('/api/v2/users/77/events')

async function failure(event: Record<string, unknown>): Promise<any> {
  const error = await track(event).then(
    () => undefined,
    (e: unknown) => e
  )
  if (!error) throw new Error('the event was expected to fail')
  return error
}

describe('Track Event: Zendesk errors', () => {
  it('429 is retryable, carrying Retry-After', async () => {
    eventsApi().reply(429, 'Number of allowed API requests per minute exceeded', { 'Retry-After': '30' })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 30 })
    expect(error.message).toContain('Retry after 30 s')
  })

  it('429 on the user lookup is retryable too, and nothing is posted', async () => {
    zendesk().get('/api/v2/users/show_many').query(true).reply(429, 'Too many requests', { 'Retry-After': '7' })
    const error = await failure({ ...articleRead })
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 })
    expect(sent).toHaveLength(1)
  })

  it('500 is retryable', async () => {
    eventsApi().reply(500, { error: 'InternalError' })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.status).toBe(500)
  })

  it('401 is an authentication error that names no credential', async () => {
    eventsApi().reply(401, { error: "Couldn't authenticate you" })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error.status).toBe(401)
    expect(error.message).not.toContain('test-token')
  })

  it('403 is not retryable and says the Events API must be available and activated', async () => {
    eventsApi().reply(403, { error: 'Forbidden', description: 'You do not have access to this page' })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(APIError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.status).toBe(403)
    expect(error.message).toContain('You do not have access to this page')
    expect(error.message).toContain('Events API')
  })

  it('404 for a zendesk_user_id is not retryable, names the user and is not followed by a search', async () => {
    eventsApi().reply(404, { error: 'RecordNotFound', description: 'Not found' })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(APIError)
    expect(error.status).toBe(404)
    expect(error.message).toContain('user 77')
    expect(sent).toHaveLength(1)
  })

  it('409 is retryable with its status', async () => {
    eventsApi().reply(409, { error: 'DatabaseConflict', description: 'Database collision' })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.status).toBe(409)
  })

  it.each([400, 422])("%s from the Events API is a payload error with Zendesk's titles", async (status) => {
    eventsApi().reply(status, {
      errors: [
        { code: 'TypeNotValid', id: 'c21d8981', title: 'Event type is too long' },
        { code: 'StartTimestampNotValid', id: 'c21d8982', title: 'Start Timestamp not valid' }
      ]
    })
    const error = await failure(direct)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.status).toBe(400)
    expect(error.message).toContain('Event type is too long; Start Timestamp not valid')
  })

  it('an unknown user is a non-retryable 404 naming what was searched, and nothing is posted', async () => {
    zendesk().get('/api/v2/users/show_many').query({ external_ids: '1234' }).reply(200, usersFound())
    zendesk().get('/api/v2/users/search').query({ query: 'email:"nobody@example.com"' }).reply(200, usersFound())
    const error = await failure({ ...articleRead, properties: { email: 'nobody@example.com' } })
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.status).toBe(404)
    expect(error.message).toContain('No Zendesk user with external_id "1234" or email "nobody@example.com" exists')
    expect(error.message).toContain('never creates users')
    expect(sent.map((r) => r.method)).toEqual(['GET', 'GET'])
  })
})
