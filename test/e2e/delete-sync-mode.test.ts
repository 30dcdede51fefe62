import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

/**
 * The `delete` sync mode in batches, against the simulator: the records are looked up with one show_many and
 * deleted with one destroy_many job per 100, whatever the account's bulk import.
 */
describe.each(['default', 'bulk-import'] as const)('delete sync mode in batches (%s account)', (account) => {
  let h: SimulatorHarness
  beforeAll(async () => {
    h = await startHarness({ account, endpointLimits: false })
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.simulator.reset()
    resetDestinationState()
  })

  const inDeleteMode = (action: string) =>
    presetSubscriptions
      .filter((s) => s.partnerAction === action)
      .map((s) => ({ ...s, mapping: { ...s.mapping, __segment_internal_sync_mode: 'delete' } }))
  const batch = async (action: string, events: Partial<SegmentEvent>[]): Promise<any[]> =>
    (await h.sendBatch(events, inDeleteMode(action))).find((r) => r.multistatus)?.multistatus
  const requests = () => h.simulator.requests.map((r) => `${r.method} ${r.path.replace(/\.json$/, '')} ${r.status}`)
  const polls = () => requests().filter((line) => line.startsWith('GET /api/v2/job_statuses/'))
  const writesAndLookups = () => requests().filter((line) => !line.startsWith('GET /api/v2/job_statuses/'))

  /** 110 records that exist, 10 that do not, then 5 of the first ones again: 120 records, 110 to delete. */
  const EXISTING = Array.from({ length: 110 }, (_, i) => `r${i}`)
  const MISSING = Array.from({ length: 10 }, (_, i) => `ghost${i}`)
  const REPEATED = EXISTING.slice(0, 5)
  const named = [...EXISTING, ...MISSING, ...REPEATED]

  it('Upsert User: one show_many and one destroy_many job per 100; users soft-deleted, each event its result', async () => {
    const bystander = h.simulator.seed.user({ name: 'Stays', external_id: 'stays' })
    const ids = new Map(EXISTING.map((id) => [id, h.simulator.seed.user({ name: id, external_id: id }).id]))
    h.simulator.requests.length = 0
    const events = named.map((userId, i) => ({ type: 'identify', userId, traits: { name: `Event ${i}` } }))
    const results = await batch('upsertUser', events as Partial<SegmentEvent>[])

    expect(results.map((r) => r.status)).toEqual(named.map(() => 200))
    expect(results.map((r) => r.body)).toEqual(
      named.map((id) => (ids.has(id) ? { id: ids.get(id), deleted: true } : { id: null, deleted: false }))
    )
    expect(writesAndLookups()).toEqual([
      'GET /api/v2/users/show_many 200',
      'GET /api/v2/users/show_many 200',
      'DELETE /api/v2/users/destroy_many 200',
      'DELETE /api/v2/users/destroy_many 200'
    ])
    // Each job completes on its second poll (the harness's simulator).
    expect(polls()).toHaveLength(4)
    const users = h.simulator.state().users
    expect(users.filter((u) => ids.has(u.external_id!)).every((u) => u.active === false)).toBe(true)
    expect(users.find((u) => u.id === bystander.id)?.active).toBe(true)
    expect(users.some((u) => u.external_id?.startsWith('ghost'))).toBe(false)
  })

  it('Upsert Organization: one show_many and one destroy_many job per 100; organizations gone, each event its result', async () => {
    h.simulator.seed.organization({ name: 'Stays', external_id: 'stays' })
    const ids = new Map(EXISTING.map((id) => [id, h.simulator.seed.organization({ name: id, external_id: id }).id]))
    h.simulator.requests.length = 0
    const events = named.map((groupId) => ({ type: 'group', groupId, traits: { name: groupId } }))
    const results = await batch('upsertOrganization', events as Partial<SegmentEvent>[])

    expect(results.map((r) => r.status)).toEqual(named.map(() => 200))
    expect(results.map((r) => r.body)).toEqual(
      named.map((id) =>
        ids.has(id) ? { id: ids.get(id), status: 'Deleted' } : { id: null, status: 'Not found, nothing to delete' }
      )
    )
    expect(writesAndLookups()).toEqual([
      'GET /api/v2/organizations/show_many 200',
      'GET /api/v2/organizations/show_many 200',
      'DELETE /api/v2/organizations/destroy_many 200',
      'DELETE /api/v2/organizations/destroy_many 200'
    ])
    expect(polls()).toHaveLength(4)
    expect(h.simulator.state().organizations.map((o) => o.external_id)).toEqual(['stays'])
  })
})
