import type { SegmentEvent } from '@segment/actions-core'
import type { RunningSimulator } from '../../src/simulator'

/** One benchmark workload: the events of one action, and the Zendesk records they need to exist first. */
export interface Workload {
  action: string
  events: SegmentEvent[]
  prepare(simulator: RunningSimulator): void
}

let counter = 0
const messageId = () => `bench-${process.pid}-${++counter}`
const timestamp = '2026-11-25T10:00:00.000Z'

export function identifyEvents(count: number, prefix = 'user'): SegmentEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'identify',
    messageId: messageId(),
    timestamp,
    userId: `${prefix}-${i}`,
    traits: { email: `${prefix}-${i}@example.com`, name: `User ${i}`, plan: i % 2 ? 'pro' : 'free' }
  }))
}

export function groupEvents(count: number, prefix = 'org'): SegmentEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'group',
    messageId: messageId(),
    timestamp,
    groupId: `${prefix}-${i}`,
    traits: { name: `Organization ${prefix} ${i}`, url: `https://${prefix}${i}.example.com`, employees: 10 + i }
  }))
}

/** Track events spread over `users` users that already exist in Zendesk (seeded by prepare). */
export function trackEvents(count: number, users: number): SegmentEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'track',
    messageId: messageId(),
    timestamp,
    userId: `reader-${i % users}`,
    event: 'Article Read',
    properties: { title: `Article ${i}`, course: 'Intro' }
  }))
}

function seedReaders(simulator: RunningSimulator, users: number) {
  for (let i = 0; i < users; i++) {
    simulator.seed.user({ name: `Reader ${i}`, email: `reader-${i}@example.com`, external_id: `reader-${i}` })
  }
}

export function workloads(scale: number): Workload[] {
  const n = (base: number) => Math.max(10, Math.round(base * scale))
  const trackUsers = n(50)
  const ticketCount = n(200)
  return [
    { action: 'upsertUser', events: identifyEvents(n(1000)), prepare: () => undefined },
    {
      action: 'updateOrganizationMembership',
      events: Array.from({ length: n(300) }, (_, i) => ({
        type: 'identify',
        messageId: messageId(),
        timestamp,
        userId: `member-${i}`,
        traits: { company: { id: `company-${i % 10}` } }
      })) as SegmentEvent[],
      prepare: (simulator) => {
        for (let i = 0; i < 10; i++) simulator.seed.organization({ name: `Company ${i}`, external_id: `company-${i}` })
        for (let i = 0; i < n(300); i++) simulator.seed.user({ name: `Member ${i}`, external_id: `member-${i}` })
      }
    },
    { action: 'upsertOrganization', events: groupEvents(n(300)), prepare: () => undefined },
    { action: 'trackEvent', events: trackEvents(n(1000), trackUsers), prepare: (s) => seedReaders(s, trackUsers) },
    {
      action: 'createTicket',
      events: Array.from({ length: ticketCount }, (_, i) => ({
        type: 'track',
        messageId: messageId(),
        timestamp,
        userId: `reader-${i % trackUsers}`,
        event: 'Ticket Created',
        context: { traits: { email: `reader-${i % trackUsers}@example.com` } },
        properties: { subject: `Order ${i} failed`, comment: 'Payment declined', external_id: `order-${i}` }
      })) as SegmentEvent[],
      prepare: (s) => seedReaders(s, trackUsers)
    },
    {
      action: 'updateTicket',
      events: Array.from({ length: ticketCount }, (_, i) => ({
        type: 'track',
        messageId: messageId(),
        timestamp,
        event: 'Ticket Updated',
        properties: { external_id: `existing-${i}`, status: 'pending', comment: 'We are on it' }
      })) as SegmentEvent[],
      prepare: (simulator) => {
        for (let i = 0; i < ticketCount; i++) {
          simulator.seed.ticket({ subject: `Existing ${i}`, external_id: `existing-${i}` })
        }
      }
    }
  ]
}
