import type { DuplicateMembershipAnswer } from '../../src/simulator'
import { resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'
import { ACTION_CASES, OTHER_PATH_CASES, subscriptionOf, subscriptionsOf } from '../reliability/actions'
import { sendMany, sendOne } from '../reliability/outcomes'

/**
 * Where Zendesk's answer is unknown or differs between recordings, the simulator answers every way Zendesk might;
 * the destination decides by structure (status, error code, a follow-up lookup), so each way gives the same
 * outcome per event, alone and in a batch. Account: the bulk-import kind (the job paths need bulk import).
 */
let harness: SimulatorHarness

beforeAll(async () => {
  harness = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => harness.close())
beforeEach(() => {
  harness.simulator.reset()
  resetDestinationState()
})

const JOB_ACTIONS = ACTION_CASES.filter((action) => action.usesJobs)
const INDEX_VARIANTS = ['recorded', 'always', 'never'] as const

describe.each(INDEX_VARIANTS)('job results with index %s', (jobResultIndex) => {
  it.each(JOB_ACTIONS.map((action) => [action.key, action] as const))(
    '%s: a failed item fails only its own event, the others are delivered and held',
    async (_, action) => {
      action.seed(harness.simulator)
      harness.simulator.setFaults({ variants: { jobResultIndex }, failJobItems: { indexes: [1] } })
      const outcomes = await sendMany(harness.destination, [0, 1, 2, 3].map(action.event), subscriptionOf(action.key))
      expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'retryable', 'delivered', 'delivered'])
      for (const n of [0, 2, 3]) expect(action.held(harness.simulator.state(), n)).toBeGreaterThan(0)
    }
  )
})

const DUPLICATE_ANSWERS: DuplicateMembershipAnswer[] = ['user-taken', 'duplicate-value', 'taken-without-code', 'bare']

describe.each(DUPLICATE_ANSWERS)('a duplicate membership answered as %s', (duplicateMembership) => {
  const membership = ACTION_CASES.find((action) => action.key === 'updateOrganizationMembership')!
  const subscriptions = subscriptionOf(membership.key)

  beforeEach(() => {
    membership.seed(harness.simulator)
    harness.simulator.setFaults({ variants: { duplicateMembership } })
  })

  it('onEvent: an existing member is already a member; a new one is added', async () => {
    await sendOne(harness.destination, membership.event(0), subscriptions)
    resetDestinationState()
    expect(await sendOne(harness.destination, membership.event(0), subscriptions)).toMatchObject({
      kind: 'delivered',
      body: { membership: 'already a member' }
    })
    expect(await sendOne(harness.destination, membership.event(1), subscriptions)).toMatchObject({
      kind: 'delivered',
      body: { membership: 'added' }
    })
  })

  it('onBatch: existing members are already members, new ones added, one membership each', async () => {
    await sendMany(harness.destination, [0, 1, 2].map(membership.event), subscriptions)
    resetDestinationState()
    const outcomes = await sendMany(harness.destination, [0, 1, 2, 3, 4].map(membership.event), subscriptions)
    expect(outcomes.map((o) => (o.kind === 'delivered' ? (o.body as any).membership : o.kind))).toEqual([
      'already a member',
      'already a member',
      'already a member',
      'added',
      'added'
    ])
    for (const n of [0, 1, 2, 3, 4]) expect(membership.held(harness.simulator.state(), n)).toBe(1)
  })
})

describe('lookups by external_id that list soft-deleted users too (softDeletedUsers: listed)', () => {
  const cases = [...ACTION_CASES, ...OTHER_PATH_CASES].flatMap((action) =>
    (['single', 'batch'] as const).map((mode) => [action.key, mode, action] as const)
  )

  it.each(cases)('%s, %s: every event delivered, and no request names a soft-deleted user', async (_, mode, action) => {
    const events = [0, 1, 2].map(action.event)
    // Soft-deleted users with the events' external_ids, older than the active ones (listed first).
    const twins = [...new Set(events.flatMap((event) => (event.userId ? [String(event.userId)] : [])))].map(
      (externalId) => harness.simulator.seed.user({ name: 'Deleted twin', external_id: externalId, active: false }).id
    )
    action.seed(harness.simulator)
    harness.simulator.setFaults({ variants: { softDeletedUsers: 'listed' } })
    const subscriptions = subscriptionsOf(action)
    const outcomes =
      mode === 'batch'
        ? await sendMany(harness.destination, events, subscriptions)
        : await Promise.all(events.map((event) => sendOne(harness.destination, event, subscriptions)))
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered'])
    const named = harness.simulator.requests.filter((r) =>
      twins.some((id) => r.path.includes(String(id)) || JSON.stringify(r.query).includes(String(id)))
    )
    expect(named).toEqual([])
  })
})
