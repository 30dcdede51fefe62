import { Destination, IntegrationError, RetryableError, type SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, startHarness, type SimulatorHarness } from '../helpers/harness'
import { testDefinition, testSettings } from '../helpers/destination-state'
import type { Settings } from '../../src/destinations/zendesk/generated-types'

/**
 * Records created a moment earlier: a track, a membership or a ticket's requester that reaches Zendesk before the
 * identify or group that creates its records is retryable while the event is young (15 minutes after the CDP
 * received it), delivered once the record exists, and a final error naming what is missing when old.
 */
let harness: SimulatorHarness
let now: number
/** A destination whose clock the test moves. */
let destination: Destination<Settings>

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const minutes = (n: number) => n * 60 * 1000
const at = (ms: number) => new Date(ms).toISOString()

beforeAll(async () => {
  harness = await startHarness({ account: 'default', endpointLimits: false })
})
afterAll(() => harness.close())
beforeEach(() => {
  harness.simulator.reset()
  now = T0
  destination = new Destination(testDefinition({ origin: harness.simulator.url, clock: () => now }))
})

const only = (...actions: string[]) => presetSubscriptions.filter((s) => actions.includes(s.partnerAction))
const send = (event: Partial<SegmentEvent>, ...actions: string[]) =>
  destination.onEvent(event as SegmentEvent, { ...testSettings, subscriptions: only(...actions) } as any)
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the event was expected to fail')
    },
    (error: any) => error
  )
const dataOf = (results: any[]) => results.find((r) => r.output === 'Action Executed')?.data

const track = (userId: string, extra: Partial<SegmentEvent> = {}): Partial<SegmentEvent> => ({
  type: 'track',
  event: 'Article Read',
  userId,
  messageId: `track-${userId}`,
  receivedAt: at(T0 - minutes(1)),
  timestamp: at(T0 - minutes(2)),
  properties: { title: 'Welcome' },
  ...extra
})
const identify = (userId: string, traits: Record<string, unknown>, extra: Partial<SegmentEvent> = {}) =>
  ({
    type: 'identify',
    userId,
    traits,
    messageId: `identify-${userId}`,
    receivedAt: at(T0),
    ...extra
  }) as Partial<SegmentEvent>
const group = (groupId: string, name: string) =>
  ({
    type: 'group',
    groupId,
    traits: { name },
    messageId: `group-${groupId}`,
    receivedAt: at(T0)
  }) as Partial<SegmentEvent>

describe('Track Event before the identify that creates its user', () => {
  it('is retryable while young, delivered once the identify ran, and creates no user meanwhile', async () => {
    const error = await failureOf(send(track('signup-1'), 'trackEvent'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no user with external_id "signup-1" yet')
    expect(error.message).toContain('the event is 1 min old, so it will be retried until it is 15 min old')
    expect(harness.simulator.state().users.filter((u) => u.external_id === 'signup-1')).toEqual([])

    await send(identify('signup-1', { name: 'New User', email: 'new@example.com' }), 'upsertUser')
    now = T0 + minutes(1)
    const delivered = dataOf(await send(track('signup-1'), 'trackEvent'))
    expect(delivered).toMatchObject({ user_id: expect.any(Number) })
    expect(harness.simulator.state().events).toHaveLength(1)
  })

  it('is a final error naming the missing user and what to send first once the event is older than 15 minutes', async () => {
    now = T0 + minutes(15)
    const error = await failureOf(send(track('never'), 'trackEvent'))
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.status).toBe(404)
    expect(error.message).toContain(
      'No Zendesk user with external_id "never" exists 16 min after the event was received'
    )
    expect(error.message).toContain('Send the identify that creates the user first')
    expect(harness.simulator.state().users.filter((u) => u.external_id === 'never')).toEqual([])
  })

  it('the clock is receivedAt, else timestamp (an offline mobile event keeps an old timestamp but a fresh receivedAt)', async () => {
    const offline = track('offline', { timestamp: at(T0 - minutes(300)), receivedAt: at(T0 - minutes(1)) })
    expect(await failureOf(send(offline, 'trackEvent'))).toBeInstanceOf(RetryableError)
    const noReceivedAt = track('offline', { receivedAt: undefined, timestamp: at(T0 - minutes(300)) })
    expect(await failureOf(send(noReceivedAt, 'trackEvent'))).not.toBeInstanceOf(RetryableError)
  })

  it('an event without a time is young once; a time in the future is young until 15 minutes after first seen', async () => {
    const untimed = track('untimed', { receivedAt: undefined, timestamp: undefined })
    expect(await failureOf(send(untimed, 'trackEvent'))).toBeInstanceOf(RetryableError)
    const again = await failureOf(send(untimed, 'trackEvent'))
    expect(again).not.toBeInstanceOf(RetryableError)
    expect(again.message).toContain('on a retry of an event without a time')

    const future = track('future', { receivedAt: at(T0 + minutes(600)) })
    expect(await failureOf(send(future, 'trackEvent'))).toBeInstanceOf(RetryableError)
    now = T0 + minutes(10)
    expect(await failureOf(send(future, 'trackEvent'))).toBeInstanceOf(RetryableError)
    now = T0 + minutes(16)
    expect(await failureOf(send(future, 'trackEvent'))).not.toBeInstanceOf(RetryableError)
  })
})

describe('Update Organization Membership before the identify or group that creates its records', () => {
  const join = (userId: string, companyId: string, receivedAt = at(T0 - minutes(1))) =>
    identify(userId, { company: { id: companyId } }, { receivedAt, messageId: `join-${userId}-${companyId}` })

  it('a missing organization: retryable while young, added once the group ran', async () => {
    harness.simulator.seed.user({ name: 'Member', external_id: 'member-1' })
    const error = await failureOf(send(join('member-1', 'acme'), 'updateOrganizationMembership'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no organization with external_id "acme" yet')

    await send(group('acme', 'Acme'), 'upsertOrganization')
    expect(dataOf(await send(join('member-1', 'acme'), 'updateOrganizationMembership'))).toMatchObject({
      membership: 'added'
    })
    expect(harness.simulator.state().memberships).toHaveLength(1)
  })

  it('a missing user: retryable while young, added once the identify ran', async () => {
    harness.simulator.seed.organization({ name: 'Acme', external_id: 'acme' })
    const error = await failureOf(send(join('member-2', 'acme'), 'updateOrganizationMembership'))
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no user with external_id "member-2" yet')

    await send(identify('member-2', { name: 'Member Two' }), 'upsertUser')
    expect(dataOf(await send(join('member-2', 'acme'), 'updateOrganizationMembership'))).toMatchObject({
      membership: 'added'
    })
  })

  it('old: a final error naming what is missing and to send the identify and group first', async () => {
    now = T0 + minutes(30)
    const error = await failureOf(send(join('nobody', 'nowhere'), 'updateOrganizationMembership'))
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.message).toContain(
      'No Zendesk user with external_id "nobody" and no organization with external_id "nowhere" exists 31 min after the event was received, so the membership was not added.'
    )
    expect(error.message).toContain(
      'Send the identify that creates the user and the group that creates the organization first.'
    )
  })

  it('in a batch, each event is judged by its own age', async () => {
    harness.simulator.seed.organization({ name: 'Acme', external_id: 'acme' })
    const [{ multistatus }] = (await destination.onBatch(
      [join('late-1', 'acme', at(T0 - minutes(1))), join('late-2', 'acme', at(T0 - minutes(20)))] as SegmentEvent[],
      { ...testSettings, subscriptions: only('updateOrganizationMembership') } as any
    )) as any
    expect(multistatus.map((r: any) => r.status)).toEqual([500, 404])
  })
})

describe("Create Ticket's requester by external_id before the identify", () => {
  const ticket = (receivedAt: string) =>
    ({
      type: 'track',
      event: 'Ticket Created',
      userId: 'requester-1',
      messageId: 'ticket-early',
      receivedAt,
      properties: { subject: 'Help', comment: 'Please' }
    }) as Partial<SegmentEvent>

  it('is retryable while young, created once the user exists, final when old', async () => {
    expect(await failureOf(send(ticket(at(T0 - minutes(2))), 'createTicket'))).toBeInstanceOf(RetryableError)
    const old = await failureOf(send(ticket(at(T0 - minutes(40))), 'createTicket'))
    expect(old).not.toBeInstanceOf(RetryableError)
    expect(old.message).toContain('No Zendesk user with external_id "requester-1" exists 40 min after')
    await send(identify('requester-1', { name: 'Requester' }), 'upsertUser')
    expect(dataOf(await send(ticket(at(T0 - minutes(2))), 'createTicket'))).toMatchObject({ created: true })
  })
})

describe('Upsert Organization with a userId before the identify that creates the user', () => {
  const groupWithMember = (receivedAt: string) =>
    ({
      ...group('acme', 'Acme'),
      userId: 'member-9',
      receivedAt,
      messageId: `group-${receivedAt}`
    }) as Partial<SegmentEvent>

  it('saves the organization; the membership is retryable while young, added once the user exists, final when old', async () => {
    const young = await failureOf(send(groupWithMember(at(T0 - minutes(1))), 'upsertOrganization'))
    expect(young).toBeInstanceOf(RetryableError)
    expect(young.message).toContain('organization with external_id "acme" was created, but')
    expect(harness.simulator.state().organizations.map((o) => o.external_id)).toEqual(['acme'])

    const old = await failureOf(send(groupWithMember(at(T0 - minutes(20))), 'upsertOrganization'))
    expect(old).not.toBeInstanceOf(RetryableError)
    expect(old.message).toContain('No Zendesk user with external_id "member-9" exists 20 min after')

    await send(identify('member-9', { name: 'Member Nine' }), 'upsertUser')
    expect(dataOf(await send(groupWithMember(at(T0 - minutes(1))), 'upsertOrganization'))).toMatchObject({
      membership: 'added'
    })
  })
})
