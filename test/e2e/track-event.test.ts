import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

const trackEventOnly = presetSubscriptions.filter((s: any) => s.partnerAction === 'trackEvent')

/** The seed's "Article Read" example, with a fixed timestamp. */
const articleRead = {
  type: 'track' as const,
  event: 'Article Read',
  userId: '1234',
  messageId: 'msg-article-read',
  timestamp: '2024-05-01T10:00:00.000Z',
  properties: { title: 'How to use Customer.io', course: 'Intro to Customer.io' }
}

describe('Track Event end to end on the simulator', () => {
  let harness: SimulatorHarness
  const sim = () => harness.simulator
  const apiRequests = () => sim().requests.map((r) => `${r.method} ${r.path} ${r.status}`)
  const userCount = () => sim().state().users.length

  beforeAll(async () => {
    harness = await startHarness({ account: 'bulk-import', endpointLimits: false })
  })
  beforeEach(() => {
    sim().reset()
    resetDestinationState()
  })
  afterAll(() => harness.close())

  it('stores the seed\'s "Article Read" event on the user with external_id 1234, through all presets', async () => {
    const reader = sim().seed.user({ name: 'Reader', external_id: '1234', email: 'reader@example.com' })
    const users = userCount()

    const results = await harness.send(articleRead)

    expect(results.find((r) => r.output === 'Action Executed')?.data).toEqual({
      user_id: reader.id,
      status: 'received'
    })
    expect(sim().state().events).toEqual([
      expect.objectContaining({
        user_id: reader.id,
        source: 'segment',
        type: 'Article Read',
        description: null,
        properties: articleRead.properties,
        created_at: '2024-05-01T10:00:00.000Z'
      })
    ])
    expect(apiRequests()).toEqual(['GET /api/v2/users/show_many 200', `POST /api/v2/users/${reader.id}/events 202`])
    expect(sim().requests[0].query).toEqual({ external_ids: '1234' })
    expect(userCount()).toBe(users)
  })

  it('sends to context.zendesk_user_id with no search, even when userId names someone else', async () => {
    const target = sim().seed.user({ name: 'Target' })
    sim().seed.user({ name: 'Other', external_id: '1234' })

    await harness.send({ ...articleRead, context: { zendesk_user_id: String(target.id) } }, trackEventOnly)

    expect(apiRequests()).toEqual([`POST /api/v2/users/${target.id}/events 202`])
    expect(
      sim()
        .state()
        .events.map((e) => e.user_id)
    ).toEqual([target.id])
  })

  it('finds a user by properties.email when no user has the userId, without changing the user', async () => {
    const byEmail = sim().seed.user({ name: 'Mail Only', email: 'Person@Example.com' })
    const before = sim()
      .state()
      .users.find((u) => u.id === byEmail.id)

    await harness.send(
      { ...articleRead, userId: 'cio-42', properties: { email: 'person@example.com' } },
      trackEventOnly
    )

    expect(sim().state().events).toEqual([
      expect.objectContaining({ user_id: byEmail.id, properties: { email: 'person@example.com' } })
    ])
    expect(sim().requests.map((r) => r.query)).toEqual([
      { external_ids: 'cio-42' },
      { query: 'email:"person@example.com"' },
      {}
    ])
    expect(
      sim()
        .state()
        .users.find((u) => u.id === byEmail.id)
    ).toEqual(before)
  })

  it('rejects an event for an unknown user and creates no user', async () => {
    const users = userCount()

    await expect(
      harness.send({ ...articleRead, userId: 'nobody', properties: { email: 'nobody@example.com' } }, trackEventOnly)
    ).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('No Zendesk user with external_id "nobody" or email "nobody@example.com" exists')
    })

    expect(sim().state().events).toEqual([])
    expect(userCount()).toBe(users)
    expect(sim().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v2/users/show_many',
      'GET /api/v2/users/search'
    ])
  })

  it.each(['Ticket Created', 'Ticket Updated'])(
    'does not take "%s" events, which belong to the ticket actions',
    async (event) => {
      sim().seed.user({ name: 'Reader', external_id: '1234' })

      expect(await harness.send({ ...articleRead, event }, trackEventOnly)).toEqual([{ output: 'not subscribed' }])

      expect(sim().requests).toEqual([])
      expect(sim().state().events).toEqual([])
    }
  )

  it('a batch of 100 events for 100 users not looked up before costs one lookup request, then one per event', async () => {
    const readers = Array.from({ length: 100 }, (_, i) =>
      sim().seed.user({ name: `Reader ${i}`, external_id: `reader-${i}` })
    )
    const events = readers.map((_, i) => ({ ...articleRead, userId: `reader-${i}`, messageId: `read-${i}` }))

    const [{ multistatus }] = await harness.sendBatch(events, trackEventOnly)

    expect(multistatus.map((r: any) => r.body?.user_id)).toEqual(readers.map((r) => r.id))
    expect(
      sim()
        .state()
        .events.map((e) => e.user_id)
        .sort()
    ).toEqual(readers.map((r) => r.id).sort())
    const lookups = sim().requests.filter((r) => r.method === 'GET')
    expect(lookups.length).toBeLessThanOrEqual(3)
    expect(lookups.map((r) => r.path)).toEqual(['/api/v2/users/show_many'])
    expect(sim().requests).toHaveLength(101)
  })

  it('sends a batch with repeated users: one lookup for all distinct users, one event each, its own result', async () => {
    const ann = sim().seed.user({ name: 'Ann', external_id: 'ann' })
    const bob = sim().seed.user({ name: 'Bob', external_id: 'bob' })
    const cat = sim().seed.user({ name: 'Cat', email: 'cat@example.com' })
    const event = (userId: string | undefined, name: string, extra: Record<string, unknown> = {}) => ({
      ...articleRead,
      userId,
      event: name,
      messageId: `${userId}-${name}`,
      ...extra
    })

    const [{ multistatus }] = await harness.sendBatch(
      [
        event('ann', 'A1'),
        event('bob', 'B1'),
        event('ann', 'A2'),
        event(undefined, 'C1', { anonymousId: 'anon', properties: { email: 'cat@example.com' } }),
        event('ghost', 'G1'),
        event('bob', 'B2'),
        event('ann', 'A3'),
        event(undefined, 'C2', { anonymousId: 'anon', properties: { email: 'CAT@example.com' } }),
        event('ann', 'Ticket Created')
      ],
      trackEventOnly
    )

    expect(multistatus.map((r: any) => r.status)).toEqual([200, 200, 200, 200, 404, 200, 200, 200, 400])
    expect(multistatus.map((r: any) => r.body?.user_id ?? null)).toEqual([
      ann.id,
      bob.id,
      ann.id,
      cat.id,
      null,
      bob.id,
      ann.id,
      cat.id,
      null
    ])
    const stored = sim().state().events
    const typesOf = (userId: number) =>
      stored
        .filter((e) => e.user_id === userId)
        .map((e) => e.type)
        .sort()
    expect(typesOf(ann.id)).toEqual(['A1', 'A2', 'A3'])
    expect(typesOf(bob.id)).toEqual(['B1', 'B2'])
    expect(typesOf(cat.id)).toEqual(['C1', 'C2'])
    expect(stored).toHaveLength(7)
    const lookups = sim().requests.filter((r) => r.method === 'GET')
    expect(lookups.map((r) => `${r.path} ${JSON.stringify(r.query)}`)).toEqual([
      '/api/v2/users/show_many {"external_ids":"ann,bob,ghost"}',
      '/api/v2/users/search {"query":"email:\\"cat@example.com\\""}'
    ])
    expect(sim().requests.filter((r) => r.method === 'POST')).toHaveLength(7)
  })
})
