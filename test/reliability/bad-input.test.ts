import nock from 'nock'
import { cloneDeep, set, unset } from 'lodash'
import type { SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import type { RecordedRequest, RunningSimulator } from '../../src/simulator'
import { resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'
import { subscriptionOf } from './actions'
import { EDGE_VALUES } from './edge-values'
import { sendMany, sendOne, strayRequests, type Outcome } from './outcomes'

/** An event path an action maps, and the fields it feeds (a message may name one by its key or its label). */
interface MappedPath {
  path: string
  fields: string[]
  /** the preset's subscription tests this path, so without it the event is not for the action at all */
  inSubscription?: boolean
}

interface BadInputCase {
  key: string
  seed(simulator: RunningSimulator): void
  /** an event the action delivers as it is */
  event: Partial<SegmentEvent>
  paths: MappedPath[]
}

const CASES: BadInputCase[] = [
  {
    key: 'upsertUser',
    seed: () => undefined,
    event: {
      type: 'identify',
      userId: 'bad-user',
      traits: { email: 'bad-user@example.com', name: 'Bad Input', phone: '+15551234567', timezone: 'Berlin' }
    },
    paths: [
      { path: 'userId', fields: ['external_id'] },
      { path: 'traits.email', fields: ['email'] },
      { path: 'traits.name', fields: ['name'] },
      { path: 'traits.phone', fields: ['phone'] },
      { path: 'traits.timezone', fields: ['time_zone'] },
      { path: 'traits.organizationId', fields: ['organization_id'] }
    ]
  },
  {
    key: 'updateOrganizationMembership',
    seed: (simulator) => {
      simulator.seed.organization({ name: 'Bad Org', external_id: 'org-b' })
      simulator.seed.user({ name: 'Member', external_id: 'member-b', email: 'member-b@example.com' })
    },
    event: {
      type: 'identify',
      userId: 'member-b',
      traits: { email: 'member-b@example.com', company: { id: 'org-b' } }
    },
    paths: [
      { path: 'traits.company.id', fields: ['organization_external_id', 'organization'], inSubscription: true },
      { path: 'traits.company.remove', fields: ['remove'] },
      { path: 'userId', fields: ['external_id'] },
      { path: 'traits.email', fields: ['email'] },
      { path: 'context.zendesk_user_id', fields: ['zendesk_user_id'] }
    ]
  },
  {
    key: 'upsertOrganization',
    seed: (simulator) => void simulator.seed.user({ name: 'Member', external_id: 'member-b' }),
    event: {
      type: 'group',
      groupId: 'org-b',
      userId: 'member-b',
      traits: {
        name: 'Bad Org',
        details: 'HQ',
        tags: ['vip'],
        domainNames: ['example.org'],
        url: 'https://example.org'
      }
    },
    paths: [
      { path: 'groupId', fields: ['external_id'] },
      { path: 'traits.name', fields: ['name'] },
      { path: 'traits.details', fields: ['details'] },
      { path: 'traits.tags', fields: ['tags'] },
      { path: 'traits.domainNames', fields: ['domain_names'] },
      { path: 'traits.url', fields: ['url'] },
      { path: 'userId', fields: ['user_external_id'] },
      { path: 'context.zendesk_user_id', fields: ['zendesk_user_id'] }
    ]
  },
  {
    key: 'trackEvent',
    seed: (simulator) =>
      void simulator.seed.user({ name: 'Reader', external_id: 'reader-b', email: 'reader-b@example.com' }),
    event: {
      type: 'track',
      event: 'Bad Input Probe',
      userId: 'reader-b',
      timestamp: '2024-05-01T10:00:00.000Z',
      properties: { email: 'reader-b@example.com', plan: 'pro' }
    },
    paths: [
      { path: 'userId', fields: ['external_id'] },
      { path: 'properties.email', fields: ['email'] },
      { path: 'context.zendesk_user_id', fields: ['zendesk_user_id'] },
      { path: 'event', fields: ['event_type'], inSubscription: true },
      { path: 'properties', fields: ['properties'] },
      { path: 'timestamp', fields: ['created_at'] }
    ]
  },
  {
    key: 'createTicket',
    seed: (simulator) => void simulator.seed.user({ name: 'Requester', external_id: 'requester-b' }),
    event: {
      type: 'track',
      event: 'Ticket Created',
      messageId: 'bad-ticket',
      userId: 'requester-b',
      context: { traits: { email: 'requester-b@example.com', name: 'Requester' } },
      properties: { subject: 'Order failed', comment: 'Declined', priority: 'high', status: 'open', type: 'task' }
    },
    paths: [
      { path: 'properties.external_id', fields: ['external_id'] },
      { path: 'messageId', fields: ['external_id'] },
      { path: 'properties.subject', fields: ['subject'] },
      { path: 'properties.comment', fields: ['comment'] },
      { path: 'properties.priority', fields: ['priority'] },
      { path: 'properties.status', fields: ['status'] },
      { path: 'properties.type', fields: ['type'] },
      { path: 'properties.tags', fields: ['tags'] },
      { path: 'properties.custom_fields', fields: ['custom_fields'] },
      { path: 'properties.group_id', fields: ['group_id'] },
      { path: 'properties.brand_id', fields: ['brand_id'] },
      { path: 'properties.assignee_email', fields: ['assignee_email', 'assignee'] },
      { path: 'context.zendesk_user_id', fields: ['zendesk_user_id'] },
      { path: 'context.traits.email', fields: ['requester_email', 'requester', 'email'] },
      { path: 'userId', fields: ['requester_external_id', 'external_id'] }
    ]
  },
  {
    key: 'updateTicket',
    seed: (simulator) => {
      const requester = simulator.seed.user({ name: 'Requester', email: 'requester-b@example.com' })
      simulator.seed.ticket({ external_id: 'ticket-b', requester_id: requester.id, subject: 'Order failed' })
    },
    event: {
      type: 'track',
      event: 'Ticket Updated',
      properties: { external_id: 'ticket-b', status: 'pending', comment: 'Any news?', tags: ['followed_up'] }
    },
    paths: [
      { path: 'properties.ticket_id', fields: ['ticket_id'] },
      { path: 'properties.external_id', fields: ['external_id'] },
      { path: 'properties.status', fields: ['status'] },
      { path: 'properties.comment', fields: ['comment'] },
      { path: 'properties.tags', fields: ['tags'] },
      { path: 'properties.custom_fields', fields: ['custom_fields'] }
    ]
  }
]

/** Query parameters the destination ever sends; anything else would come from input leaking into a URL. */
// `ids` and `per_page` carry only what Zendesk answered (user ids) and a constant, never an event's value.
const QUERY_KEYS = new Set(['external_id', 'external_ids', 'query', 'page[size]', 'page[after]', 'ids', 'per_page'])
/** The only search the destination makes: one exact, quoted email. */
const EMAIL_QUERY = /^email:"[^"\\\s]+"$/

let harness: SimulatorHarness
const otherHosts: string[] = []
const noteOtherHost = (req: { hostname?: string; path?: string }) => {
  if (req.hostname !== '127.0.0.1') otherHosts.push(`${req.hostname}${req.path}`)
}

beforeAll(async () => {
  harness = await startHarness({ account: 'bulk-import', endpointLimits: false })
  nock.disableNetConnect()
  nock.enableNetConnect((host: string) => host.startsWith('127.0.0.1:'))
  nock.emitter.on('no match', noteOtherHost)
})
afterAll(async () => {
  nock.emitter.removeListener('no match', noteOtherHost)
  nock.enableNetConnect()
  await harness.close()
})
beforeEach(() => {
  harness.simulator.reset()
  resetDestinationState()
  otherHosts.length = 0
})

function withValue(event: Partial<SegmentEvent>, path: string, value: unknown): Partial<SegmentEvent> {
  const changed = cloneDeep(event)
  if (value === undefined) unset(changed, path)
  else set(changed, path, cloneDeep(value))
  return changed
}

/** Every request stayed on the simulator, on the action's routes, with no parameter or search made of input. */
function expectSafeRequests(requests: RecordedRequest[], key: string): void {
  expect(otherHosts).toEqual([])
  expect(strayRequests(requests, key)).toEqual([])
  // The URL-like edge values name id 1 ('1/../../users', '1?role=admin', '1#me'); no real record has it.
  expect(
    requests
      .filter((r) =>
        r.path
          .replace(/\.json$/, '')
          .split('/')
          .includes('1')
      )
      .map((r) => r.path)
  ).toEqual([])
  for (const request of requests) {
    expect(Object.keys(request.query).filter((name) => !QUERY_KEYS.has(name))).toEqual([])
    const query = request.query.query
    if (query !== undefined) expect(query).toMatch(EMAIL_QUERY)
  }
}

function namesOf(key: string, fields: string[]): string[] {
  const inputs = definition.actions[key].fields
  return fields.flatMap((field) => [field, inputs[field]?.label ?? field]).map((name) => name.toLowerCase())
}

/**
 * A 400 the destination gives before sending names the field. Any other failure was sent (and its requests are
 * checked): Zendesk refused it in its own words, or it names a record Zendesk does not have (yet).
 */
function expectUnderstood(outcome: Outcome, key: string, mapped: MappedPath): void {
  if (outcome.kind === 'delivered' || outcome.kind === 'ignored') return
  if (outcome.status === 400 && !outcome.message.includes('Zendesk rejected')) {
    const message = outcome.message.toLowerCase()
    const namesField = namesOf(key, mapped.fields).some((name) => message.includes(name))
    expect({ message: outcome.message, namesField }).toEqual({
      message: outcome.message,
      namesField: true
    })
  }
}

describe.each(CASES)('$key', ({ key, seed, event, paths }) => {
  const subscriptions = subscriptionOf(key)

  it('delivers the unchanged event (the baseline every malformed one differs from)', async () => {
    seed(harness.simulator)
    expect(await sendOne(harness.destination, event, subscriptions)).toMatchObject({ kind: 'delivered' })
  })

  describe.each(paths)('$path', (mapped) => {
    const values = EDGE_VALUES.filter(
      ([, value]) => !(mapped.inSubscription && (value === undefined || value === null))
    )

    it.each(values)('%s: a 400 naming the field, or sent safely', async (_, value) => {
      seed(harness.simulator)
      const outcome = await sendOne(harness.destination, withValue(event, mapped.path, value), subscriptions)
      expectUnderstood(outcome, key, mapped)
      expectSafeRequests(harness.simulator.requests, key)
    })

    it('in one batch with good events: one result each, the good ones delivered', async () => {
      seed(harness.simulator)
      const events = [event, ...values.map(([, value]) => withValue(event, mapped.path, value)), event]
      const outcomes = await sendMany(harness.destination, events, subscriptions)
      expect(outcomes[0]).toMatchObject({ kind: 'delivered' })
      expect(outcomes[outcomes.length - 1]).toMatchObject({ kind: 'delivered' })
      outcomes.forEach((outcome) => expectUnderstood(outcome, key, mapped))
      expectSafeRequests(harness.simulator.requests, key)
    })
  })
})
