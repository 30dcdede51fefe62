import fc from 'fast-check'
import type { SegmentEvent } from '@segment/actions-core'
import type { SimulatorState } from '../../src/simulator'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'
import { EDGE_STRINGS } from './edge-values'
import { outcomeOfError, outcomeOfItem, ROUTES_OF_ACTION, routeOf } from './outcomes'

let harness: SimulatorHarness
/** The seeded ticket's id, fixed so the random events can name it. */
const TICKET_ID = 4242

beforeAll(async () => {
  harness = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => harness.close())

/** A fresh account with records the random events can hit: users u1/u2, organization g1, ticket t1. */
function freshAccount(): void {
  harness.simulator.reset()
  resetDestinationState()
  const { seed } = harness.simulator
  const u1 = seed.user({ name: 'U1', external_id: 'u1', email: 'u1@example.com' })
  seed.user({ name: 'U2', external_id: 'u2', email: 'u2@example.com' })
  seed.organization({ name: 'G1', external_id: 'g1' })
  seed.ticket({ id: TICKET_ID, external_id: 't1', requester_id: u1.id, subject: 'Seeded' })
}

const KNOWN = ['u1', 'u2', 'g1', 't1', 'u1@example.com', 'u2@example.com', String(TICKET_ID)]
const text = () =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...KNOWN) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_STRINGS) }
  )
/** Anything at all: text, numbers, booleans, nothing, lists, objects. */
const value = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 12, arbitrary: text() },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
    { weight: 1, arbitrary: fc.array(text(), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), text(), { maxKeys: 2 }) }
  )
/** Mostly a value that suits the field, sometimes anything, so most events are deliverable and many are not. */
const mostly = (suitable: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: suitable }, { weight: 1, arbitrary: value() })
const absent = fc.constant(undefined)
const some = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] })
const withExtras = (named: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .tuple(fc.dictionary(fc.string({ maxLength: 8 }), value(), { maxKeys: 3 }), named)
    .map(([extra, fields]) => ({ ...extra, ...fields }))

const userId = () => mostly(fc.constantFrom('u1', 'u2', 'u3'))
const email = () => mostly(fc.constantFrom('u1@example.com', 'u2@example.com', 'u3@example.com'))
const traits = () =>
  withExtras(
    some({
      email: email(),
      name: mostly(fc.constantFrom('Ada', 'Grace')),
      first_name: value(),
      phone: mostly(absent),
      timezone: mostly(fc.constantFrom('Berlin', 'America/New_York')),
      organizationId: mostly(absent),
      company: some({ id: mostly(fc.constantFrom('g1', 'g2')) }),
      domainNames: mostly(fc.constantFrom(['example.org'], 'example.net')),
      tags: mostly(fc.constantFrom(['vip'], 'a,b'))
    })
  )
const context = () =>
  some({ zendesk_user_id: mostly(absent), traits: some({ email: email(), name: mostly(fc.constant('Ada')) }) })

function segmentEvent(): fc.Arbitrary<Partial<SegmentEvent>> {
  const identify = fc.record({
    type: fc.constant('identify'),
    userId: userId(),
    messageId: text(),
    traits: traits(),
    context: context()
  })
  const group = fc.record({
    type: fc.constant('group'),
    groupId: mostly(fc.constantFrom('g1', 'g2')),
    userId: userId(),
    traits: traits()
  })
  const track = fc.record({
    type: fc.constant('track'),
    event: mostly(fc.constantFrom('Ticket Created', 'Ticket Updated', 'Article Read')),
    userId: userId(),
    messageId: text(),
    timestamp: mostly(fc.constant('2024-05-01T10:00:00.000Z')),
    context: context(),
    properties: withExtras(
      some({
        ticket_id: mostly(fc.constantFrom(String(TICKET_ID), TICKET_ID)),
        external_id: mostly(fc.constantFrom('t1', 't2')),
        comment: mostly(fc.constantFrom('Help', 'Thanks')),
        subject: mostly(fc.constant('Order failed')),
        status: mostly(fc.constantFrom('open', 'Pending', 'solved')),
        priority: mostly(fc.constantFrom('high', 'LOW')),
        tags: mostly(fc.constant(['cdp'])),
        email: email(),
        requester_email: email(),
        custom_fields: mostly(absent)
      })
    )
  })
  return fc.oneof(identify, group, track) as fc.Arbitrary<Partial<SegmentEvent>>
}

/** What a delivered result says Zendesk now holds, checked against the simulator. */
const HOLDS: Record<string, (body: any, state: SimulatorState) => boolean> = {
  upsertUser: (body, state) => state.users.some((u) => u.id === body.id),
  updateOrganizationMembership: (body, state) =>
    body.organization_id === null || state.organizations.some((o) => o.id === body.organization_id),
  upsertOrganization: (body, state) =>
    !['Created', 'Updated'].includes(body.status) || state.organizations.some((o) => o.id === body.id),
  trackEvent: (body, state) => state.events.some((e) => e.user_id === body.user_id),
  createTicket: (body, state) => state.tickets.some((t) => t.id === body.id && t.external_id === body.external_id),
  updateTicket: (body, state) => state.tickets.some((t) => t.id === body.id)
}

function expectHeld(actionKey: string, body: unknown): void {
  const held = HOLDS[actionKey](body, harness.simulator.state())
  expect({ action: actionKey, body, held }).toEqual({ action: actionKey, body, held: true })
}

const EVERY_ROUTE = new Set(Object.values(ROUTES_OF_ACTION).flat())

function expectRequestsInsideApi(): void {
  const outside = harness.simulator.requests.filter(
    (r) => !r.path.startsWith('/api/v2/') || r.path.includes('..') || !EVERY_ROUTE.has(routeOf(r))
  )
  expect(outside.map((r) => `${r.method} ${r.path}`)).toEqual([])
}

/** `onEvent` results of all presets, concatenated in subscription order, cut back into one list per subscription. */
function perSubscription(results: any[]): any[][] {
  const lists: any[][] = []
  let start = 0
  for (let i = 0; i < results.length; i++) {
    if (results[i].output === 'not subscribed' || results[i].output === 'Action Executed') {
      lists.push(results.slice(start, i + 1))
      start = i + 1
    }
  }
  expect(lists).toHaveLength(presetSubscriptions.length)
  return lists
}

it('a batch of random events gets one result per event and subscription; delivered ones are in Zendesk', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(segmentEvent(), { minLength: 1, maxLength: 8 }), async (events) => {
      freshAccount()
      const results = await harness.sendBatch(events)
      expect(results).toHaveLength(presetSubscriptions.length)
      results.forEach((result, position) => {
        if (result.output === 'not subscribed') return
        expect(result.multistatus).toHaveLength(events.length)
        for (const item of result.multistatus) {
          const outcome = outcomeOfItem(item)
          if (outcome.kind === 'delivered') expectHeld(presetSubscriptions[position].partnerAction, outcome.body)
        }
      })
      expectRequestsInsideApi()
    }),
    { numRuns: 40 }
  )
})

it('a random event sent alone through all presets fails only with a status; delivered results are in Zendesk', async () => {
  await fc.assert(
    fc.asyncProperty(segmentEvent(), async (event) => {
      freshAccount()
      let results: any[]
      try {
        results = await harness.send(event)
      } catch (error) {
        outcomeOfError(error)
        return expectRequestsInsideApi()
      }
      perSubscription(results).forEach((list, position) => {
        const executed = list[list.length - 1]
        if (executed.output === 'Action Executed')
          expectHeld(presetSubscriptions[position].partnerAction, executed.data)
      })
      expectRequestsInsideApi()
    }),
    { numRuns: 80 }
  )
})
