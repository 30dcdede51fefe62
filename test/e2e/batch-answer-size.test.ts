import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions } from '../../src/cli/mapping-file'
import { legacyAccount } from '../../src/cli/host-account'
import { EventRunner } from '../../src/cli/run-events'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { simulatorSettings } from '../helpers/harness'
import { testDefinition } from '../helpers/destination-state'
import { polledJobs } from '../simulator/helpers'

const identify = (i: number, traits: Record<string, unknown> = {}) =>
  ({
    type: 'identify',
    messageId: `m-${i}`,
    userId: `user-${i}`,
    traits: { name: `User ${i}`, email: `user-${i}@example.com`, ...traits }
  }) as unknown as SegmentEvent

describe('a /v1/batch answer is sized by what was sent (bulk-import account, no endpoint limits)', () => {
  let simulator: RunningSimulator
  let runner: EventRunner

  beforeAll(async () => {
    simulator = await startSimulator(polledJobs({ account: 'bulk-import', endpointLimits: false }))
  })
  afterAll(() => simulator.close())
  beforeEach(() => {
    const definition = testDefinition({ origin: simulator.url })
    runner = new EventRunner(definition, legacyAccount(simulatorSettings), presetSubscriptions(definition))
  })

  test('each event carries only its own log lines; what a batch call logged is listed once', async () => {
    const report = await runner.runBatch([identify(1, { plan: 'gold' }), identify(2), identify(3)])
    expect(report.events.map((e) => e.actions.map((a) => a.result))).toEqual([
      ['delivered'],
      ['delivered'],
      ['delivered']
    ])
    expect(report.events.flatMap((e) => e.actions.flatMap((a) => a.logs ?? []))).toEqual([])
    expect(report.logs['Upsert User']).toEqual([expect.stringContaining('not sent: plan')])
  })

  test('an event alone in its call keeps its log lines', async () => {
    const report = await runner.runBatch([identify(4, { plan: 'gold' })])
    expect(report.events[0].actions[0].logs).toEqual([expect.stringContaining('not sent: plan')])
    expect(report.logs).toEqual({})
  })

  test('1,000 identifies with custom traits: the answer stays under 2 MB', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => identify(100 + i, { plan: 'gold', seats: i }))
    const report = await runner.runBatch(events)
    expect(report.events.every((e) => e.actions.every((a) => a.result === 'delivered'))).toBe(true)
    // As the host sends it: indented JSON, with a delivery id per event.
    const answer = JSON.stringify(
      { ...report, events: report.events.map((e, i) => ({ deliveryId: `d${i}`, ...e })) },
      null,
      2
    )
    expect(Buffer.byteLength(answer)).toBeLessThan(2 * 1024 * 1024)
  }, 60_000)
})
