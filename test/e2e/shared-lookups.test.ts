import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

/** Concurrent batches naming the same organizations share one lookup of their ids. */
let h: SimulatorHarness
beforeAll(async () => {
  h = await startHarness({ account: 'bulk-import', endpointLimits: false, latencyMs: 30 })
})
afterAll(() => h.close())
beforeEach(() => {
  h.simulator.reset()
  resetDestinationState()
})

const memberships = presetSubscriptions.filter((s) => s.partnerAction === 'updateOrganizationMembership')
const joins = (userId: string, companyId: string) =>
  ({ type: 'identify', userId, traits: { email: `${userId}@example.com`, company: { id: companyId } } }) as SegmentEvent

it('two batches in flight at once, both naming two organizations: their ids are looked up once', async () => {
  h.simulator.seed.organization({ name: 'Acme', external_id: 'acme' })
  h.simulator.seed.organization({ name: 'Globex', external_id: 'globex' })
  const users = Array.from({ length: 8 }, (_, i) => `u${i}`)
  users.forEach((userId) =>
    h.simulator.seed.user({ name: userId, external_id: userId, email: `${userId}@example.com` })
  )
  const batchOf = (names: string[]) => names.map((userId, i) => joins(userId, i % 2 ? 'acme' : 'globex'))
  const results = await Promise.all([
    h.sendBatch(batchOf(users.slice(0, 4)), memberships),
    h.sendBatch(batchOf(users.slice(4)), memberships)
  ])
  const statuses = results.flatMap((result) =>
    result.find((r) => r.multistatus)!.multistatus!.map((s: any) => s.status)
  )
  expect(statuses).toEqual(Array(8).fill(200))
  const lookups = h.simulator.requests.filter((r) => /organizations\/(show_many|search)/.test(r.path))
  expect(lookups).toHaveLength(1)
  const state = h.simulator.state()
  expect(state.memberships).toHaveLength(8)
})
