import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

/**
 * A host runs many onBatch calls at once and Zendesk's jobs take time: here 40 batches in flight, jobs of
 * 2 s per 100 items (200 ms for a batch of 10), and the account's limit of 30 queued or running jobs.
 */
let h: SimulatorHarness
beforeAll(async () => {
  h = await startHarness({ account: 'bulk-import', jobMsPer100Items: 2000 })
  h.usePolling({ firstWaitMs: 20, maxWaitMs: 100, budgetMs: 15000 })
})
afterAll(() => h.close())
beforeEach(() => {
  h.simulator.reset()
  resetDestinationState()
})

const BATCHES = 40
const PER_BATCH = 10
const only = (actionKey: string) => presetSubscriptions.filter((s) => s.partnerAction === actionKey)

/** Sends every batch at once and returns each event's status, in order. */
async function sendAtOnce(batches: Partial<SegmentEvent>[][], actionKey: string): Promise<number[]> {
  const results = await Promise.all(batches.map((events) => h.sendBatch(events, only(actionKey))))
  return results.flatMap((result) => result.find((r) => r.multistatus).multistatus.map((m: any) => m.status))
}

const batchesOf = (make: (batch: number, i: number) => Partial<SegmentEvent>) =>
  Array.from({ length: BATCHES }, (_, batch) => Array.from({ length: PER_BATCH }, (__, i) => make(batch, i)))

const jobPolls = () => h.simulator.requests.filter((r) => r.path.startsWith('/api/v2/job_statuses'))
const refused = () => h.simulator.requests.filter((r) => r.status === 429)

describe('many onBatch calls in flight at once, with jobs that take time', () => {
  it('identifies: every event delivered, no job refused, the jobs polled together', async () => {
    const statuses = await sendAtOnce(
      batchesOf((batch, i) => ({
        type: 'identify',
        userId: `u-${batch}-${i}`,
        traits: { name: `User ${batch} ${i}`, email: `u-${batch}-${i}@example.com` }
      })),
      'upsertUser'
    )
    expect(statuses).toEqual(Array(BATCHES * PER_BATCH).fill(200))
    expect(h.simulator.state().users.filter((u) => u.external_id?.startsWith('u-'))).toHaveLength(BATCHES * PER_BATCH)
    const submissions = h.simulator.requests.filter((r) => r.path.includes('users/create_or_update_many'))
    expect(submissions).toHaveLength(BATCHES)
    expect(refused()).toEqual([])
    // One poll per tick for all the jobs in flight: far fewer polls than jobs.
    expect(jobPolls().length).toBeLessThan(BATCHES / 2)
    expect(jobPolls().some((r) => String(r.query.ids).split(',').length >= 10)).toBe(true)
  })

  it('groups: every organization created once, every event delivered, no job refused', async () => {
    const statuses = await sendAtOnce(
      batchesOf((batch, i) => ({ type: 'group', groupId: `org-${batch}-${i}`, traits: { name: `Org ${batch} ${i}` } })),
      'upsertOrganization'
    )
    expect(statuses).toEqual(Array(BATCHES * PER_BATCH).fill(200))
    const names = h.simulator
      .state()
      .organizations.map((o) => o.external_id)
      .filter((id) => id?.startsWith('org-'))
    expect(new Set(names).size).toBe(BATCHES * PER_BATCH)
    expect(names).toHaveLength(BATCHES * PER_BATCH)
    expect(refused()).toEqual([])
    expect(jobPolls().length).toBeLessThan(BATCHES / 2)
  })

  it('membership adds: users of every batch join their organizations, each event with its own result', async () => {
    for (let o = 0; o < 5; o++) h.simulator.seed.organization({ name: `Company ${o}`, external_id: `company-${o}` })
    for (let batch = 0; batch < BATCHES; batch++) {
      for (let i = 0; i < PER_BATCH; i++)
        h.simulator.seed.user({ name: `M ${batch} ${i}`, external_id: `m-${batch}-${i}` })
    }
    const statuses = await sendAtOnce(
      batchesOf((batch, i) => ({
        type: 'identify',
        userId: i === 0 && batch === 0 ? 'nobody' : `m-${batch}-${i}`,
        traits: { company: { id: `company-${(batch + i) % 5}` } }
      })),
      'updateOrganizationMembership'
    )
    // The first event names a user Zendesk does not have: only that event fails.
    expect(statuses[0]).not.toBe(200)
    expect(statuses.slice(1)).toEqual(Array(BATCHES * PER_BATCH - 1).fill(200))
    expect(h.simulator.state().memberships).toHaveLength(BATCHES * PER_BATCH - 1)
    expect(refused()).toEqual([])
  })
})
