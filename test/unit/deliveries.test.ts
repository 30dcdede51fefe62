import type { SegmentEvent } from '@segment/actions-core'
import { Deliveries, MemoryDeliveryStore, type DeliveryStore, type RetryOptions } from '../../src/cli/deliveries'
import { outcomeLine } from '../../src/cli/delivery-rules'
import { PostgresDeliveryStore } from '../../src/cli/postgres-deliveries'
import type { ReceivedEvent } from '../../src/cli/segment-events'
import { retryAfterOf, type ActionResult, type EventReport, type EventRunner } from '../../src/cli/run-events'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'
import { TestClock } from '../helpers/test-clock'

let postgres: RunningPostgres
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())

const event = { type: 'identify', userId: 'u1', messageId: 'm1' } as unknown as SegmentEvent
const label = { action: 'upsertUser', subscription: 'Upsert User' }
const retryable = (retryAfterSeconds?: number): ActionResult => ({
  ...label,
  result: 'retryable',
  status: 429,
  message: 'Zendesk rate limit',
  ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
})
const delivered: ActionResult = { ...label, result: 'delivered', status: 200 }
const report = (actions: ActionResult[]): EventReport => ({
  messageId: 'm1',
  type: 'identify',
  description: 'identify userId=u1',
  actions
})

/** A runner whose retries answer the given results in turn, recording when each retry ran on `clock`. */
function fakeRunner(clock: TestClock, answers: ActionResult[][]) {
  const retriedAt: number[] = []
  const runner = {
    subscriptionsFor: () => [],
    runBatch: async (events: SegmentEvent[], only: (i: number, s: { name: string }) => boolean) => {
      retriedAt.push(clock.now())
      expect(only(0, { name: 'Upsert User' })).toBe(true)
      expect(only(0, { name: 'Track Event' })).toBe(false)
      return { events: events.map(() => report(answers.shift() ?? [delivered])), requests: {}, logs: {} }
    }
  }
  return { runner: runner as unknown as EventRunner, retriedAt }
}

/** The events' first attempt, answering `reports`. */
const answering = (reports: Promise<EventReport[]>) => () => reports

/** Accepts `received`; `settled` resolves once the first attempt (answering `reports`) is recorded. */
async function accept(deliveries: Deliveries, received: ReceivedEvent[], reports: Promise<EventReport[]>) {
  const { accepted, settled } = await deliveries.accept(received, answering(reports))
  return { ids: accepted.map((delivery) => delivery.id), settled }
}

/** The same rules wherever the deliveries are kept: in memory, or in PostgreSQL (looking for others' work each minute). */
const stores: Array<[string, () => Promise<DeliveryStore>]> = [
  ['in memory', async () => new MemoryDeliveryStore()],
  [
    'in PostgreSQL',
    async () => PostgresDeliveryStore.open(await postgres.database(), { label: 'test', lookEveryMs: 60_000 })
  ]
]

describe.each(stores)('deliveries kept %s', (_where, openStore) => {
  const opened: Deliveries[] = []
  afterEach(async () => {
    for (const deliveries of opened.splice(0)) {
      await deliveries.stop()
      await deliveries.idle()
      await deliveries.store.close()
    }
  })

  async function deliveriesOn(runner: EventRunner, log: (line: string) => void, options: RetryOptions) {
    const deliveries = new Deliveries(runner, log, options, await openStore())
    opened.push(deliveries)
    return deliveries
  }

  /** The timers waiting when no delivery is due: a database's store wakes to look for what other hosts left. */
  const idleTimers = (deliveries: Deliveries) => (deliveries.store.lookEveryMs === undefined ? 0 : 1)

  describe('deliveries', () => {
    test('a retryable result waits at least its Retry-After, however short the backoff', async () => {
      const clock = new TestClock()
      const { runner, retriedAt } = fakeRunner(clock, [[delivered]])
      const deliveries = await deliveriesOn(runner, () => undefined, { firstBackoffMs: 10, ...clock.options })
      const accepted = clock.now()
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([retryable(1)])]))
      await settled
      expect(await deliveries.view(ids[0])).toMatchObject({ state: 'retrying', attempts: 1 })
      await clock.advance(999)
      expect(retriedAt).toEqual([])
      await clock.advance(1)
      await deliveries.idle()
      expect(retriedAt).toEqual([accepted + 1000])
      expect(await deliveries.view(ids[0])).toMatchObject({ state: 'delivered', attempts: 2 })
    })

    test('without Retry-After the wait doubles after each attempt', async () => {
      const clock = new TestClock()
      const { runner, retriedAt } = fakeRunner(clock, [[retryable()], [retryable()], [delivered]])
      const deliveries = await deliveriesOn(runner, () => undefined, { firstBackoffMs: 100, ...clock.options })
      const accepted = clock.now()
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([retryable()])]))
      await settled
      while ((await deliveries.view(ids[0]))?.state === 'retrying') {
        expect(await clock.next()).toBe(true)
        await deliveries.idle()
      }
      expect(retriedAt.map((at) => at - accepted)).toEqual([100, 100 + 200, 100 + 200 + 400])
      expect(await deliveries.view(ids[0])).toMatchObject({ state: 'delivered', attempts: 4 })
    })

    test('gives up when the next try would fall after the retry window, and says so', async () => {
      const clock = new TestClock()
      const { runner, retriedAt } = fakeRunner(clock, [])
      const deliveries = await deliveriesOn(runner, () => undefined, {
        firstBackoffMs: 10,
        retryForMs: 500,
        ...clock.options
      })
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([retryable(30)])]))
      await settled
      expect(await deliveries.view(ids[0])).toMatchObject({ state: 'gave up', attempts: 1 })
      expect((await deliveries.view(ids[0]))?.nextTryAt).toBeUndefined()
      expect(await deliveries.pending()).toEqual([])
      expect(clock.waiting).toBe(idleTimers(deliveries))
      expect(retriedAt).toEqual([])
    })

    test('after stop nothing is retried and what was pending is listed', async () => {
      const clock = new TestClock()
      const { runner, retriedAt } = fakeRunner(clock, [])
      const deliveries = await deliveriesOn(runner, () => undefined, { firstBackoffMs: 50, ...clock.options })
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([retryable()])]))
      await settled
      expect(clock.waiting).toBe(1)
      expect((await deliveries.stop()).map((d) => d.id)).toEqual(ids)
      await clock.advance(60_000)
      expect(retriedAt).toEqual([])
    })

    test('the terminal line says when the next try comes, by the clock', async () => {
      const clock = new TestClock()
      const { runner } = fakeRunner(clock, [])
      const deliveries = await deliveriesOn(runner, () => undefined, { firstBackoffMs: 10, ...clock.options })
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([retryable(30)])]))
      await settled
      expect((await settled)[0].line).toMatch(/; next try in 30 s$/)
      clock.stall(20_000)
      const [kept] = await deliveries.store.get(ids)
      expect(outcomeLine(kept, clock.now())).toMatch(/; next try in 10 s$/)
      await deliveries.stop()
    })
  })

  describe('deliveries that are settled at once', () => {
    test('one rejected on receipt runs nothing, has its reason and is never retried', async () => {
      const clock = new TestClock()
      const { runner, retriedAt } = fakeRunner(clock, [])
      const lines: string[] = []
      const deliveries = await deliveriesOn(runner, (line) => lines.push(line), { firstBackoffMs: 1, ...clock.options })
      const received = [
        { rejected: 'batch[0] is null, not an event', messageId: 'm0', description: 'batch[0]' },
        { event }
      ]
      const { ids, settled } = await accept(deliveries, received, Promise.resolve([report([delivered])]))
      await settled
      expect(await deliveries.view(ids[0])).toEqual({
        id: ids[0],
        messageId: 'm0',
        description: 'batch[0]',
        acceptedAt: expect.any(String),
        state: 'rejected',
        attempts: 0,
        actions: [],
        reason: 'batch[0] is null, not an event'
      })
      expect(await deliveries.view(ids[1])).toMatchObject({ state: 'delivered', actions: [delivered] })
      expect((await settled)[0].line).toBe(`  ${ids[0]} batch[0] → rejected: batch[0] is null, not an event`)
      expect(await deliveries.pending()).toEqual([])
      expect(retriedAt).toEqual([])
    })

    test('one that matched no subscription is recorded as such, not as delivered', async () => {
      const clock = new TestClock()
      const { runner } = fakeRunner(clock, [])
      const deliveries = await deliveriesOn(runner, () => undefined, clock.options)
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([])]))
      await settled
      expect(await deliveries.view(ids[0])).toMatchObject({
        state: 'no subscription matched',
        attempts: 1,
        actions: []
      })
      expect((await settled)[0].line).toBe(`  ${ids[0]} identify userId=u1 → no subscription matched`)
      expect(await deliveries.pending()).toEqual([])
    })
  })

  describe('deliveries held for want of a Zendesk connection', () => {
    const notConnected: ActionResult = {
      ...label,
      result: 'retryable',
      status: 401,
      message: 'Zendesk is not connected',
      awaitingConnection: true
    }

    test('wait without a timer or a deadline, and are tried as soon as the host is connected again', async () => {
      const clock = new TestClock()
      const { runner, retriedAt } = fakeRunner(clock, [[delivered]])
      const deliveries = await deliveriesOn(runner, () => undefined, {
        firstBackoffMs: 1,
        retryForMs: 1,
        ...clock.options
      })
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([notConnected])]))
      await settled
      // Past the whole retry window: still held, with no next try planned and not given up.
      await clock.advance(60_000)
      await deliveries.idle()
      expect(clock.waiting).toBe(idleTimers(deliveries))
      expect(await deliveries.view(ids[0])).toMatchObject({ state: 'awaiting connection', attempts: 1 })
      expect((await deliveries.view(ids[0]))?.nextTryAt).toBeUndefined()
      expect((await deliveries.pending()).map((d) => d.id)).toEqual(ids)
      expect(retriedAt).toEqual([])

      deliveries.resume()
      await clock.advance(0)
      await deliveries.idle()
      expect(await deliveries.view(ids[0])).toMatchObject({ state: 'delivered', attempts: 2 })
      expect(retriedAt).toHaveLength(1)
    })

    test('the time held does not count against the retry window', async () => {
      const clock = new TestClock()
      const { runner } = fakeRunner(clock, [[retryable()]])
      const deliveries = await deliveriesOn(runner, () => undefined, {
        firstBackoffMs: 60_000,
        retryForMs: 600_000,
        ...clock.options
      })
      const { ids, settled } = await accept(deliveries, [{ event }], Promise.resolve([report([notConnected])]))
      await settled
      await clock.advance(3_600_000) // an hour without a connection
      deliveries.resume()
      await clock.advance(0)
      await deliveries.idle()
      // Retried once connected, still retryable: its next try is planned, not given up for the hour it was held.
      expect(await deliveries.view(ids[0])).toMatchObject({
        state: 'retrying',
        attempts: 2,
        nextTryAt: expect.any(String)
      })
      await deliveries.stop()
    })
  })
})

describe('retryAfterOf', () => {
  test('reads the wait a ZendeskRetryableError carries', () => {
    expect(retryAfterOf(new ZendeskRetryableError('Zendesk rate limit (429)', 429, 7))).toBe(7)
  })
  test('reads the wait a batch result carries in its body', () => {
    expect(retryAfterOf({ retryAfterSeconds: 12 })).toBe(12)
  })
  test('never reads it from a message: without the data there is no wait', () => {
    expect(retryAfterOf('Zendesk rate limit (429) for users. Retry after 12 s.')).toBeUndefined()
    expect(retryAfterOf(new Error('Zendesk rate limit (429) for users. Retry after 12 s.'))).toBeUndefined()
    expect(retryAfterOf(undefined)).toBeUndefined()
  })
})
