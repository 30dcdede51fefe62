import { resetState } from '../support'
import { until } from '../../helpers/test-clock'
import { articleRead, receipt, sent, track, trackBatch, useNockZendesk, usersFound, zendesk } from './helpers'

useNockZendesk()

const eventFor = (userId: string, name: string, extra: Record<string, unknown> = {}) => ({
  ...articleRead,
  userId,
  event: name,
  messageId: `${userId}-${name}`,
  ...extra
})
const byExternalId = (id: string) => zendesk().get('/api/v2/users/search').query({ external_id: id })
const showMany = (ids: string) => zendesk().get('/api/v2/users/show_many').query({ external_ids: ids })
const notFound = { error: 'RecordNotFound', description: 'Not found' }

describe('Track Event: batches', () => {
  it('looks the distinct users up once, together, then gives every event its own result', async () => {
    showMany('u1,u2,ghost').reply(200, usersFound({ id: 12, external_id: 'u2' }, { id: 11, external_id: 'U1' }))
    zendesk().post('/api/v2/users/11/events').times(3).reply(202, receipt(11))
    zendesk().post('/api/v2/users/12/events').twice().reply(202, receipt(12))
    zendesk().post('/api/v2/users/99/events').reply(202, receipt(99))

    const results = await trackBatch([
      eventFor('u1', 'A'),
      eventFor('u2', 'B'),
      eventFor('U1', 'C'),
      eventFor('ghost', 'D'),
      eventFor('u1', 'E'),
      eventFor('u2', 'F'),
      { ...eventFor('x', 'G'), userId: undefined, anonymousId: 'anon' },
      eventFor('u3', 'H', { context: { zendesk_user_id: '99' } }),
      eventFor('ghost', 'I')
    ])

    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 404, 200, 200, 400, 200, 404])
    expect(results.map((r) => r.body?.user_id)).toEqual([11, 12, 11, undefined, 11, 12, undefined, 99, undefined])
    expect(results[3].errormessage).toContain('No Zendesk user with external_id "ghost" exists')
    expect(results[6].errormessage).toContain('zendesk_user_id, external_id or email')
    expect(results[0].sent).toMatchObject({ external_id: 'u1', event_type: 'A', source: 'segment' })
    const lookups = sent.filter((r) => r.method === 'GET').map((r) => decodeURIComponent(r.path))
    expect(lookups).toEqual(['/api/v2/users/show_many?external_ids=u1,u2,ghost'])
    const posted = sent.filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.body.event.type}`)
    expect(posted.sort()).toEqual([
      '/api/v2/users/11/events A',
      '/api/v2/users/11/events C',
      '/api/v2/users/11/events E',
      '/api/v2/users/12/events B',
      '/api/v2/users/12/events F',
      '/api/v2/users/99/events H'
    ])
  })

  it('a show_many Zendesk refuses for one odd external_id has each user looked up alone: only that event fails', async () => {
    showMany('u1,bad%00id').reply(400, { error: 'InvalidValue', description: 'Invalid external_ids' })
    byExternalId('u1').reply(200, usersFound({ id: 11, external_id: 'u1' }))
    byExternalId('bad%00id').reply(400, { error: 'InvalidValue', description: 'Invalid external_id' })
    zendesk().post('/api/v2/users/11/events').reply(202, receipt(11))
    const results = await trackBatch([eventFor('u1', 'A'), eventFor('bad%00id', 'B')])
    expect(results.map((r) => r.status)).toEqual([200, 400])
  })

  it('sends at most 5 events at once', async () => {
    /** The sends Zendesk has not answered yet, each answered by calling it. */
    const unanswered: (() => void)[] = []
    let most = 0
    zendesk()
      .post('/api/v2/users/7/events')
      .times(12)
      .reply((_uri, _body, answer) => {
        unanswered.push(() => answer(null, [202, receipt(7)]))
        most = Math.max(most, unanswered.length)
      })
    const events = Array.from({ length: 12 }, (_, i) => eventFor('u7', `E${i}`, { context: { zendesk_user_id: '7' } }))
    const results = trackBatch(events)
    // Each send is answered once as many are in flight as may be.
    for (let answered = 0; answered < 12; answered++) {
      await until(() => unanswered.length === Math.min(5, 12 - answered))
      unanswered.shift()!()
    }
    expect((await results).every((r) => r.status === 200)).toBe(true)
    expect(most).toBe(5)
  })

  it('one failing event does not fail the others', async () => {
    zendesk().post('/api/v2/users/7/events').reply(202, receipt(7))
    zendesk()
      .post('/api/v2/users/8/events')
      .reply(422, { errors: [{ code: 'PropertiesNotValid', title: 'Properties are too large' }] })
    zendesk().post('/api/v2/users/9/events').reply(500, { error: 'InternalError' })
    const results = await trackBatch([
      eventFor('a', 'ok', { context: { zendesk_user_id: '7' } }),
      eventFor('b', 'too big', { context: { zendesk_user_id: '8' } }),
      eventFor('c', 'unlucky', { context: { zendesk_user_id: '9' } })
    ])
    expect(results.map((r) => r.status)).toEqual([200, 400, 500])
    expect(results[1].errormessage).toContain('Properties are too large')
    expect(results[2].errortype).toBe('INTERNAL_SERVER_ERROR')
  })

  it('after a 429 no more requests are made: the remaining events fail with the same retryable error', async () => {
    let requests = 0
    zendesk()
      .post('/api/v2/users/7/events')
      .times(20)
      .optionally()
      .reply(() => {
        requests++
        return [429, 'Rate limited', { 'Retry-After': '12' }]
      })
    const events = Array.from({ length: 20 }, (_, i) => eventFor('u7', `E${i}`, { context: { zendesk_user_id: '7' } }))
    const results = await trackBatch(events)
    expect(results.every((r) => r.status === 429)).toBe(true)
    expect(results.every((r) => r.errormessage.includes('Retry after 12 s'))).toBe(true)
    expect(requests).toBeGreaterThanOrEqual(1)
    expect(requests).toBeLessThanOrEqual(5)
  })

  it('a user that was deleted since it was cached is looked up once again for the whole batch', async () => {
    showMany('u1').reply(200, usersFound({ id: 11, external_id: 'u1' }))
    zendesk().post('/api/v2/users/11/events').reply(202, receipt(11))
    await trackBatch([eventFor('u1', 'first')])

    zendesk().post('/api/v2/users/11/events').times(3).reply(404, notFound)
    showMany('u1').reply(200, usersFound({ id: 21, external_id: 'u1' }))
    zendesk().post('/api/v2/users/21/events').times(3).reply(202, receipt(21))
    const results = await trackBatch([eventFor('u1', 'A'), eventFor('u1', 'B'), eventFor('u1', 'C')])
    expect(results.map((r) => [r.status, r.body.user_id])).toEqual([
      [200, 21],
      [200, 21],
      [200, 21]
    ])
    expect(sent.filter((r) => r.method === 'GET')).toHaveLength(2)
  })

  it('a reserved source fails every event with a 400 and sends nothing', async () => {
    const results = await trackBatch([eventFor('u1', 'A'), eventFor('u2', 'B')], { source: 'zendesk' })
    expect(results.map((r) => r.status)).toEqual([400, 400])
    expect(results[0].errormessage).toContain('source "zendesk" is reserved')
    expect(sent).toEqual([])
  })
})

describe('Track Event: perform and performBatch run the same pipeline', () => {
  /** Runs `scenario` for one event, then again on a fresh instance for a batch of that one event. */
  async function bothWays(event: Record<string, unknown>, scenario: () => void) {
    scenario()
    const single = await track(event).then(
      (results) => ({ ok: true, data: results.find((r) => r.output === 'Action Executed')?.data }),
      (error) => ({ ok: false, error })
    )
    const singleRequests = sent.map((r) => `${r.method} ${r.path}`)
    resetState()
    sent.length = 0
    scenario()
    const [batched] = await trackBatch([event])
    return { single, singleRequests, batched, batchRequests: sent.map((r) => `${r.method} ${r.path}`) }
  }

  it('a user found by external_id: the same result and the same two requests', async () => {
    const { single, singleRequests, batched, batchRequests } = await bothWays(eventFor('u1', 'A'), () => {
      showMany('u1').reply(200, usersFound({ id: 11, external_id: 'u1' }))
      zendesk().post('/api/v2/users/11/events').reply(202, receipt(11))
    })
    expect(single).toEqual({ ok: true, data: { user_id: 11, status: 'received' } })
    expect(batched).toMatchObject({ status: 200, body: { user_id: 11, status: 'received' } })
    expect(batchRequests).toEqual(singleRequests)
    expect(singleRequests).toEqual(['GET /api/v2/users/show_many?external_ids=u1', 'POST /api/v2/users/11/events'])
  })

  it('a user Zendesk does not have: the same error, and nothing posted', async () => {
    const { single, singleRequests, batched, batchRequests } = await bothWays(eventFor('ghost', 'A'), () => {
      showMany('ghost').reply(200, usersFound())
    })
    const error = (single as { error: Error & { status: number } }).error
    expect(error.status).toBe(404)
    expect(batched).toMatchObject({ status: error.status, errormessage: error.message })
    expect(batchRequests).toEqual(singleRequests)
    expect(singleRequests).toEqual(['GET /api/v2/users/show_many?external_ids=ghost'])
  })
})
