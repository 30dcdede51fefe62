import type { SegmentEvent } from '@segment/actions-core'
import { Deliveries } from '../../src/cli/deliveries'
import { retryAfterOf, type ActionResult, type EventReport, type EventRunner } from '../../src/cli/run-events'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'

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

/** A runner whose retries answer the given results in turn, recording when each retry ran. */
function fakeRunner(answers: ActionResult[][]) {
  const retriedAt: number[] = []
  const runner = {
    subscriptionsFor: () => [],
    runBatch: async (events: SegmentEvent[], only: (i: number, s: { name: string }) => boolean) => {
      retriedAt.push(Date.now())
      expect(only(0, { name: 'Upsert User' })).toBe(true)
      expect(only(0, { name: 'Track Event' })).toBe(false)
      return { events: events.map(() => report(answers.shift() ?? [delivered])), requests: {}, logs: {} }
    }
  }
  return { runner: runner as unknown as EventRunner, retriedAt }
}

async function until(done: () => boolean, withinMs = 5000): Promise<void> {
  const started = Date.now()
  while (!done() && Date.now() - started < withinMs) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('deliveries', () => {
  test('a retryable result waits at least its Retry-After, however short the backoff', async () => {
    const { runner, retriedAt } = fakeRunner([[delivered]])
    const deliveries = new Deliveries(runner, () => undefined, { firstBackoffMs: 10 })
    const accepted = Date.now()
    const { ids, settled } = deliveries.accept(
      [event],
      () => 'identify userId=u1',
      Promise.resolve([report([retryable(1)])])
    )
    await settled
    expect(deliveries.view(ids[0])).toMatchObject({ state: 'retrying', attempts: 1 })
    await until(() => retriedAt.length > 0)
    expect(retriedAt[0] - accepted).toBeGreaterThanOrEqual(1000)
    expect(deliveries.view(ids[0])).toMatchObject({ state: 'delivered', attempts: 2 })
    await deliveries.idle()
  })

  test('without Retry-After the wait doubles after each attempt', async () => {
    const { runner, retriedAt } = fakeRunner([[retryable()], [retryable()], [delivered]])
    const deliveries = new Deliveries(runner, () => undefined, { firstBackoffMs: 100 })
    const accepted = Date.now()
    const { ids } = deliveries.accept([event], () => 'identify userId=u1', Promise.resolve([report([retryable()])]))
    await until(() => deliveries.view(ids[0])?.state === 'delivered')
    const gaps = [retriedAt[0] - accepted, retriedAt[1] - retriedAt[0], retriedAt[2] - retriedAt[1]]
    expect(gaps[0]).toBeGreaterThanOrEqual(100)
    expect(gaps[1]).toBeGreaterThanOrEqual(200)
    expect(gaps[2]).toBeGreaterThanOrEqual(400)
    expect(deliveries.view(ids[0])).toMatchObject({ attempts: 4 })
  })

  test('gives up when the next try would fall after the retry window, and says so', async () => {
    const { runner, retriedAt } = fakeRunner([])
    const deliveries = new Deliveries(runner, () => undefined, { firstBackoffMs: 10, retryForMs: 500 })
    const { ids, settled } = deliveries.accept(
      [event],
      () => 'identify userId=u1',
      Promise.resolve([report([retryable(30)])])
    )
    await settled
    expect(deliveries.view(ids[0])).toMatchObject({ state: 'gave up', attempts: 1 })
    expect(deliveries.view(ids[0])?.nextTryAt).toBeUndefined()
    expect(deliveries.pending()).toEqual([])
    expect(retriedAt).toEqual([])
  })

  test('after stop nothing is retried and what was pending is listed', async () => {
    const { runner, retriedAt } = fakeRunner([])
    const deliveries = new Deliveries(runner, () => undefined, { firstBackoffMs: 50 })
    const { ids, settled } = deliveries.accept(
      [event],
      () => 'identify userId=u1',
      Promise.resolve([report([retryable()])])
    )
    await settled
    expect(deliveries.stop().map((d) => d.id)).toEqual(ids)
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(retriedAt).toEqual([])
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
    const { runner, retriedAt } = fakeRunner([[delivered]])
    const deliveries = new Deliveries(runner, () => undefined, { firstBackoffMs: 1, retryForMs: 1 })
    const { ids, settled } = deliveries.accept(
      [event],
      () => 'identify userId=u1',
      Promise.resolve([report([notConnected])])
    )
    await settled
    // Past the whole retry window: still held, with no next try planned and not given up.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(deliveries.view(ids[0])).toMatchObject({ state: 'awaiting connection', attempts: 1 })
    expect(deliveries.view(ids[0])?.nextTryAt).toBeUndefined()
    expect(deliveries.pending().map((d) => d.id)).toEqual(ids)
    expect(retriedAt).toEqual([])

    deliveries.resume()
    await until(() => deliveries.view(ids[0])?.state === 'delivered')
    expect(deliveries.view(ids[0])).toMatchObject({ state: 'delivered', attempts: 2 })
    expect(retriedAt).toHaveLength(1)
    await deliveries.idle()
  })

  test('the time held does not count against the retry window', async () => {
    jest.useFakeTimers()
    try {
      const { runner } = fakeRunner([[retryable()]])
      const deliveries = new Deliveries(runner, () => undefined, { firstBackoffMs: 60_000, retryForMs: 600_000 })
      const { ids, settled } = deliveries.accept(
        [event],
        () => 'identify userId=u1',
        Promise.resolve([report([notConnected])])
      )
      await settled
      await jest.advanceTimersByTimeAsync(3_600_000) // an hour without a connection
      deliveries.resume()
      await jest.advanceTimersByTimeAsync(0)
      // Retried once connected, still retryable: its next try is planned, not given up for the hour it was held.
      expect(deliveries.view(ids[0])).toMatchObject({ state: 'retrying', attempts: 2, nextTryAt: expect.any(String) })
      deliveries.stop()
    } finally {
      jest.useRealTimers()
    }
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
