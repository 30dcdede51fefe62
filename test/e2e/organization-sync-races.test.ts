import { Destination, type SegmentEvent } from '@segment/actions-core'
import { testDefinition } from '../helpers/destination-state'
import {
  anotherWriter,
  presetSubscriptions,
  resetDestinationState,
  simulatorSettings,
  startHarness,
  type SimulatorHarness
} from '../helpers/harness'
import { TestClock, until } from '../helpers/test-clock'

/** Update and add modes stay true to their word when another writer changes Zendesk while their job is queued. */
let h: SimulatorHarness
beforeAll(async () => {
  h = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => h.close())
beforeEach(() => {
  h.simulator.reset()
  resetDestinationState()
})

const group = (groupId: string, name: string) => ({ type: 'group', groupId, traits: { name } }) as Partial<SegmentEvent>
const inMode = (mode: string) =>
  presetSubscriptions
    .filter((s) => s.partnerAction === 'upsertOrganization')
    .map((s) => ({ ...s, mapping: { ...s.mapping, __segment_internal_sync_mode: mode } }))
const organizations = (externalId: string) =>
  h.simulator.state().organizations.filter((o) => o.external_id === externalId)

/**
 * Sends the batch with its jobs held in Zendesk's queue until `meanwhile` has run: the destination's clock stands
 * still until then, so its jobs are first polled afterwards, however long that takes.
 */
async function batchWhileQueued(mode: string, events: Partial<SegmentEvent>[], meanwhile: () => Promise<unknown>) {
  const clock = new TestClock(Date.now())
  const destination = new Destination(testDefinition({ origin: h.simulator.url, ...clock.options }))
  const sent = destination.onBatch(
    events as SegmentEvent[],
    { ...simulatorSettings, subscriptions: inMode(mode) } as any
  )
  await until(() => h.simulator.requests.some((r) => /(create|update)_many/.test(r.path)))
  await meanwhile()
  return ((await clock.runUntilSettled(sent)).find((r) => r.multistatus)?.multistatus ?? []) as any[]
}

it('update mode: an organization deleted while its update job waits is skipped, never created again', async () => {
  const gone = h.simulator.seed.organization({ name: 'Gone', external_id: 'gone' })
  h.simulator.seed.organization({ name: 'Stays 1', external_id: 'stays1' })
  h.simulator.seed.organization({ name: 'Stays 2', external_id: 'stays2' })
  const statuses = await batchWhileQueued(
    'update',
    [group('gone', 'Gone Renamed'), group('stays1', 'One'), group('stays2', 'Two')],
    () => anotherWriter(h.simulator, 'DELETE', `organizations/${gone.id}`)
  )
  expect(statuses.map((s) => s.status)).toEqual([404, 200, 200])
  expect(statuses[0].errormessage).toMatch(/Skipped.*Update mode creates nothing/)
  expect(organizations('gone')).toEqual([])
  expect(organizations('stays2')[0].name).toBe('Two')
})

it('add mode: an organization created elsewhere while the create job waits is left untouched, never updated', async () => {
  const statuses = await batchWhileQueued(
    'add',
    [group('raced', 'Ours'), group('new1', 'New 1'), group('new2', 'New 2')],
    () =>
      anotherWriter(h.simulator, 'POST', 'organizations', { organization: { name: 'Theirs', external_id: 'raced' } })
  )
  expect(statuses.map((s) => s.status)).toEqual([409, 200, 200])
  expect(statuses[0].errormessage).toMatch(/Left untouched.*Add mode changes no existing organization/)
  expect(organizations('raced')).toEqual([expect.objectContaining({ name: 'Theirs' })])
  expect(organizations('new2')).toHaveLength(1)
})
