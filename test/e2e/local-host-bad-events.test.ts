import type { SegmentEvent } from '@segment/actions-core'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { call } from '../helpers/local-host-client'

const homer = { userId: 'homer', traits: { name: 'Homer Simpson', email: 'homer@example.com' } }
const CONTEXT_NULL = /^context is null: .*actions-core cannot run an event whose context is null.*leave context out\.$/

/**
 * Events the local host can never deliver, or has nothing to deliver to: each is answered at once for what it is,
 * none is retried (no next try, not pending) and none is reported delivered.
 */
describe('the local host and bad events', () => {
  let host: LocalHost
  const logged: string[] = []
  const post = (path: string, body: unknown) => call(host, 'POST', path, body)
  const delivery = (id: string) => call(host, 'GET', `/deliveries?id=${id}`).then((answer) => answer.body)
  const apiRequests = () => host.simulator!.requests.filter((r) => r.path.startsWith('/api/'))

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, env: {}, log: (line) => logged.push(line) })
  })
  afterAll(() => host.close())
  beforeEach(async () => {
    await host.target.resetSimulator!()
    logged.length = 0
  })

  /** A delivery that is settled for good: not delivered, no next try, not among the pending ones. */
  async function expectFinal(id: string, state: string) {
    const view = await delivery(id)
    expect(view.state).toBe(state)
    expect(view.nextTryAt).toBeUndefined()
    expect((await host.deliveries.pending()).map((pending) => pending.id)).not.toContain(id)
    return view
  }

  test('an event with context: null is rejected at once with the reason; nothing is sent, nothing retried', async () => {
    const { status, body } = await post('/v1/identify', { ...homer, context: null })
    expect(status).toBe(200)
    expect(body).toMatchObject({ state: 'rejected', type: 'identify', description: 'identify userId=homer' })
    expect(body.reason).toMatch(CONTEXT_NULL)
    expect(body.actions).toEqual([])
    const view = await expectFinal(body.deliveryId, 'rejected')
    expect(view).toMatchObject({ attempts: 0, reason: body.reason })
    expect(apiRequests()).toEqual([])
    expect(logged).toContainEqual(`  ${body.deliveryId} identify userId=homer → rejected: ${body.reason}`)
  })

  test('so is an event whose context.personas is null', async () => {
    const { body } = await post('/v1/track', { userId: 'homer', event: 'Donut Eaten', context: { personas: null } })
    expect(body.state).toBe('rejected')
    expect(body.reason).toMatch(/^context\.personas is null: /)
    await expectFinal(body.deliveryId, 'rejected')
  })

  test('an event that matches no subscription is recorded as such, not as delivered', async () => {
    const { body } = await post('/v1/batch', { batch: [{ type: 'page', userId: 'homer', name: 'Home' }] })
    expect(body.events).toEqual([expect.objectContaining({ state: 'no subscription matched', actions: [] })])
    const [{ deliveryId }] = body.events
    await expectFinal(deliveryId, 'no subscription matched')
    expect(logged).toContainEqual(`  ${deliveryId} page userId=homer → no subscription matched`)
  })

  test('each element of a batch is judged alone: the bad ones are rejected, the others delivered', async () => {
    const { status, body } = await post('/v1/batch', {
      batch: [
        null,
        { type: 'identify', ...homer },
        42,
        { userId: 'no-type' },
        { type: 'identify', userId: 'marge', context: null, traits: { name: 'Marge Simpson' } },
        { type: 'group', groupId: 'springfield', traits: { name: 'Springfield' } }
      ]
    })
    expect(status).toBe(200)
    expect(body.events.map((event: any) => [event.state, event.reason])).toEqual([
      ['rejected', 'batch[0] is null, not an event: each element of "batch" is a JSON object.'],
      ['delivered', undefined],
      ['rejected', 'batch[2] is a number, not an event: each element of "batch" is a JSON object.'],
      ['rejected', 'batch[3]: An event needs a "type" (identify, track, group, …).'],
      ['rejected', expect.stringMatching(CONTEXT_NULL)],
      ['delivered', undefined]
    ])
    for (const event of body.events) expect(event.deliveryId).toMatch(/^d\d+$/)
    for (const index of [0, 2, 3, 4]) await expectFinal(body.events[index].deliveryId, 'rejected')
    const { users, organizations } = host.simulator!.state()
    expect(users.map((user) => user.external_id)).toContain('homer')
    expect(users.map((user) => user.external_id)).not.toContain('marge')
    expect(organizations.map((organization) => organization.external_id)).toContain('springfield')
  })

  test('a batch whose events are all bad is answered, with nothing run', async () => {
    const { status, body } = await post('/v1/batch', { batch: [null, 'identify'] })
    expect(status).toBe(200)
    expect(body.events.map((event: any) => event.state)).toEqual(['rejected', 'rejected'])
    expect(apiRequests()).toEqual([])
  })

  test('a group without groupId is rejected, saying to send groupId — alone and in a batch', async () => {
    const alone = await post('/v1/group', { userId: 'homer', traits: { name: 'Springfield' } })
    expect(alone.body.state).toBe('rejected')
    expect(alone.body.actions).toEqual([
      expect.objectContaining({
        action: 'upsertOrganization',
        result: 'rejected',
        status: 400,
        message: expect.stringContaining("Group ID (external_id) comes from the event's groupId: send groupId.")
      })
    ])
    await expectFinal(alone.body.deliveryId, 'rejected')

    const batch = await post('/v1/batch', {
      batch: [
        { type: 'group', userId: 'homer', traits: { name: 'Springfield' } },
        { type: 'group', groupId: 'shelbyville', traits: { name: 'Shelbyville' } }
      ]
    })
    expect(batch.body.events[0].actions[0].message).toContain('send groupId.')
    expect(batch.body.events.map((event: any) => event.state)).toEqual(['rejected', 'delivered'])
  })

  test('a body over 5 MB is refused whole, and nothing of it is accepted', async () => {
    const before = (await host.deliveries.list()).length
    const padding = 'x'.repeat(5 * 1024 * 1024)
    const { status, body } = await post('/v1/batch', { batch: [{ type: 'identify', ...homer, traits: { padding } }] })
    expect(status).toBe(413)
    expect(body.error).toBe('The body is larger than 5242880 bytes.')
    expect(await host.deliveries.list()).toHaveLength(before)
  })

  test('a track without event names the event path Track Event’s Event Type comes from', async () => {
    const { body } = await post('/v1/track', { userId: 'homer', properties: { flavour: 'pink' } })
    const trackEvent = body.actions.find((action: any) => action.action === 'trackEvent')
    expect(trackEvent).toMatchObject({ result: 'rejected', status: 400 })
    expect(trackEvent.message).toMatch(/ comes from the event's event: send event\.$/)
  })
})

describe('the runner when actions-core fails on an event before the destination runs', () => {
  let host: LocalHost

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, env: {}, log: () => undefined })
  })
  afterAll(() => host.close())

  // Replay and the mapping page run events without the routes' checks: the runner itself must not retry them.
  const broken = { type: 'identify', userId: 'marge', context: null, messageId: 'm-broken' } as unknown as SegmentEvent
  const valid = { type: 'identify', messageId: 'm-valid', ...homer } as unknown as SegmentEvent

  test('one event: rejected with actions-core’s own message, not retryable', async () => {
    const report = await host.runner.runEvent(broken)
    expect(report.actions).toEqual([
      expect.objectContaining({
        action: 'upsertUser',
        result: 'rejected',
        status: 400,
        message: expect.stringMatching(/^actions-core could not run this event \(TypeError: .*not retried/)
      })
    ])
  })

  test('in a batch: the call failed as a whole, so each event is judged alone and only the broken one is rejected', async () => {
    const report = await host.runner.runBatch([valid, broken])
    expect(report.events.map((event) => event.actions.map((action) => action.result))).toEqual([
      ['delivered'],
      ['rejected']
    ])
    expect(host.simulator!.state().users.find((user) => user.external_id === 'homer')).toBeDefined()
  })
})
