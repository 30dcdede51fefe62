import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'

/**
 * Every email identity counts: a user Upsert User gave a second email (mapped to keep Zendesk's behaviour: a
 * secondary identity, the user's `email` stays the first) is found by that email for a track, a ticket's
 * requester and a membership.
 */
let harness: SimulatorHarness
let userId: number

beforeAll(async () => {
  harness = await startHarness({ account: 'default', endpointLimits: false })
})
afterAll(() => harness.close())
beforeEach(async () => {
  harness.simulator.reset()
  resetDestinationState()
  const keepingTheFirstEmail = only('upsertUser').map((s) => ({
    ...s,
    mapping: { ...s.mapping, email_change: 'add_secondary' }
  }))
  const identify = (email: string) =>
    harness.send({ type: 'identify', userId: 'ada', traits: { name: 'Ada', email } }, keepingTheFirstEmail)
  await identify('ada@first.example')
  await identify('ada@second.example')
  const [user] = harness.simulator.state().users.filter((u) => u.external_id === 'ada')
  userId = user.id
  expect(user.email).toBe('ada@first.example')
  resetDestinationState()
  harness.simulator.requests.length = 0
})

const only = (actionKey: string) => presetSubscriptions.filter((s) => s.partnerAction === actionKey)
const dataOf = (results: any[]) => results.find((r) => r.output === 'Action Executed')?.data
const paths = () => harness.simulator.requests.map((r) => `${r.method} ${r.path.replace(/\.json$/, '')}`)
const userCount = () => harness.simulator.state().users.length

it('Track Event by the second email (no userId): delivered to the user, confirmed with its identities', async () => {
  const users = userCount()
  const event = { type: 'track', event: 'Article Read', properties: { email: 'ada@second.example' } }
  const data = dataOf(await harness.send(event as Partial<SegmentEvent>, only('trackEvent')))
  expect(data).toEqual({ user_id: userId, status: 'received' })
  expect(paths()).toEqual([
    'GET /api/v2/users/search',
    `GET /api/v2/users/${userId}/identities`,
    `POST /api/v2/users/${userId}/events`
  ])
  expect(userCount()).toBe(users)
})

it("Create Ticket's requester by the second email: the ticket is the user's, no user is created", async () => {
  const users = userCount()
  const event = {
    type: 'track',
    event: 'Ticket Created',
    messageId: 'ticket-second-email',
    properties: { subject: 'Help', comment: 'Please', requester_email: 'ada@second.example' }
  }
  expect(dataOf(await harness.send(event as Partial<SegmentEvent>, only('createTicket')))).toMatchObject({
    created: true
  })
  const [ticket] = harness.simulator.state().tickets
  expect(ticket.requester_id).toBe(userId)
  expect(userCount()).toBe(users)
})

it('Update Organization Membership by the second email (no userId): the membership is added', async () => {
  const organization = harness.simulator.seed.organization({ name: 'Acme', external_id: 'acme' })
  const event = { type: 'identify', traits: { email: 'ada@second.example', company: { id: 'acme' } } }
  const data = dataOf(await harness.send(event as Partial<SegmentEvent>, only('updateOrganizationMembership')))
  expect(data).toEqual({ organization_id: organization.id, membership: 'added' })
  expect(harness.simulator.state().memberships).toEqual([
    expect.objectContaining({ user_id: userId, organization_id: organization.id })
  ])
})
