import {
  anonymousArticleRead,
  articleRead,
  authorizations,
  receipt,
  sent,
  track,
  trackData,
  useNockZendesk,
  usersFound,
  zendesk
} from './helpers'

useNockZendesk()

describe('Track Event: single events', () => {
  it('finds the seed\'s "Article Read" user by external_id and posts the event on that user', async () => {
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: '1234' })
      .reply(200, usersFound({ id: 501, external_id: '1234' }))
    zendesk().post('/api/v2/users/501/events').reply(202, receipt(501))

    expect(await trackData({ ...articleRead })).toEqual({ user_id: 501, status: 'received' })
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v2/users/show_many?external_ids=1234',
      'POST /api/v2/users/501/events'
    ])
    expect(sent[1].body).toEqual({
      event: {
        source: 'segment',
        type: 'Article Read',
        properties: { title: 'How to use Customer.io', course: 'Intro to Customer.io' },
        created_at: '2024-05-01T10:00:00.000Z'
      }
    })
  })

  it('sends the request body shown in the snapshot, with credentials only in the Authorization header', async () => {
    zendesk().post('/api/v2/users/77/events').reply(202, receipt(77))
    await track({
      ...articleRead,
      context: { zendesk_user_id: 77 },
      properties: { ...articleRead.properties, email: 'reader@example.com', nested: { level: 2, tags: ['a', 'b'] } }
    })
    const [request] = sent
    const basic = Buffer.from('agent@example.com/token:test-token').toString('base64')
    expect(authorizations).toEqual([`Basic ${basic}`])
    const snapshot = JSON.stringify(request.body)
    expect(snapshot).not.toContain('test-token')
    expect(snapshot).not.toContain(basic)
    expect(request.body).toMatchSnapshot()
  })

  it('posts straight to context.zendesk_user_id without any search', async () => {
    zendesk().post('/api/v2/users/9001/events').reply(202, receipt(9001))
    expect(await trackData({ ...articleRead, context: { zendesk_user_id: '9001' } })).toEqual({
      user_id: 9001,
      status: 'received'
    })
    expect(sent).toHaveLength(1)
  })

  it('finds the user by properties.email, quoted, when there is no userId', async () => {
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"reader@example.com"' })
      .reply(200, usersFound({ id: 502, email: 'Reader@Example.com' }))
    zendesk().post('/api/v2/users/502/events').reply(202, receipt(502))
    await track({ ...anonymousArticleRead, properties: { email: 'reader@example.com' } })
    expect(sent.map((r) => r.path)).toEqual([
      '/api/v2/users/search?query=email:"reader@example.com"',
      '/api/v2/users/502/events'
    ])
  })

  it('falls back to context.traits.email when properties.email is absent', async () => {
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"traits@example.com"' })
      .reply(200, usersFound({ id: 503, email: 'traits@example.com' }))
    zendesk().post('/api/v2/users/503/events').reply(202, receipt(503))
    expect(await trackData({ ...anonymousArticleRead, context: { traits: { email: 'traits@example.com' } } })).toEqual({
      user_id: 503,
      status: 'received'
    })
  })

  it('tries the email when no user has the external_id', async () => {
    zendesk().get('/api/v2/users/show_many').query({ external_ids: '1234' }).reply(200, usersFound())
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"reader@example.com"' })
      .reply(200, usersFound({ id: 504, email: 'reader@example.com' }))
    zendesk().post('/api/v2/users/504/events').reply(202, receipt(504))
    expect(await trackData({ ...articleRead, properties: { email: 'reader@example.com' } })).toEqual({
      user_id: 504,
      status: 'received'
    })
  })

  it('sends a mapped source and description, a numeric timestamp as ISO-8601, and {} for no properties', async () => {
    zendesk().post('/api/v2/users/77/events').reply(202, receipt(77))
    const results = await track({
      ...articleRead,
      properties: undefined,
      context: { zendesk_user_id: '77' },
      timestamp: 1714557600000
    })
    expect(results.at(-1).output).toBe('Action Executed')
    expect(sent[0].body.event).toEqual({
      source: 'segment',
      type: 'Article Read',
      properties: {},
      created_at: '2024-05-01T10:00:00.000Z'
    })
  })

  it('takes source and description from the mapping', async () => {
    zendesk().post('/api/v2/users/77/events').reply(202, receipt(77))
    await track(
      { ...articleRead, context: { zendesk_user_id: '77' } },
      { source: 'web-app', description: { '@path': '$.properties.title' } }
    )
    expect(sent[0].body.event).toMatchObject({ source: 'web-app', description: 'How to use Customer.io' })
  })

  it('leaves ticket events to the ticket actions', async () => {
    expect(await track({ ...articleRead, event: 'Ticket Created' })).toEqual([{ output: 'not subscribed' }])
    expect(await track({ ...articleRead, event: 'Ticket Updated' })).toEqual([{ output: 'not subscribed' }])
    expect(sent).toEqual([])
  })
})
