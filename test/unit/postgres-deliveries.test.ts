import type { SegmentEvent } from '@segment/actions-core'
import { Client } from 'pg'
import { Deliveries } from '../../src/cli/deliveries'
import { PostgresDeliveryStore } from '../../src/cli/postgres-deliveries'
import type { ActionResult, EventReport, EventRunner } from '../../src/cli/run-events'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'
import { TestClock } from '../helpers/test-clock'

/**
 * What only a database gives: an event kept before it is answered, deliveries that outlive their host, and hosts
 * on one database that share the work (the rules themselves are tested on both stores in deliveries.test.ts).
 */
let postgres: RunningPostgres
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())

const LEASE_MS = 60_000
const identify = (n: number) => ({ type: 'identify', userId: `u${n}`, messageId: `m${n}` }) as unknown as SegmentEvent
const upsertUser = { action: 'upsertUser', subscription: 'Upsert User' }
const result = (outcome: ActionResult['result']): ActionResult => ({ ...upsertUser, result: outcome, status: 200 })
const reportOf = (event: SegmentEvent, actions: ActionResult[]): EventReport => ({
  messageId: String(event.messageId),
  type: 'identify',
  description: `identify userId=${event.userId}`,
  actions
})

/** A runner whose retries deliver every event, recording which events each retry ran and which subscriptions. */
function deliveringRunner() {
  const runs: Array<{ userIds: string[]; trackEventToo: boolean }> = []
  const runner = {
    subscriptionsFor: () => [],
    runBatch: async (events: SegmentEvent[], only: (i: number, s: { name: string }) => boolean) => {
      runs.push({ userIds: events.map((e) => String(e.userId)), trackEventToo: only(0, { name: 'Track Event' }) })
      return { events: events.map((event) => reportOf(event, [result('delivered')])), requests: {}, logs: {} }
    }
  }
  return { runner: runner as unknown as EventRunner, runs }
}

describe('deliveries in PostgreSQL', () => {
  let url: string
  const hosts: Deliveries[] = []
  beforeEach(async () => {
    url = await postgres.database()
  })
  afterEach(async () => {
    for (const host of hosts.splice(0)) {
      await host.stop()
      await host.store.close()
    }
  })

  /** A host on the database: its own store (connections) and deliveries, on the test's clock. */
  async function host(runner: EventRunner, clock: TestClock, log: (line: string) => void = () => undefined) {
    const store = await PostgresDeliveryStore.open(url, { label: 'test', lookEveryMs: 1000 })
    const deliveries = new Deliveries(runner, log, { firstBackoffMs: 1000, leaseMs: LEASE_MS, ...clock.options }, store)
    hosts.push(deliveries)
    return deliveries
  }

  const neverAnswers = () => new Promise<EventReport[]>(() => undefined)

  /** A host gone: it retries nothing more, and its connections are closed (so it renews no lease either). */
  async function die(deliveries: Deliveries) {
    await deliveries.stop()
    await deliveries.store.close()
    hosts.splice(hosts.indexOf(deliveries), 1)
  }

  test('an event is committed before accept resolves, while its first attempt is still running', async () => {
    const clock = new TestClock()
    const accepting = await host(deliveringRunner().runner, clock)
    const { accepted } = await accepting.accept([{ event: identify(1) }], neverAnswers)
    const other = new Client({ connectionString: url })
    await other.connect()
    try {
      const { rows } = await other.query('SELECT seq, state, event FROM local_host_deliveries')
      expect(rows).toEqual([{ seq: accepted[0].id.slice(1), state: 'running', event: identify(1) }])
    } finally {
      await other.end()
    }
  })

  test('a host that dies during the first attempt: another takes the delivery over once the lease ends', async () => {
    const clock = new TestClock()
    const dead = await host(deliveringRunner().runner, clock)
    const { accepted } = await dead.accept([{ event: identify(1) }], neverAnswers)
    await die(dead)
    const lines: string[] = []
    const { runner, runs } = deliveringRunner()
    const survivor = await host(runner, clock, (line) => lines.push(line))
    survivor.start()
    await clock.advance(LEASE_MS - 1)
    await survivor.idle()
    expect(runs).toEqual([])
    while (runs.length === 0) {
      await clock.next()
      await survivor.idle()
    }
    // No result was recorded: every matching subscription runs, not only retryable ones.
    expect(runs).toEqual([{ userIds: ['u1'], trackEventToo: true }])
    expect(await survivor.view(accepted[0].id)).toMatchObject({ state: 'delivered', attempts: 1 })
    expect(lines).toEqual([`taken over:  ${accepted[0].id} identify userId=u1 → delivered`])
  })

  test('an attempt longer than the lease: its host renews the lease, and no other host takes the delivery', async () => {
    const clock = new TestClock()
    let answer!: (reports: EventReport[]) => void
    const slow = await host(deliveringRunner().runner, clock)
    const { accepted, settled } = await slow.accept(
      [{ event: identify(1) }],
      () => new Promise<EventReport[]>((resolve) => (answer = resolve))
    )
    const { runner, runs } = deliveringRunner()
    const other = await host(runner, clock)
    other.start()
    for (let waited = 0; waited < 3 * LEASE_MS; waited += 1000) {
      await clock.advance(1000)
      await other.idle()
    }
    expect(runs).toEqual([])
    answer([reportOf(identify(1), [result('delivered')])])
    await settled
    expect(await other.view(accepted[0].id)).toMatchObject({ state: 'delivered', attempts: 1 })
  })

  test('a host restarted on the database retries what was pending when it stopped', async () => {
    const clock = new TestClock()
    const before = await host(deliveringRunner().runner, clock)
    const { accepted, settled } = await before.accept([{ event: identify(1) }], async () => [
      reportOf(identify(1), [{ ...result('retryable'), status: 503, retryAfterSeconds: 30 }])
    ])
    await settled
    await die(before)

    const { runner, runs } = deliveringRunner()
    const after = await host(runner, clock)
    expect(await after.pending()).toEqual([expect.objectContaining({ id: accepted[0].id, state: 'retrying' })])
    after.start()
    while (runs.length === 0) {
      await clock.next()
      await after.idle()
    }
    expect(runs).toEqual([{ userIds: ['u1'], trackEventToo: false }])
    expect(await after.view(accepted[0].id)).toMatchObject({ state: 'delivered', attempts: 2 })
  })

  test('two hosts due at once: each delivery is retried by one of them, once', async () => {
    const clock = new TestClock()
    const events = Array.from({ length: 40 }, (_, n) => identify(n))
    const first = deliveringRunner()
    const second = deliveringRunner()
    const one = await host(first.runner, clock)
    const two = await host(second.runner, clock)
    for (const [i, accepting] of [one, two].entries()) {
      const mine = events.slice(i * 20, i * 20 + 20)
      const { settled } = await accepting.accept(
        mine.map((event) => ({ event })),
        async () => mine.map((event) => reportOf(event, [result('retryable')]))
      )
      await settled
    }
    while ((await one.pending()).length > 0) {
      await clock.next()
      await Promise.all([one.idle(), two.idle()])
    }
    const retried = [...first.runs, ...second.runs].flatMap((run) => run.userIds)
    expect(retried.sort()).toEqual(events.map((event) => String(event.userId)).sort())
  })
})
