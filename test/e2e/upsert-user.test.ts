import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

const upsertUserOnly = presetSubscriptions.filter((s) => s.partnerAction === 'upsertUser')

const identify = (userId: string | undefined, traits: Record<string, unknown>) =>
  ({ type: 'identify', userId, traits }) as Partial<SegmentEvent>

const requestLines = (h: SimulatorHarness) =>
  h.simulator.requests.map((r) => `${r.method} ${r.path.replace(/\.json$/, '').replace(/V3-\w+/, 'V3-…')} ${r.status}`)

const userNamed = (h: SimulatorHarness, externalId: string) =>
  h.simulator.state().users.find((u) => u.external_id === externalId)

async function batchStatus(h: SimulatorHarness, events: Partial<SegmentEvent>[]): Promise<any[]> {
  const results = await h.sendBatch(events, upsertUserOnly)
  return results.find((r) => r.multistatus)?.multistatus
}

describe.each(['default', 'bulk-import'] as const)('a new user without a name (%s account)', (account) => {
  let h: SimulatorHarness
  beforeAll(async () => {
    h = await startHarness({ account, endpointLimits: false })
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.simulator.reset()
    resetDestinationState()
  })

  it('an identify with only an email creates the user, named after the email, with one extra request', async () => {
    const results = await h.send(identify('u1', { email: 'jane.doe@example.com' }), upsertUserOnly)
    expect(results.find((r) => r.data)?.data).toEqual({ id: expect.any(Number), status: 'Created' })
    expect(userNamed(h, 'u1')).toMatchObject({ name: 'jane.doe', email: 'jane.doe@example.com' })
    expect(requestLines(h)).toEqual([
      'POST /api/v2/users/create_or_update 422',
      'POST /api/v2/users/create_or_update 201'
    ])
  })

  it("an identify without a name leaves an existing user's name as it was, in one request", async () => {
    h.simulator.seed.user({ name: 'Jane Doe', email: 'jane@example.com', external_id: 'u1' })
    const results = await h.send(identify('u1', { email: 'jane@example.com' }), upsertUserOnly)
    expect(results.find((r) => r.data)?.data).toEqual({ id: expect.any(Number), status: 'Updated' })
    expect(userNamed(h, 'u1')?.name).toBe('Jane Doe')
    expect(requestLines(h)).toEqual(['POST /api/v2/users/create_or_update 200'])
  })

  it('a userId alone names the new user after it', async () => {
    await h.send(identify('u-42', {}), upsertUserOnly)
    expect(userNamed(h, 'u-42')?.name).toBe('u-42')
  })

  it('in a batch: new nameless users are created, existing ones keep their names, every event delivered', async () => {
    h.simulator.seed.user({ name: 'Old One', email: 'old1@example.com', external_id: 'old1' })
    h.simulator.seed.user({ name: 'Old Two', email: 'old2@example.com', external_id: 'old2' })
    const events = [
      identify('old1', { email: 'old1@example.com' }),
      identify('new1', { email: 'first.new@example.com' }),
      identify('old2', { email: 'old2@example.com' }),
      identify('new2', { email: 'second.new@example.com' }),
      identify('new3', { name: 'Named New', email: 'third@example.com' })
    ]
    const statuses = await batchStatus(h, events)
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 200, 200])
    expect(['old1', 'new1', 'old2', 'new2', 'new3'].map((id) => userNamed(h, id)?.name)).toEqual([
      'Old One',
      'first.new',
      'Old Two',
      'second.new',
      'Named New'
    ])
  })
})
