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

describe('an account without bulk import (default): the fast path', () => {
  let h: SimulatorHarness
  /** The time of the simulator's limits and of the paced destination's waits. */
  const clock = new TestClock(Date.now())
  beforeAll(async () => {
    h = await startHarness({ account: 'default', clock: clock.now })
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.simulator.reset()
    resetDestinationState()
  })

  const routes = () => requestLines(h).map((line) => line.replace(/\/\d+/g, '/{id}'))
  /**
   * onBatch with single-user writes paced as in production (one a second), as the account's limits expect. The
   * destination waits on the clock the simulator's limits read, and the clock moves only once every request sent
   * has arrived: writes reach Zendesk as far apart as they were sent, however busy the machine.
   */
  async function pacedBatch(events: Partial<SegmentEvent>[], settings: Record<string, unknown> = {}) {
    const definition = testDefinition({ origin: h.simulator.url, singleUserWriteIntervalMs: 1100, ...clock.options })
    let sent = 0
    const paced = new Destination({
      ...definition,
      extendRequest: (context) => ({ ...definition.extendRequest!(context), beforeRequest: [() => void (sent += 1)] })
    })
    const results = await clock.runUntilSettled(
      paced.onBatch(events as any, { ...simulatorSettings, ...settings, subscriptions: upsertUserOnly } as any),
      () => h.simulator.requests.length === sent
    )
    return results[0].multistatus as any[]
  }
  const count = (line: string) => routes().filter((r) => r === line).length

  it('returning users are updated in one update_many job with create_or_update semantics, new ones created; every event delivered', async () => {
    h.simulator.seed.userField({ key: 'plan', type: 'text' })
    for (let i = 0; i < 7; i++) {
      h.simulator.seed.user({ name: `Old ${i}`, email: `old${i}@example.com`, external_id: `old${i}` })
    }
    h.simulator.seed.user({ name: 'Only Email', email: 'only@example.com' })
    const events = [
      ...Array.from({ length: 7 }, (_, i) => identify(`old${i}`, { plan: `plan-${i}` })),
      identify('old0', { email: 'old0.new@example.com' }),
      identify('new1', { name: 'New One', email: 'new1@example.com' }),
      identify('new2', { email: 'second.new@example.com' }),
      { type: 'identify', anonymousId: 'a1', traits: { email: 'only@example.com', plan: 'email-only' } } as any
    ]
    const statuses = await pacedBatch(events)
    expect(statuses.map((s) => s.status)).toEqual(Array(11).fill(200))
    expect(statuses.map((s) => s.body.status)).toEqual([...Array(8).fill('Updated'), 'Created', 'Created', 'Updated'])

    const state = h.simulator.state()
    const user = (externalId: string) => state.users.find((u) => u.external_id === externalId)!
    expect(user('old3')).toMatchObject({ name: 'Old 3', user_fields: { plan: 'plan-3' } })
    // Its second identify, written after the first: the plan stays, the new email becomes primary (the default).
    expect(user('old0')).toMatchObject({
      name: 'Old 0',
      email: 'old0.new@example.com',
      user_fields: { plan: 'plan-0' }
    })
    expect(state.identities.filter((i) => i.user_id === user('old0').id).map((i) => [i.value, i.primary])).toEqual([
      ['old0@example.com', false],
      ['old0.new@example.com', true]
    ])
    expect(user('new1').name).toBe('New One')
    expect(user('new2').name).toBe('second.new')
    expect(state.users.find((u) => u.email === 'only@example.com')?.user_fields).toMatchObject({ plan: 'email-only' })

    expect(count('POST /api/v2/users/create_or_update_many 403')).toBe(1)
    expect(count('GET /api/v2/users/show_many 200')).toBe(1)
    expect(count('PUT /api/v2/users/update_many 200')).toBe(1)
    expect(count('POST /api/v2/users 201')).toBe(2)
    expect(count('POST /api/v2/users 422')).toBe(1)
    // The only single-user writes: the user known by email alone, and old0's second identify (a round of one).
    expect(count('POST /api/v2/users/create_or_update 200')).toBe(2)
    expect(routes().filter((r) => / (429|5\d\d)$/.test(r))).toEqual([])
  })

  it('remembers that bulk import is off: the next batch does not ask again', async () => {
    const batch = (n: number) => [0, 1, 2].map((i) => identify(`u${n}-${i}`, { name: `U ${i}` }))
    await batchStatus(h, batch(1))
    h.simulator.requests.length = 0
    const statuses = await batchStatus(h, batch(2))
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200])
    expect(count('POST /api/v2/users/create_or_update_many 403')).toBe(0)
  })

  it('verified from the settings reaches returning users: their email becomes verified', async () => {
    const events = [0, 1, 2].map((i) => identify(`v${i}`, { email: `v${i}@example.com` }))
    for (let i = 0; i < 3; i++)
      h.simulator.seed.user({ name: `V ${i}`, email: `v${i}@example.com`, external_id: `v${i}` })
    const results = await h.destination.onBatch(
      events as any,
      {
        ...simulatorSettings,
        create_users_as_verified: true,
        subscriptions: upsertUserOnly
      } as any
    )
    expect(results[0].multistatus?.map((s: any) => s.status)).toEqual([200, 200, 200])
    expect(
      h.simulator
        .state()
        .users.filter((u) => u.external_id?.startsWith('v'))
        .map((u) => u.verified)
    ).toEqual([true, true, true])
  })

  it('a new external_id whose email another user has updates that user (and gives it the external_id)', async () => {
    h.simulator.seed.user({ name: 'Known', email: 'known@example.com' })
    const statuses = await batchStatus(h, [
      identify('k1', { email: 'known@example.com' }),
      identify('k2', { name: 'K2' }),
      identify('k3', { name: 'K3' })
    ])
    expect(statuses.map((s) => s.body?.status)).toEqual(['Updated', 'Created', 'Created'])
    expect(h.simulator.state().users.find((u) => u.email === 'known@example.com')).toMatchObject({
      name: 'Known',
      external_id: 'k1'
    })
  })

  it('update_many refused (403) as well: returning users go through create_or_update, still delivered', async () => {
    h.simulator.setFaults({ userUpdateManyForbidden: true })
    for (let i = 0; i < 3; i++) h.simulator.seed.user({ name: `R ${i}`, external_id: `r${i}` })
    const statuses = await pacedBatch([0, 1, 2].map((i) => identify(`r${i}`, { phone: `+1555000000${i}` })))
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200])
    expect(count('POST /api/v2/users/create_or_update 200')).toBe(3)
    expect(h.simulator.state().users.find((u) => u.external_id === 'r2')?.phone).toBe('+15550000002')
  })
})

describe('an existing user sent a new email (bulk-import account)', () => {
  let h: SimulatorHarness
  beforeAll(async () => {
    h = await startHarness({ account: 'bulk-import', endpointLimits: false })
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.simulator.reset()
    resetDestinationState()
  })

  const withMapping = (mapping: Record<string, unknown>) =>
    upsertUserOnly.map((s) => ({ ...s, mapping: { ...s.mapping, ...mapping } }))
  const emailsOf = (externalId: string) => {
    const state = h.simulator.state()
    const user = state.users.find((u) => u.external_id === externalId)!
    return {
      primary: user.email,
      identities: state.identities
        .filter((i) => i.user_id === user.id)
        .map((i) => `${i.value}${i.primary ? ' (primary)' : ''}${i.verified ? ' verified' : ''}`)
    }
  }
  const paths = () => requestLines(h).map((line) => line.replace(/\/\d+/g, '/{id}'))

  it('by default the new email becomes primary and the old one is kept', async () => {
    h.simulator.seed.user({ name: 'Ann', email: 'ann@old.example', external_id: 'ann' })
    const results = await h.send(identify('ann', { email: 'ann@new.example' }), upsertUserOnly)
    expect(results.find((r) => r.data)?.data).toEqual({ id: expect.any(Number), status: 'Updated' })
    expect(emailsOf('ann')).toEqual({
      primary: 'ann@new.example',
      identities: ['ann@old.example', 'ann@new.example (primary)']
    })
    expect(paths()).toEqual([
      'POST /api/v2/users/create_or_update 200',
      'GET /api/v2/users/{id}/identities 200',
      'PUT /api/v2/users/{id}/identities/{id}/make_primary 200'
    ])
  })

  it('with Remove Old Email the old address is removed, so another user can take it', async () => {
    h.simulator.seed.user({ name: 'Ann', email: 'ann@old.example', external_id: 'ann' })
    await h.send(identify('ann', { email: 'ann@new.example' }), withMapping({ remove_old_email: true }))
    expect(emailsOf('ann')).toEqual({ primary: 'ann@new.example', identities: ['ann@new.example (primary)'] })
    expect(paths().slice(-1)).toEqual(['DELETE /api/v2/users/{id}/identities/{id} 204'])
    const results = await h.send(identify('bob', { name: 'Bob', email: 'ann@old.example' }), upsertUserOnly)
    expect(results.find((r) => r.data)?.data).toEqual({ id: expect.any(Number), status: 'Created' })
  })

  it("keeping Zendesk's behaviour adds the new email as a secondary one, in one request", async () => {
    h.simulator.seed.user({ name: 'Ann', email: 'ann@old.example', external_id: 'ann' })
    await h.send(identify('ann', { email: 'ann@new.example' }), withMapping({ email_change: 'add_secondary' }))
    expect(emailsOf('ann')).toEqual({
      primary: 'ann@old.example',
      identities: ['ann@old.example (primary)', 'ann@new.example']
    })
    expect(paths()).toEqual(['POST /api/v2/users/create_or_update 200'])
  })

  it('the same email sent again costs no extra request', async () => {
    h.simulator.seed.user({ name: 'Ann', email: 'ann@example.com', external_id: 'ann' })
    await h.send(identify('ann', { email: 'ANN@example.com', name: 'Ann Lee' }), upsertUserOnly)
    expect(paths()).toEqual(['POST /api/v2/users/create_or_update 200'])
    expect(emailsOf('ann').identities).toEqual(['ann@example.com (primary)'])
  })

  it('the new primary is verified when users are created as verified', async () => {
    h.simulator.seed.user({ name: 'Ann', email: 'ann@old.example', external_id: 'ann' })
    await h.destination.onEvent(
      identify('ann', { email: 'ann@new.example' }) as SegmentEvent,
      {
        ...simulatorSettings,
        create_users_as_verified: true,
        subscriptions: upsertUserOnly
      } as any
    )
    expect(emailsOf('ann').identities).toContain('ann@new.example (primary) verified')
  })

  it('in a batch: only users whose email changed cost more, plus one show_many for the users reported Updated', async () => {
    h.simulator.seed.user({ name: 'Ann', email: 'ann@old.example', external_id: 'ann' })
    h.simulator.seed.user({ name: 'Cy', email: 'cy@example.com', external_id: 'cy' })
    const statuses = await batchStatus(h, [
      identify('ann', { email: 'ann@new.example' }),
      identify('bob', { name: 'Bob', email: 'bob@example.com' }),
      identify('cy', { email: 'cy@example.com' })
    ])
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200])
    expect(emailsOf('ann').primary).toBe('ann@new.example')
    expect(emailsOf('cy').identities).toEqual(['cy@example.com (primary)'])
    expect(paths().filter((p) => !p.startsWith('GET /api/v2/job_statuses'))).toEqual([
      'POST /api/v2/users/create_or_update_many 200',
      'GET /api/v2/users/show_many 200',
      'GET /api/v2/users/{id}/identities 200',
      'PUT /api/v2/users/{id}/identities/{id}/make_primary 200'
    ])
  })
})

describe('sync modes (mapping.__segment_internal_sync_mode)', () => {
  let h: SimulatorHarness
  beforeAll(async () => {
    h = await startHarness({ account: 'bulk-import', endpointLimits: false })
  })
  afterAll(() => h.close())
  beforeEach(() => {
    h.simulator.reset()
    resetDestinationState()
    h.simulator.seed.user({ name: 'Old', email: 'old@example.com', external_id: 'old' })
  })

  const inMode = (mode: string) =>
    upsertUserOnly.map((s) => ({ ...s, mapping: { ...s.mapping, __segment_internal_sync_mode: mode } }))
  const user = (externalId: string) => h.simulator.state().users.find((u) => u.external_id === externalId)
  const single = async (mode: string, event: Partial<SegmentEvent>) => {
    try {
      return { data: (await h.send(event, inMode(mode))).find((r) => r.data)?.data }
    } catch (error: any) {
      return { status: error.status, message: error.message }
    }
  }
  const batch = async (mode: string, events: Partial<SegmentEvent>[]) =>
    (await h.sendBatch(events, inMode(mode))).find((r) => r.multistatus)?.multistatus as any[]
  /**
   * A batch whose bulk job (`submitted` names its endpoint) waits in Zendesk's queue until `meanwhile` has run: the
   * destination's clock stands still until then, so its job is first polled afterwards, however long that takes.
   */
  async function batchWhileQueued(
    mode: string,
    events: Partial<SegmentEvent>[],
    submitted: string,
    meanwhile: () => Promise<unknown>
  ) {
    const clock = new TestClock(Date.now())
    const destination = new Destination(testDefinition({ origin: h.simulator.url, ...clock.options }))
    const sent = destination.onBatch(events as any, { ...simulatorSettings, subscriptions: inMode(mode) } as any)
    await until(() => h.simulator.requests.some((r) => r.path.includes(submitted)))
    await meanwhile()
    return (await clock.runUntilSettled(sent))[0].multistatus as any[]
  }
  const oldAndNew = [
    identify('old', { name: 'Old Renamed' }),
    identify('new1', { name: 'New 1' }),
    identify('new2', { name: 'New 2' })
  ]

  it('no mode is upsert', async () => {
    const statuses = await batchStatus(h, oldAndNew)
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200])
    expect(user('new1')).toBeDefined()
  })

  describe('update', () => {
    it('single: an existing user is updated; a missing one is skipped, non-retryable, saying why', async () => {
      expect(await single('update', identify('old', { name: 'Old Renamed' }))).toEqual({
        data: { id: user('old')!.id, status: 'Updated' }
      })
      expect(user('old')!.name).toBe('Old Renamed')
      const skipped = await single('update', identify('ghost', { name: 'Ghost' }))
      expect(skipped).toEqual({ status: 404, message: expect.stringMatching(/Skipped.*Update mode creates nothing/) })
      expect(user('ghost')).toBeUndefined()
    })

    it('batch with one existing user: one show_many and one PUT users/{id}; new users are skipped', async () => {
      const statuses = await batch('update', oldAndNew)
      expect(statuses.map((s) => s.status)).toEqual([200, 404, 404])
      expect(statuses[1].errormessage).toContain('Update mode creates nothing')
      expect(user('old')!.name).toBe('Old Renamed')
      expect(user('new1')).toBeUndefined()
      expect(requestLines(h)).toEqual(['GET /api/v2/users/show_many 200', `PUT /api/v2/users/${user('old')!.id} 200`])
    })

    it('batch with three existing users: one show_many and one update_many job', async () => {
      h.simulator.seed.user({ name: 'Old 2', email: 'old2@example.com', external_id: 'old2' })
      h.simulator.seed.user({ name: 'Old 3', email: 'old3@example.com', external_id: 'old3' })
      const events = [...oldAndNew, identify('old2', { name: 'Old 2 Renamed' }), identify('old3', { name: 'Renamed' })]
      const statuses = await batch('update', events)
      expect(statuses.map((s) => s.status)).toEqual([200, 404, 404, 200, 200])
      expect([user('old')!.name, user('old2')!.name, user('old3')!.name]).toEqual([
        'Old Renamed',
        'Old 2 Renamed',
        'Renamed'
      ])
      expect(requestLines(h).filter((l) => !l.startsWith('GET /api/v2/job_statuses'))).toEqual([
        'GET /api/v2/users/show_many 200',
        'PUT /api/v2/users/update_many 200'
      ])
    })

    it('where users/update_many answers 403: one PUT users/{id} each, never a create', async () => {
      h.simulator.seed.user({ name: 'Old 2', email: 'old2@example.com', external_id: 'old2' })
      h.simulator.seed.user({ name: 'Old 3', email: 'old3@example.com', external_id: 'old3' })
      h.simulator.setFaults({ userUpdateManyForbidden: true })
      const events = [...oldAndNew, identify('old2', { name: 'Old 2 Renamed' }), identify('old3', { name: 'Renamed' })]
      const statuses = await batch('update', events)
      expect(statuses.map((s) => s.status)).toEqual([200, 404, 404, 200, 200])
      expect(user('old3')!.name).toBe('Renamed')
      expect(requestLines(h).map((line) => line.replace(/\/\d+ /, '/{id} '))).toEqual([
        'GET /api/v2/users/show_many 200',
        'PUT /api/v2/users/update_many 403',
        ...Array(3).fill('PUT /api/v2/users/{id} 200')
      ])
    })

    it('a user deleted between the lookup and the update is skipped, never created afresh', async () => {
      const old = user('old')!
      for (const externalId of ['old2', 'old3']) {
        h.simulator.seed.user({ name: externalId, email: `${externalId}@example.com`, external_id: externalId })
      }
      // The lookup sees all three; the user is deleted while the update job waits in Zendesk's queue.
      const statuses = await batchWhileQueued(
        'update',
        [identify('old', { name: 'Back?' }), identify('old2', { name: 'A' }), identify('old3', { name: 'B' })],
        'users/update_many',
        () => anotherWriter(h.simulator, 'DELETE', `users/${old.id}`)
      )
      expect(statuses.map((s) => s.status)).toEqual([404, 200, 200])
      expect(statuses[0].errormessage).toContain('Update mode creates nothing')
      expect(h.simulator.state().users.filter((u) => u.external_id === 'old')).toEqual([
        expect.objectContaining({ id: old.id, active: false, name: 'Old' })
      ])
    })
  })

  describe('add', () => {
    it('single: a new user is created; an existing one is left untouched, non-retryable, saying so', async () => {
      expect(await single('add', identify('new1', { name: 'New 1' }))).toEqual({
        data: { id: expect.any(Number), status: 'Created' }
      })
      const untouched = await single('add', identify('old', { name: 'Old Renamed' }))
      expect(untouched).toEqual({ status: 409, message: expect.stringMatching(/Left untouched.*Add mode/) })
      expect(user('old')!.name).toBe('Old')
    })

    it('batch with two new users: one show_many, then one POST users each; the existing one untouched', async () => {
      const statuses = await batch('add', oldAndNew)
      expect(statuses.map((s) => s.status)).toEqual([409, 200, 200])
      expect(user('old')!.name).toBe('Old')
      expect([user('new1')?.name, user('new2')?.name]).toEqual(['New 1', 'New 2'])
      expect(requestLines(h).filter((l) => !l.startsWith('GET /api/v2/job_statuses'))).toEqual([
        'GET /api/v2/users/show_many 200',
        'POST /api/v2/users 201',
        'POST /api/v2/users 201'
      ])
    })

    it('batch with three new users: one show_many and one create_many job', async () => {
      const events = [...oldAndNew, identify('new3', { name: 'New 3' })]
      const statuses = await batch('add', events)
      expect(statuses.map((s) => s.status)).toEqual([409, 200, 200, 200])
      expect(user('new3')?.name).toBe('New 3')
      expect(requestLines(h).filter((l) => !l.startsWith('GET /api/v2/job_statuses'))).toEqual([
        'GET /api/v2/users/show_many 200',
        'POST /api/v2/users/create_many 200'
      ])
    })

    it('a user created elsewhere while the create job waits is left untouched, never updated', async () => {
      const statuses = await batchWhileQueued(
        'add',
        [
          identify('raced', { name: 'Ours', email: 'raced@example.com' }),
          identify('new1', { name: 'New 1' }),
          identify('new2', { name: 'New 2' })
        ],
        'users/create_many',
        () => anotherWriter(h.simulator, 'POST', 'users', { user: { name: 'Theirs', external_id: 'raced' } })
      )
      expect(statuses.map((s) => s.status)).toEqual([409, 200, 200])
      expect(statuses[0].errormessage).toMatch(/Left untouched.*Add mode changes no existing user/)
      expect(h.simulator.state().users.filter((u) => u.external_id === 'raced')).toEqual([
        expect.objectContaining({ name: 'Theirs', email: null })
      ])
    })
  })

  describe('delete', () => {
    it('single: an existing user is soft-deleted; a missing one is a success with deleted false', async () => {
      const id = user('old')!.id
      expect(await single('delete', identify('old', {}))).toEqual({ data: { id, deleted: true } })
      expect(h.simulator.state().users.find((u) => u.id === id)?.active).toBe(false)
      expect(await single('delete', identify('ghost', {}))).toEqual({ data: { id: null, deleted: false } })
    })

    it('batch: found with one show_many, each found user soft-deleted', async () => {
      const statuses = await batch('delete', oldAndNew)
      expect(statuses.map((s) => [s.status, s.body?.deleted])).toEqual([
        [200, true],
        [200, false],
        [200, false]
      ])
      expect(requestLines(h)).toEqual([
        'GET /api/v2/users/show_many 200',
        expect.stringMatching(/^DELETE \/api\/v2\/users\/\d+ 200$/)
      ])
    })
  })
})
