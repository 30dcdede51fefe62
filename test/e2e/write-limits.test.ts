import { Destination, type SegmentEvent } from '@segment/actions-core'
import { testDefinition } from '../helpers/destination-state'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { presetSubscriptions, simulatorSettings, startHarness, type SimulatorHarness } from '../helpers/harness'

/** Zendesk's limits on writing one user or organization (5 a minute each), met on the destination's side. */
const only = (action: string) => presetSubscriptions.filter((s) => s.partnerAction === action)

const identify = (i: number) =>
  ({ type: 'identify', userId: 'busy', traits: { email: 'busy@example.com', name: `Busy ${i}` } }) as SegmentEvent
const group = (i: number) =>
  ({ type: 'group', userId: 'u1', groupId: 'acme', traits: { name: `Acme ${i}` } }) as SegmentEvent

describe('writes of one user or organization on a default account (per-record limits on)', () => {
  let h: SimulatorHarness
  beforeAll(async () => {
    // The one-a-second account pace is another test's; organization create_or_update updates count here.
    h = await startHarness({
      account: 'default',
      endpointLimits: {
        userWritesPerAccount: false,
        organizationUpdates: { requests: 5, windowMs: 60_000, includeCreateOrUpdate: true }
      }
    })
  })
  afterAll(() => h.close())
  beforeEach(() => h.simulator.reset())

  /** A destination instance with Zendesk's per-record limit, as in production. */
  const limited = (writesPerRecordPerMinute?: number) =>
    new Destination<Settings>(testDefinition({ origin: h.simulator.url, writesPerRecordPerMinute }))

  async function sendEach(destination: Destination<Settings>, events: SegmentEvent[], action: string) {
    const outcomes: string[] = []
    for (const event of events) {
      try {
        await destination.onEvent(event, { ...simulatorSettings, subscriptions: only(action) } as any)
        outcomes.push('delivered')
      } catch (error: any) {
        outcomes.push(`${error.status} ${error.message}`)
      }
    }
    return outcomes
  }
  const answers = (route: string) =>
    h.simulator.requests.filter((r) => r.path.replace(/\.json$/, '').endsWith(route)).map((r) => r.status)

  it('a user identifying 7 times in a minute: 5 written, the other 2 retryable at once without reaching Zendesk', async () => {
    const outcomes = await sendEach(
      limited(5),
      Array.from({ length: 7 }, (_, i) => identify(i)),
      'upsertUser'
    )
    expect(outcomes.slice(0, 5)).toEqual(Array(5).fill('delivered'))
    for (const outcome of outcomes.slice(5)) {
      expect(outcome).toMatch(/^429 Zendesk allows 5 writes a minute per user, and user with external_id "busy"/)
      expect(outcome).toMatch(/Retry after \d+ s\.$/)
    }
    expect(answers('users/create_or_update')).toEqual([201, 200, 200, 200, 200])
    expect(h.simulator.state().users.find((u) => u.external_id === 'busy')).toMatchObject({ name: 'Busy 4' })
  })

  it('without the limit on this side, Zendesk itself answers 429 to the busy user', async () => {
    await sendEach(
      limited(0),
      Array.from({ length: 7 }, (_, i) => identify(i)),
      'upsertUser'
    )
    expect(answers('users/create_or_update')).toContain(429)
  })

  it('other users are not held back by a busy one', async () => {
    const destination = limited(5)
    await sendEach(
      destination,
      Array.from({ length: 5 }, (_, i) => identify(i)),
      'upsertUser'
    )
    const other = { ...identify(0), userId: 'calm', traits: { email: 'calm@example.com' } } as SegmentEvent
    expect(await sendEach(destination, [other], 'upsertUser')).toEqual(['delivered'])
  })

  it('an organization grouped 7 times in a minute: 5 written, the other 2 retryable at once', async () => {
    h.simulator.seed.user({ name: 'U1', external_id: 'u1', email: 'u1@example.com' })
    const outcomes = await sendEach(
      limited(),
      Array.from({ length: 7 }, (_, i) => group(i)),
      'upsertOrganization'
    )
    expect(outcomes.slice(0, 5)).toEqual(Array(5).fill('delivered'))
    for (const outcome of outcomes.slice(5)) {
      expect(outcome).toMatch(
        /^429 Zendesk allows 5 writes a minute per organization, and organization with external_id "acme"/
      )
    }
    expect(answers('organizations/create_or_update')).toEqual([201, 200, 200, 200, 200])
  })

  it('without the limit on this side, Zendesk itself answers 429 to the busy organization', async () => {
    h.simulator.seed.user({ name: 'U1', external_id: 'u1', email: 'u1@example.com' })
    await sendEach(
      limited(0),
      Array.from({ length: 7 }, (_, i) => group(i)),
      'upsertOrganization'
    )
    expect(answers('organizations/create_or_update')).toContain(429)
  })
})
