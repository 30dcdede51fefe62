import { Analytics } from '@segment/analytics-node'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { call } from '../helpers/local-host-client'

jest.setTimeout(90_000)

const TEAM = 'team-42'
const PEOPLE = Array.from({ length: 20 }, (_, i) => ({
  userId: `member-${i + 1}`,
  traits: { name: `Member ${i + 1}`, email: `member-${i + 1}@example.com`, company: { id: TEAM } }
}))

/**
 * Segment's Node SDK pointed at `npm start`'s host (a demo account: no bulk import, Zendesk's endpoint limits),
 * sending a signup flow in one flush. Users go one at a time at Zendesk's one write a second; users and the
 * organization are written before the memberships, the event and the ticket that need them.
 */
describe('a signup flow from @segment/analytics-node in one flush', () => {
  let host: LocalHost
  const logged: string[] = []

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, env: {}, log: (line) => logged.push(line) })
  })
  afterAll(() => host.close())

  it('ends with 20 users, 20 memberships, 1 event and 1 ticket', async () => {
    const analytics = new Analytics({ writeKey: 'local', host: host.url, path: '/v1/batch', flushAt: 100 })
    let answers = 0
    analytics.on('http_request', () => (answers += 1))
    const [admin] = PEOPLE
    analytics.group({ userId: admin.userId, groupId: TEAM, traits: { name: 'Team 42' } })
    for (const person of PEOPLE) analytics.identify(person)
    analytics.track({ userId: admin.userId, event: 'Signed Up', properties: { plan: 'trial' } })
    analytics.track({
      userId: admin.userId,
      event: 'Ticket Created',
      properties: { subject: 'Help with the trial', comment: 'How do I invite my team?' }
    })
    await analytics.closeAndFlush()
    expect(answers).toBe(1)

    const state = () => host.simulator!.state()
    const counts = () => {
      const { users, organizations, memberships, events, tickets } = state()
      const team = organizations.find((o) => o.external_id === TEAM)
      const members = users.filter((u) => u.external_id?.startsWith('member-'))
      return {
        users: members.length,
        memberships: memberships.filter(
          (m) => m.organization_id === team?.id && members.some((u) => u.id === m.user_id)
        ).length,
        events: events.length,
        tickets: tickets.length
      }
    }
    // Users are written one a second, and some events are retried: the test's timeout bounds the wait.
    while ((await host.deliveries.pending()).length > 0) await new Promise((resolve) => setTimeout(resolve, 500))
    expect(counts()).toEqual({ users: 20, memberships: 20, events: 1, tickets: 1 })

    const { body } = await call(host, 'GET', '/deliveries')
    expect(body.pending).toBe(0)
    expect(body.deliveries).toHaveLength(23)
    expect(body.deliveries.every((d: any) => d.state === 'delivered')).toBe(true)
    // Without bulk import the 20 users are looked up and created in a few requests, so the host answers at once.
    expect(logged).toContainEqual(expect.stringMatching(/^POST \/v1\/batch → 200/))
    expect(logged.filter((line) => / → delivered$/.test(line))).toHaveLength(23)
  })
})
