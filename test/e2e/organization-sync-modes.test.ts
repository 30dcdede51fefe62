import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

let h: SimulatorHarness
beforeAll(async () => {
  h = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => h.close())
beforeEach(() => {
  h.simulator.reset()
  resetDestinationState()
  h.simulator.seed.organization({ name: 'Old Org', external_id: 'old' })
})

const group = (groupId: string, name: string) => ({ type: 'group', groupId, traits: { name } }) as Partial<SegmentEvent>
const inMode = (mode: string) =>
  presetSubscriptions
    .filter((s) => s.partnerAction === 'upsertOrganization')
    .map((s) => ({ ...s, mapping: { ...s.mapping, __segment_internal_sync_mode: mode } }))
const organization = (externalId: string) => h.simulator.state().organizations.find((o) => o.external_id === externalId)
const requestLines = () =>
  h.simulator.requests
    .map((r) => `${r.method} ${r.path.replace(/\.json$/, '')} ${r.status}`)
    .filter((line) => !line.startsWith('GET /api/v2/job_statuses'))

async function single(mode: string, event: Partial<SegmentEvent>) {
  try {
    return { data: (await h.send(event, inMode(mode))).find((r) => r.data)?.data }
  } catch (error: any) {
    return { status: error.status, message: error.message }
  }
}

async function batch(mode: string, events: Partial<SegmentEvent>[]): Promise<any[]> {
  return (await h.sendBatch(events, inMode(mode))).find((r) => r.multistatus)?.multistatus
}

const oldAndNew = [group('old', 'Old Org Renamed'), group('new1', 'New 1'), group('new2', 'New 2')]

describe('Upsert Organization sync modes', () => {
  it('update, single: an existing organization is updated; a missing one is skipped, saying why', async () => {
    expect(await single('update', group('old', 'Old Org Renamed'))).toEqual({
      data: { id: organization('old')!.id, status: 'Updated' }
    })
    expect(organization('old')!.name).toBe('Old Org Renamed')
    expect(await single('update', group('ghost', 'Ghost'))).toEqual({
      status: 404,
      message: expect.stringMatching(/Skipped.*Update mode creates nothing/)
    })
    expect(organization('ghost')).toBeUndefined()
  })

  it('update, batch: one show_many and one update_many job; new organizations skipped', async () => {
    const statuses = await batch('update', oldAndNew)
    expect(statuses.map((s) => s.status)).toEqual([200, 404, 404])
    expect(organization('new1')).toBeUndefined()
    expect(requestLines()).toEqual([
      'GET /api/v2/organizations/show_many 200',
      'PUT /api/v2/organizations/update_many 200'
    ])
  })

  it('add, single: a new organization is created; an existing one is left untouched, saying so', async () => {
    expect(await single('add', group('new1', 'New 1'))).toEqual({ data: { id: expect.any(Number), status: 'Created' } })
    expect(await single('add', group('old', 'Old Org Renamed'))).toEqual({
      status: 409,
      message: expect.stringMatching(/Left untouched.*Add mode/)
    })
    expect(organization('old')!.name).toBe('Old Org')
  })

  it('add, batch: one show_many and one create_many job; the existing organization untouched', async () => {
    const statuses = await batch('add', oldAndNew)
    expect(statuses.map((s) => s.status)).toEqual([409, 200, 200])
    expect(organization('old')!.name).toBe('Old Org')
    expect(requestLines()).toEqual([
      'GET /api/v2/organizations/show_many 200',
      'POST /api/v2/organizations/create_many 200'
    ])
  })

  it('delete, single and batch: found organizations are deleted, missing ones are a success', async () => {
    expect(await single('delete', group('ghost', 'Ghost'))).toMatchObject({ data: { id: null } })
    const statuses = await batch('delete', oldAndNew)
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200])
    expect(statuses[0].body).toMatchObject({ status: 'Deleted' })
    expect(organization('old')).toBeUndefined()
  })
})
