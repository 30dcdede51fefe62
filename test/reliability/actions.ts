import type { SegmentEvent } from '@segment/actions-core'
import type { RunningSimulator, SimulatorState } from '../../src/simulator'
import { CUSTOM_OBJECT_ACTION, orderSubscription, seedOrderObject } from '../helpers/custom-objects'
import { presetSubscriptions } from '../helpers/harness'

/**
 * One action driven through its preset: the events it gets and how to count, in the simulator's state, the
 * records an event produced (to cross-check every result reported delivered).
 */
export interface ActionCase {
  key: string
  /** creates what the events refer to (users, an organization, tickets) */
  seed(simulator: RunningSimulator): void
  event(n: number): Partial<SegmentEvent>
  /** records of event `n` in the simulator: a delivered event must have at least one */
  held(state: SimulatorState, n: number): number
  /** repeating the event changes nothing (Zendesk events are appended, so Track Event is not) */
  idempotent: boolean
  /** its batch goes through a Zendesk bulk job */
  usesJobs: boolean
}

/** What a user adds for an action that no preset enables: orders for Upsert Custom Object Record. */
const ADDED_SUBSCRIPTIONS: Record<string, ReturnType<typeof orderSubscription>[]> = {
  [CUSTOM_OBJECT_ACTION]: [orderSubscription()]
}

/** The subscriptions that run an action: its preset, or the one a user adds for it. */
export const subscriptionOf = (key: string) => {
  const presets = presetSubscriptions.filter((s) => s.partnerAction === key)
  return presets.length ? presets : (ADDED_SUBSCRIPTIONS[key] ?? [])
}

/** An action driven through its preset on another path than the presets' usual one: a sync mode, a removal. */
export interface OtherPathCase extends ActionCase {
  partnerAction: string
  syncMode?: 'update' | 'add' | 'delete'
}

/** The preset subscriptions of a case, with its sync mode when it has one. */
export function subscriptionsOf(action: ActionCase | OtherPathCase) {
  if (!('partnerAction' in action)) return subscriptionOf(action.key)
  return subscriptionOf(action.partnerAction).map((s) =>
    action.syncMode ? { ...s, mapping: { ...s.mapping, __segment_internal_sync_mode: action.syncMode } } : s
  )
}

const REQUESTER_EMAIL = 'requester@example.com'
/** The user whose orders Upsert Custom Object Record's events are. */
const BUYER = 'buyer'
const orderCompleted = (n: number): Partial<SegmentEvent> => ({
  type: 'track',
  event: 'Order Completed',
  userId: BUYER,
  properties: { id: `order-${n}`, name: `Order ${n}`, total: n, status: 'paid' }
})
const userWith = (state: SimulatorState, externalId: string) => state.users.find((u) => u.external_id === externalId)
/** Seeded tickets get these external_ids; Update Ticket's event n changes ticket n. */
const seededTicket = (n: number) => `seeded-${n}`

export const ACTION_CASES: ActionCase[] = [
  {
    key: 'upsertUser',
    seed: () => undefined,
    event: (n) => ({
      type: 'identify',
      userId: `user-${n}`,
      traits: { email: `user-${n}@example.com`, name: `U ${n}` }
    }),
    held: (state, n) => state.users.filter((u) => u.external_id === `user-${n}`).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'updateOrganizationMembership',
    seed: (simulator) => {
      simulator.seed.organization({ name: 'Members Inc', external_id: 'org-m' })
      for (let n = 0; n < 10; n++) simulator.seed.user({ name: `M ${n}`, external_id: `member-${n}` })
    },
    event: (n) => ({ type: 'identify', userId: `member-${n}`, traits: { company: { id: 'org-m' } } }),
    held: (state, n) => {
      const user = userWith(state, `member-${n}`)
      const organization = state.organizations.find((o) => o.external_id === 'org-m')
      return state.memberships.filter((m) => m.user_id === user?.id && m.organization_id === organization?.id).length
    },
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'upsertOrganization',
    seed: () => undefined,
    event: (n) => ({ type: 'group', groupId: `org-${n}`, traits: { name: `Org ${n}` } }),
    held: (state, n) => state.organizations.filter((o) => o.external_id === `org-${n}` && o.name === `Org ${n}`).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'trackEvent',
    seed: (simulator) => void simulator.seed.user({ name: 'Reader', external_id: 'reader' }),
    event: (n) => ({ type: 'track', event: 'Article Read', userId: 'reader', properties: { n } }),
    held: (state, n) => {
      const reader = userWith(state, 'reader')
      return state.events.filter((e) => e.user_id === reader?.id && e.properties.n === n).length
    },
    idempotent: false,
    usesJobs: false
  },
  {
    key: 'createTicket',
    seed: () => undefined,
    event: (n) => ({
      type: 'track',
      event: 'Ticket Created',
      messageId: `ticket-${n}`,
      userId: 'requester',
      context: { traits: { email: REQUESTER_EMAIL, name: 'Req' } },
      properties: { subject: `Subject ${n}`, comment: `Comment ${n}` }
    }),
    held: (state, n) => state.tickets.filter((t) => t.external_id === `ticket-${n}`).length,
    idempotent: true,
    // Tickets are created one POST tickets each, with an Idempotency-Key: never in a job.
    usesJobs: false
  },
  {
    key: 'updateTicket',
    seed: (simulator) => {
      const requester = simulator.seed.user({ name: 'Req', email: REQUESTER_EMAIL })
      for (let n = 0; n < 10; n++) {
        simulator.seed.ticket({ external_id: seededTicket(n), requester_id: requester.id, subject: `T ${n}` })
      }
    },
    event: (n) => ({
      type: 'track',
      event: 'Ticket Updated',
      properties: { external_id: seededTicket(n), status: 'pending', tags: [`update-${n}`] }
    }),
    held: (state, n) =>
      state.tickets.filter((t) => t.external_id === seededTicket(n) && t.tags.includes(`update-${n}`)).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: CUSTOM_OBJECT_ACTION,
    seed: (simulator) => {
      seedOrderObject(simulator)
      simulator.seed.user({ name: 'Buyer', external_id: BUYER })
    },
    event: orderCompleted,
    held: (state, n) => {
      const buyer = userWith(state, BUYER)
      return state.customObjectRecords.filter(
        (r) => r.external_id === `order-${n}` && r.custom_object_fields.customer === buyer?.id
      ).length
    },
    idempotent: true,
    usesJobs: true
  }
]

const existingUser = (n: number) => ({ name: `U ${n}`, external_id: `user-${n}`, email: `user-${n}@example.com` })
const existingOrganization = (n: number) => ({ name: `Org ${n}`, external_id: `org-${n}` })

const existingOrder = (simulator: RunningSimulator, n: number) =>
  simulator.seed.customRecord('order', {
    name: `Order ${n}`,
    external_id: `order-${n}`,
    custom_object_fields: { amount: 0 }
  })
/** The seed of Upsert Custom Object Record with orders 0 to 3 already in Zendesk. */
const withOrders = (simulator: RunningSimulator) => {
  ACTION_CASES.find((c) => c.key === CUSTOM_OBJECT_ACTION)!.seed(simulator)
  ;[0, 1, 2, 3].forEach((n) => existingOrder(simulator, n))
}
const orderWithAmount = (state: SimulatorState, n: number) =>
  state.customObjectRecords.filter((r) => r.external_id === `order-${n}` && r.custom_object_fields.amount === n)

/** Upsert User, Upsert Organization and Upsert Custom Object Record in their other sync modes, and a membership removal. */
export const OTHER_PATH_CASES: OtherPathCase[] = [
  {
    key: 'upsertUser (update)',
    partnerAction: 'upsertUser',
    syncMode: 'update',
    seed: (simulator) => [0, 1, 2, 3].forEach((n) => simulator.seed.user(existingUser(n))),
    event: (n) => ({ type: 'identify', userId: `user-${n}`, traits: { name: `U ${n} renamed` } }),
    held: (state, n) => state.users.filter((u) => u.external_id === `user-${n}` && u.name === `U ${n} renamed`).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'upsertUser (add)',
    partnerAction: 'upsertUser',
    syncMode: 'add',
    seed: () => undefined,
    event: (n) => ({
      type: 'identify',
      userId: `user-${n}`,
      traits: { name: `U ${n}`, email: `user-${n}@example.com` }
    }),
    held: (state, n) => state.users.filter((u) => u.external_id === `user-${n}`).length,
    idempotent: false,
    usesJobs: true
  },
  {
    key: 'upsertUser (delete)',
    partnerAction: 'upsertUser',
    syncMode: 'delete',
    seed: (simulator) => [0, 1, 2, 3].forEach((n) => simulator.seed.user(existingUser(n))),
    event: (n) => ({ type: 'identify', userId: `user-${n}`, traits: {} }),
    held: (state, n) => state.users.filter((u) => u.external_id === `user-${n}` && !u.active).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'upsertOrganization (update)',
    partnerAction: 'upsertOrganization',
    syncMode: 'update',
    seed: (simulator) => [0, 1, 2, 3].forEach((n) => simulator.seed.organization(existingOrganization(n))),
    event: (n) => ({ type: 'group', groupId: `org-${n}`, traits: { name: `Org ${n} renamed` } }),
    held: (state, n) =>
      state.organizations.filter((o) => o.external_id === `org-${n}` && o.name === `Org ${n} renamed`).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'upsertOrganization (add)',
    partnerAction: 'upsertOrganization',
    syncMode: 'add',
    seed: () => undefined,
    event: (n) => ({ type: 'group', groupId: `org-${n}`, traits: { name: `Org ${n}` } }),
    held: (state, n) => state.organizations.filter((o) => o.external_id === `org-${n}`).length,
    idempotent: false,
    usesJobs: true
  },
  {
    key: 'upsertOrganization (delete)',
    partnerAction: 'upsertOrganization',
    syncMode: 'delete',
    seed: (simulator) => [0, 1, 2, 3].forEach((n) => simulator.seed.organization(existingOrganization(n))),
    event: (n) => ({ type: 'group', groupId: `org-${n}`, traits: {} }),
    held: (state, n) => (state.organizations.some((o) => o.external_id === `org-${n}`) ? 0 : 1),
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'upsertCustomObjectRecord (update)',
    partnerAction: CUSTOM_OBJECT_ACTION,
    syncMode: 'update',
    seed: withOrders,
    event: orderCompleted,
    held: (state, n) => orderWithAmount(state, n).length,
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'upsertCustomObjectRecord (add)',
    partnerAction: CUSTOM_OBJECT_ACTION,
    syncMode: 'add',
    seed: (simulator) => ACTION_CASES.find((c) => c.key === CUSTOM_OBJECT_ACTION)!.seed(simulator),
    event: orderCompleted,
    held: (state, n) => orderWithAmount(state, n).length,
    idempotent: false,
    usesJobs: true
  },
  {
    key: 'upsertCustomObjectRecord (delete)',
    partnerAction: CUSTOM_OBJECT_ACTION,
    syncMode: 'delete',
    seed: withOrders,
    event: orderCompleted,
    held: (state, n) => (state.customObjectRecords.some((r) => r.external_id === `order-${n}`) ? 0 : 1),
    idempotent: true,
    usesJobs: true
  },
  {
    key: 'updateOrganizationMembership (remove)',
    partnerAction: 'updateOrganizationMembership',
    seed: (simulator) => {
      const organization = simulator.seed.organization({ name: 'Members Inc', external_id: 'org-m' })
      for (let n = 0; n < 4; n++) {
        simulator.seed.user({ name: `M ${n}`, external_id: `member-${n}`, organization_id: organization.id })
      }
    },
    event: (n) => ({ type: 'identify', userId: `member-${n}`, traits: { company: { id: 'org-m', remove: true } } }),
    held: (state, n) => {
      const user = userWith(state, `member-${n}`)
      return state.memberships.some((m) => m.user_id === user?.id) ? 0 : 1
    },
    idempotent: true,
    usesJobs: false
  }
]
