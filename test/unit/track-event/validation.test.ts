import { PayloadValidationError } from '@segment/actions-core'
import { anonymousArticleRead, articleRead, sent, track, useNockZendesk, usersFound, zendesk } from './helpers'

useNockZendesk()

async function rejected(event: Record<string, unknown>, mapping?: Record<string, unknown>): Promise<any> {
  const error = await track(event, mapping).then(
    () => undefined,
    (e: unknown) => e
  )
  if (!error) throw new Error('the event was expected to be rejected')
  return error
}

describe('Track Event: bad input is rejected with a 400 before any request', () => {
  it.each(['zendesk', 'Zendesk', ' ZENDESK '])('source %j (reserved by Zendesk)', async (source) => {
    const error = await rejected({ ...articleRead }, { source })
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.status).toBe(400)
    expect(error.message).toContain('source "zendesk" is reserved')
    expect(sent).toEqual([])
  })

  it('an empty source', async () => {
    const error = await rejected({ ...articleRead }, { source: '   ' })
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('source is empty')
  })

  it('no user reference: no zendesk_user_id, userId or email', async () => {
    const error = await rejected(anonymousArticleRead)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('zendesk_user_id, external_id or email')
    expect(sent).toEqual([])
  })

  it.each(['abc', '12/../34', '12?x=1', '0', '-5', '1.5'])('zendesk_user_id %j', async (id) => {
    const error = await rejected({ ...articleRead, context: { zendesk_user_id: id } })
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('zendesk_user_id must be a numeric Zendesk user id')
    expect(sent).toEqual([])
  })

  it.each(['a@example.com" OR role:admin', 'a@example.com role:admin', 'not-an-email', '(a)@example.com'])(
    'email %j, which would be Zendesk search syntax',
    async (email) => {
      const error = await rejected({ ...anonymousArticleRead, properties: { email } })
      expect(error).toBeInstanceOf(PayloadValidationError)
      expect(error.message).toContain('not an email address Zendesk can search for')
      expect(sent).toEqual([])
    }
  )

  it('an event time that is not a date', async () => {
    const error = await rejected({ ...articleRead, context: { zendesk_user_id: '77' } }, { created_at: 'yesterday' })
    expect(error.status).toBe(400)
    expect(sent).toEqual([])
  })

  it('an empty event name', async () => {
    const error = await rejected({ ...articleRead, context: { zendesk_user_id: '77' } }, { event_type: ' ' })
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('event_type is empty')
  })
})

describe('Track Event: search results are matched exactly', () => {
  it('a wildcard email never resolves to a user that only resembles it', async () => {
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"*@example.com"' })
      .reply(200, usersFound({ id: 600, email: 'someone@example.com' }))
    const error = await rejected({ ...anonymousArticleRead, properties: { email: '*@example.com' } })
    expect(error.status).toBe(404)
    expect(sent.map((r) => r.method)).toEqual(['GET'])
  })
})
