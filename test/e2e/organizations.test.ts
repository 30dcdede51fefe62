import { RetryableError, type SegmentEvent } from '@segment/actions-core'
import {
  anotherWriter,
  presetSubscriptions,
  resetDestinationState,
  startHarness,
  type SimulatorHarness
} from '../helpers/harness'

let h: SimulatorHarness
beforeAll(async () => {
  h = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => h.close())
beforeEach(() => {
  h.simulator.reset()
  resetDestinationState()
})

const only = (actionKey: string) => presetSubscriptions.filter((s) => s.partnerAction === actionKey)

const group = (groupId: string, traits: Record<string, unknown>, extra: Partial<SegmentEvent> = {}) =>
  ({ type: 'group', groupId, traits, ...extra }) as Partial<SegmentEvent>

const identify = (userId: string, traits: Record<string, unknown>) =>
  ({ type: 'identify', userId, traits }) as Partial<SegmentEvent>

/** What the events decide: organizations, memberships and organization fields, without ids or timestamps. */
function accountState() {
  const state = h.simulator.state()
  const orgName = (id: number | null) => state.organizations.find((o) => o.id === id)?.name
  const userRef = (id: number) => state.users.find((u) => u.id === id)?.external_id
  return {
    organizations: state.organizations
      .map((o) => ({
        name: o.name,
        external_id: o.external_id,
        domain_names: o.domain_names,
        tags: o.tags,
        details: o.details,
        notes: o.notes,
        organization_fields: o.organization_fields
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    memberships: state.memberships.map((m) => `${userRef(m.user_id)} ∈ ${orgName(m.organization_id)}`).sort(),
    organizationFields: state.organizationFields.map((f) => `${f.key}:${f.type}`).sort()
  }
}

const requestLines = () => h.simulator.requests.map((r) => `${r.method} ${r.path.replace(/\.json$/, '')} ${r.status}`)

/** The multistatus of the one subscription the batch matched. */
async function batchStatus(events: Partial<SegmentEvent>[], subscriptions?: unknown[]): Promise<any[]> {
  const results = await h.sendBatch(events, subscriptions)
  return results.find((r) => r.multistatus)?.multistatus
}

/** Sends the same event(s) again, as a host that redelivers does, and returns what the repeat requested. */
async function repeatLeavesSameState(deliver: () => Promise<unknown>) {
  const before = accountState()
  h.simulator.requests.length = 0
  await deliver()
  expect(accountState()).toEqual(before)
  return requestLines()
}

describe('group → Upsert Organization', () => {
  it('seed: group without user creates the organization with the website in the "url" field; a repeat changes nothing', async () => {
    const event = group('xyz999', { name: 'SF Giants', url: 'https://mlb.com/giants' })
    const results = await h.send(event)
    expect(results.find((r) => r.data)?.data).toEqual({ id: expect.any(Number), status: 'Created' })
    expect(accountState()).toEqual({
      organizations: [
        {
          name: 'SF Giants',
          external_id: 'xyz999',
          domain_names: [],
          tags: [],
          details: null,
          notes: null,
          organization_fields: { url: 'https://mlb.com/giants' }
        }
      ],
      memberships: [],
      organizationFields: ['url:text']
    })
    expect(requestLines()).toEqual([
      'GET /api/v2/organization_fields 200',
      'POST /api/v2/organization_fields 201',
      'POST /api/v2/organizations/create_or_update 201'
    ])
    const repeat = await repeatLeavesSameState(() => h.send(event))
    expect(repeat).toEqual(['POST /api/v2/organizations/create_or_update 200'])
  })

  it('seed: group with userId makes the user a member; a repeat changes nothing', async () => {
    h.simulator.seed.user({ name: 'Fan', external_id: '1234', email: 'fan@example.com' })
    const event = group('abc123', { name: 'SF Giants', url: 'https://mlb.com/giants' }, { userId: '1234' })
    const results = await h.send(event)
    expect(results.find((r) => r.data)?.data).toEqual({
      id: expect.any(Number),
      status: 'Created',
      membership: 'added'
    })
    expect(accountState().memberships).toEqual(['1234 ∈ SF Giants'])
    const repeat = await repeatLeavesSameState(() => h.send(event))
    expect(repeat).toEqual([
      'POST /api/v2/organizations/create_or_update 200',
      'POST /api/v2/organization_memberships 422'
    ])
  })

  it('group with userId before the user exists: the organization is saved, the event is retryable naming the user, and the retry after the identify adds the membership', async () => {
    const event = group('abc123', { name: 'SF Giants' }, { userId: '1234' })
    const error = await h.send(event).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('user with external_id "1234"')
    expect(accountState().organizations.map((o) => o.external_id)).toEqual(['abc123'])
    expect(accountState().memberships).toEqual([])

    await h.send(identify('1234', { name: 'Fan', email: 'fan@example.com' }))
    resetDestinationState()
    await h.send(event)
    expect(accountState().memberships).toEqual(['1234 ∈ SF Giants'])
    expect(accountState().organizations).toHaveLength(1)
  })

  it('custom traits become typed organization fields; attributes are mapped', async () => {
    await h.send(
      group('acme', {
        name: 'Acme',
        domainNames: 'acme.com, acme.io',
        tags: ['vip'],
        details: '1 Main St',
        notes: 'Key account',
        plan: 'enterprise',
        employeeCount: 250,
        mrr: 99.5,
        isPartner: true,
        renewalDate: '2025-03-01T00:00:00Z',
        'bad.key': 'x'
      })
    )
    const { organizations, organizationFields } = accountState()
    expect(organizationFields).toEqual([
      'employee_count:integer',
      'is_partner:checkbox',
      'mrr:decimal',
      'plan:text',
      'renewal_date:date'
    ])
    expect(organizations[0]).toEqual({
      name: 'Acme',
      external_id: 'acme',
      domain_names: ['acme.com', 'acme.io'],
      tags: ['vip'],
      details: '1 Main St',
      notes: 'Key account',
      organization_fields: {
        employee_count: 250,
        is_partner: true,
        mrr: 99.5,
        plan: 'enterprise',
        renewal_date: '2025-03-01T00:00:00+00:00'
      }
    })
  })

  it("a name already taken by another organization → 400 with Zendesk's message", async () => {
    h.simulator.seed.organization({ name: 'Acme', external_id: 'other' })
    const error = await h.send(group('acme', { name: 'Acme' })).catch((e) => e)
    expect(error.status).toBe(400)
    expect(error.message).toContain('Name: Acme has already been taken')
  })

  it('traits.deleted: true deletes the organization (and its memberships); a repeat is success', async () => {
    const org = h.simulator.seed.organization({ name: 'Acme', external_id: 'acme' })
    const user = h.simulator.seed.user({ name: 'Ada', external_id: 'u1' })
    await h.send(identify('u1', { company: { id: 'acme' } }), only('updateOrganizationMembership'))
    expect(h.simulator.state().memberships).toEqual([
      expect.objectContaining({ user_id: user.id, organization_id: org.id })
    ])
    await h.send(group('acme', { deleted: true }))
    expect(accountState()).toMatchObject({ organizations: [], memberships: [] })
    const repeat = await repeatLeavesSameState(() => h.send(group('acme', { deleted: true })))
    expect(repeat).toEqual(['GET /api/v2/organizations/show_many 200'])
  })
})

describe('identify with traits.company → Update Organization Membership', () => {
  let userId: number
  let orgId: number
  beforeEach(() => {
    userId = h.simulator.seed.user({ name: 'Homer', external_id: '12345', email: 'homer@example.com' }).id
    orgId = h.simulator.seed.organization({ name: 'Plant', external_id: '6789' }).id
  })
  const membershipOnly = only('updateOrganizationMembership')

  it('seed: company.id adds the membership; a repeat changes nothing', async () => {
    const event = identify('12345', { company: { id: '6789' } })
    await h.send(event, membershipOnly)
    expect(h.simulator.state().memberships).toEqual([
      expect.objectContaining({ user_id: userId, organization_id: orgId, default: true })
    ])
    const repeat = await repeatLeavesSameState(() => h.send(event, membershipOnly))
    // The user's and the organization's ids are cached from the first delivery: no lookup again.
    expect(repeat).toEqual(['POST /api/v2/organization_memberships 422'])
  })

  it('seed: company.remove: true removes the membership (and the org from working tickets); a repeat is success', async () => {
    await h.send(identify('12345', { company: { id: '6789' } }), membershipOnly)
    const ticket = h.simulator.seed.ticket({ requester_id: userId, organization_id: orgId, status: 'open' })
    const remove = identify('12345', { company: { id: '6789', remove: true } })
    const results = await h.send(remove, membershipOnly)
    expect(results.find((r) => r.data)?.data).toEqual({ organization_id: orgId, membership: 'removed' })
    expect(h.simulator.state().memberships).toEqual([])
    expect(h.simulator.state().tickets.find((t) => t.id === ticket.id)?.organization_id).toBeNull()
    h.simulator.requests.length = 0
    const again = await h.send(remove, membershipOnly)
    expect(again.find((r) => r.data)?.data).toEqual({ organization_id: orgId, membership: 'not a member' })
    expect(h.simulator.state().memberships).toEqual([])
    expect(requestLines()).toContain(`DELETE /api/v2/users/${userId}/organizations/${orgId} 404`)
  })

  it('a user deleted and made again under a new id since its id was cached: the removal reaches the current user', async () => {
    await h.send(identify('12345', { company: { id: '6789' } }), membershipOnly)
    // Elsewhere, Homer leaves and is deleted, and a new Homer, with the same external_id, joins the organization.
    await anotherWriter(h.simulator, 'DELETE', `users/${userId}/organizations/${orgId}`)
    await anotherWriter(h.simulator, 'DELETE', `users/${userId}`)
    const current = h.simulator.seed.user({ name: 'Homer', external_id: '12345', organization_id: orgId })
    expect(current.id).not.toBe(userId)
    h.simulator.requests.length = 0
    const results = await h.send(identify('12345', { company: { id: '6789', remove: true } }), membershipOnly)
    expect(results.find((r) => r.data)?.data).toEqual({ organization_id: orgId, membership: 'removed' })
    expect(h.simulator.state().memberships).toEqual([])
    expect(requestLines()).toEqual([
      `DELETE /api/v2/users/${userId}/organizations/${orgId} 404`,
      'GET /api/v2/users/show_many 200',
      `DELETE /api/v2/users/${current.id}/organizations/${orgId} 204`
    ])
  })

  it('an organization that does not exist yet → retryable naming it; after the group, the retry adds the membership', async () => {
    const event = identify('12345', { company: { id: 'later' } })
    const error = await h.send(event, membershipOnly).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('organization with external_id "later"')
    await h.send(group('later', { name: 'Later Inc' }))
    await h.send(event, membershipOnly)
    expect(accountState().memberships).toEqual(['12345 ∈ Later Inc'])
  })

  it('an identify that creates the user and joins an organization: with every preset, redelivery ends with the membership', async () => {
    const event = identify('new-user', { name: 'Marge', email: 'marge@example.com', company: { id: '6789' } })
    // Both presets match; the membership may run before the user exists (then it is retryable) or after.
    const first = await h.send(event).catch((e) => e)
    if (first instanceof Error) expect(first).toBeInstanceOf(RetryableError)
    resetDestinationState()
    await h.send(event)
    expect(accountState().memberships).toEqual(['new-user ∈ Plant'])
    await repeatLeavesSameState(() => h.send(event))
  })
})

describe('batches', () => {
  it('group batch: one lookup, create_many and update_many jobs, duplicates merged, memberships and deletes; a repeat changes nothing', async () => {
    h.simulator.seed.organization({ name: 'Old Name', external_id: 'existing', tags: ['keep'] })
    h.simulator.seed.organization({ name: 'Doomed', external_id: 'doomed' })
    h.simulator.seed.user({ name: 'Ada', external_id: 'u1' })
    const events = [
      group('new-1', { name: 'New One', plan: 'pro' }, { userId: 'u1' }),
      group('existing', { name: 'Renamed', tags: 'a,b' }),
      group('NEW-1', { notes: 'merged' }),
      group('doomed', { deleted: true }),
      group('', { name: 'No Id' }),
      group('new-2', { name: 'New Two', seats: 3 })
    ]
    const multistatus = await batchStatus(events)
    expect(multistatus.map((r: any) => r.status)).toEqual([200, 200, 200, 200, 400, 200])
    expect(multistatus[0].body).toEqual({ id: expect.any(Number), status: 'Created', membership: 'added' })
    expect(multistatus[2].body.id).toBe(multistatus[0].body.id)
    expect(multistatus[3].body).toEqual({ id: expect.any(Number), status: 'Deleted' })
    expect(accountState()).toEqual({
      organizations: [
        expect.objectContaining({
          name: 'New One',
          external_id: 'NEW-1',
          notes: 'merged',
          organization_fields: { plan: 'pro', seats: null }
        }),
        expect.objectContaining({
          name: 'New Two',
          external_id: 'new-2',
          organization_fields: { plan: null, seats: 3 }
        }),
        expect.objectContaining({ name: 'Renamed', external_id: 'existing', tags: ['a', 'b'] })
      ],
      memberships: ['u1 ∈ New One'],
      organizationFields: ['plan:text', 'seats:integer']
    })
    const writes = requestLines().filter((line) => !line.startsWith('GET /api/v2/job_statuses'))
    expect(writes).toEqual([
      'GET /api/v2/organizations/show_many 200',
      'DELETE /api/v2/organizations/' + multistatus[3].body.id + ' 204',
      'GET /api/v2/organization_fields 200',
      'POST /api/v2/organization_fields 201',
      'POST /api/v2/organization_fields 201',
      'GET /api/v2/organizations/show_many 200',
      'POST /api/v2/organizations/create_many 200',
      'PUT /api/v2/organizations/update_many 200',
      'GET /api/v2/users/show_many 200',
      'POST /api/v2/organization_memberships 201'
    ])
    const lookups = h.simulator.requests.filter((r) => r.path.includes('organizations/show_many'))
    expect(lookups.map((r) => r.query)).toEqual([{ external_ids: 'doomed' }, { external_ids: 'new-1,existing,new-2' }])

    const repeat = await repeatLeavesSameState(() => h.sendBatch(events))
    expect(repeat.filter((line) => /create_many|update_many|organization_fields|DELETE/.test(line))).toEqual([
      'PUT /api/v2/organizations/update_many 200'
    ])
  })

  it('a job item Zendesk fails fails only its event', async () => {
    h.simulator.setFaults({ failJobItems: { indexes: [1] } })
    const multistatus = await batchStatus([
      group('a', { name: 'A' }),
      group('b', { name: 'B' }),
      group('c', { name: 'C' })
    ])
    expect(multistatus.map((r: any) => r.status === 200)).toEqual([true, false, true])
    expect(multistatus[1].errormessage).toContain('Simulated failure')
    expect(accountState().organizations.map((o) => o.external_id)).toEqual(['a', 'c'])
  })

  it('a rate-limited lookup makes every event retryable (429) and writes nothing', async () => {
    h.simulator.setFaults({ rateLimit: { count: 1, retryAfter: 7, path: 'show_many' } })
    const multistatus = await batchStatus([
      group('a', { name: 'A' }),
      group('b', { name: 'B' }),
      group('c', { name: 'C' })
    ])
    expect(multistatus.map((r: any) => r.status)).toEqual([429, 429, 429])
    expect(accountState().organizations).toEqual([])
  })

  it('identify batch of 100 adds: a handful of requests, one create_many job; a repeat finds them all members already', async () => {
    for (const name of ['Alpha', 'Beta', 'Gamma'])
      h.simulator.seed.organization({ name, external_id: name.toLowerCase() })
    const companies = ['alpha', 'beta', 'gamma']
    for (let i = 0; i < 100; i++) h.simulator.seed.user({ name: `Member ${i}`, external_id: `member-${i}` })
    const events = Array.from({ length: 100 }, (_, i) => identify(`member-${i}`, { company: { id: companies[i % 3] } }))

    const multistatus = await batchStatus(events, only('updateOrganizationMembership'))

    expect(multistatus.map((r: any) => r.body?.membership)).toEqual(events.map(() => 'added'))
    expect(accountState().memberships).toHaveLength(100)
    expect(accountState().memberships).toContain('member-4 ∈ Beta')
    const requests = requestLines().filter((line) => !line.startsWith('GET /api/v2/job_statuses'))
    expect(requests).toEqual([
      'GET /api/v2/organizations/show_many 200',
      'GET /api/v2/users/show_many 200',
      'POST /api/v2/organization_memberships/create_many 200'
    ])
    expect(h.simulator.requests.length).toBeLessThanOrEqual(6)

    // The job refuses every item; one page of each organization's memberships shows they are members already.
    const repeat = await repeatLeavesSameState(() => h.sendBatch(events, only('updateOrganizationMembership')))
    const organizationIds = h.simulator
      .state()
      .organizations.map((o) => o.id)
      .sort()
    expect(repeat.filter((line) => !line.startsWith('GET /api/v2/job_statuses')).sort()).toEqual([
      ...organizationIds.map((id) => `GET /api/v2/organizations/${id}/organization_memberships 200`),
      'POST /api/v2/organization_memberships/create_many 200'
    ])
    const again = await batchStatus(events, only('updateOrganizationMembership'))
    expect(again.map((r: any) => r.body?.membership)).toEqual(events.map(() => 'already a member'))
  })

  it('identify batch: adds and removes per event, each organization looked up once; a repeat changes nothing', async () => {
    h.simulator.seed.organization({ name: 'Alpha', external_id: 'alpha' })
    h.simulator.seed.organization({ name: 'Beta', external_id: 'beta' })
    for (const id of ['u1', 'u2', 'u3']) h.simulator.seed.user({ name: id, external_id: id })
    const events = [
      identify('u1', { company: { id: 'alpha' } }),
      identify('u2', { company: { id: 'alpha' } }),
      identify('u3', { company: { id: 'beta' } }),
      identify('u3', { company: { id: 'beta', remove: true } }),
      identify('u1', { company: { id: 'gamma' } })
    ]
    const multistatus = await batchStatus(events, only('updateOrganizationMembership'))
    expect(multistatus.map((r: any) => r.body?.membership ?? r.status)).toEqual([
      'added',
      'added',
      'added',
      'removed',
      500
    ])
    expect(multistatus[4].errormessage).toContain('organization with external_id "gamma"')
    expect(accountState().memberships).toEqual(['u1 ∈ Alpha', 'u2 ∈ Alpha'])
    expect(h.simulator.requests.filter((r) => r.path.startsWith('/api/v2/organizations/'))).toHaveLength(1)
    await repeatLeavesSameState(() => h.sendBatch(events, only('updateOrganizationMembership')))
  })
})
