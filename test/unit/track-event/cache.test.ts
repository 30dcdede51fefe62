import type { ZendeskClient } from '../../../src/destinations/zendesk/client'
import { Caches } from '../../../src/destinations/zendesk/lookups/caches'
import { findUserIds, type UserReference } from '../../../src/destinations/zendesk/lookups/users'
import { articleRead, receipt, sent, track, trackData, useNockZendesk, usersFound, zendesk } from './helpers'

useNockZendesk()

const byExternalId = () => zendesk().get('/api/v2/users/show_many').query({ external_ids: '1234' })
const eventsOf = (id: number) => zendesk().post(`/api/v2/users/${id}/events`)
const requestLines = () => sent.map((r) => `${r.method} ${r.path}`)

describe('Track Event: resolved user ids are cached', () => {
  it('a new user costs 2 requests, the same user again costs 1', async () => {
    byExternalId().reply(200, usersFound({ id: 501, external_id: '1234' }))
    eventsOf(501).times(3).reply(202, receipt(501))
    await track({ ...articleRead })
    expect(sent).toHaveLength(2)
    await track({ ...articleRead, event: 'Video Watched', messageId: 'msg-video' })
    await track({ ...articleRead, userId: '1234 ', event: 'Course Finished', messageId: 'msg-course' })
    expect(requestLines()).toEqual([
      'GET /api/v2/users/show_many?external_ids=1234',
      'POST /api/v2/users/501/events',
      'POST /api/v2/users/501/events',
      'POST /api/v2/users/501/events'
    ])
  })

  it('a user found by email after an external_id miss also costs 1 request the next time', async () => {
    byExternalId().reply(200, usersFound())
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"reader@example.com"' })
      .reply(200, usersFound({ id: 502, email: 'reader@example.com' }))
    eventsOf(502).twice().reply(202, receipt(502))
    const event = { ...articleRead, properties: { email: 'reader@example.com' } }
    await track(event)
    expect(sent).toHaveLength(3)
    await track({ ...event, messageId: 'msg-read-again' })
    expect(sent).toHaveLength(4)
  })

  it('a cached id that Zendesk answers 404 for (user deleted) is forgotten and looked up once more', async () => {
    byExternalId().reply(200, usersFound({ id: 501, external_id: '1234' }))
    eventsOf(501).reply(202, receipt(501))
    await track({ ...articleRead })

    eventsOf(501).reply(404, { error: 'RecordNotFound', description: 'Not found' })
    byExternalId().reply(200, usersFound({ id: 777, external_id: '1234' }))
    eventsOf(777).reply(202, receipt(777))
    expect(await trackData({ ...articleRead, messageId: 'msg-2' })).toEqual({ user_id: 777, status: 'received' })

    eventsOf(777).reply(202, receipt(777))
    await track({ ...articleRead, messageId: 'msg-3' })
    expect(requestLines().slice(2)).toEqual([
      'POST /api/v2/users/501/events',
      'GET /api/v2/users/show_many?external_ids=1234',
      'POST /api/v2/users/777/events',
      'POST /api/v2/users/777/events'
    ])
  })

  it('a deleted user with no replacement ends in the not-found error, not a retry loop', async () => {
    byExternalId().reply(200, usersFound({ id: 501, external_id: '1234' }))
    eventsOf(501).reply(404, { error: 'RecordNotFound', description: 'Not found' })
    byExternalId().reply(200, usersFound())
    await expect(track({ ...articleRead })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('No Zendesk user with external_id "1234" exists')
    })
    expect(sent).toHaveLength(3)
  })

  it('a 404 for a user the lookup finds again is reported as is', async () => {
    byExternalId()
      .twice()
      .reply(200, usersFound({ id: 501, external_id: '1234' }))
    eventsOf(501).reply(404, { error: 'RecordNotFound', description: 'Not found' })
    await expect(track({ ...articleRead })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Zendesk has no user 501')
    })
    expect(sent).toHaveLength(3)
  })
})

describe('the user id cache is bounded', () => {
  const origin = 'https://acme.zendesk.com'
  const stubClient = () => {
    const lookups: string[] = []
    const client = {
      account: origin,
      caches: new Caches(),
      users: {
        showManyByExternalIds: async (externalIds: string[]) => {
          lookups.push(...externalIds)
          return new Map(externalIds.map((id) => [id.toLowerCase(), { id: Number(id) + 1 }]))
        }
      }
    } as unknown as ZendeskClient
    return { client, lookups }
  }
  /** The id `findUserIds` gives one reference, as an event's lookup makes it. */
  const idOf = async (client: ZendeskClient, ref: UserReference) => {
    const [lookup] = await findUserIds(client, [ref])
    if (!lookup.ok) throw lookup.error
    return lookup.id
  }

  it('in size: beyond 10,000 users the least recently used id is looked up again', async () => {
    const { client, lookups } = stubClient()
    for (let n = 1; n <= 10001; n++) await idOf(client, { external_id: String(n) })
    expect(lookups).toHaveLength(10001)
    await idOf(client, { external_id: '10001' })
    expect(lookups).toHaveLength(10001)
    expect(await idOf(client, { external_id: '1' })).toBe(2)
    expect(lookups).toHaveLength(10002)
  })

  it('in age: an id older than 10 minutes is looked up again', async () => {
    const { client, lookups } = stubClient()
    const now = Date.now()
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now)
    try {
      await idOf(client, { external_id: '42' })
      clock.mockReturnValue(now + 10 * 60 * 1000 - 1)
      await idOf(client, { external_id: '42' })
      expect(lookups).toEqual(['42'])
      clock.mockReturnValue(now + 10 * 60 * 1000 + 1)
      await idOf(client, { external_id: '42' })
      expect(lookups).toEqual(['42', '42'])
    } finally {
      clock.mockRestore()
    }
  })
})
