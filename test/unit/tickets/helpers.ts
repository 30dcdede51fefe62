import nock from 'nock'
import { type SegmentEvent } from '@segment/actions-core'
import { presetSubscription, settings, destination } from '../support'

import { jobStatus, sent, useNockZendesk, zendesk } from '../nock-zendesk'

export { jobStatus, sent, useNockZendesk, zendesk }
export type { SentRequest } from '../nock-zendesk'

export type ActionKey = 'createTicket' | 'updateTicket'

function settingsFor(actionKey: ActionKey, mapping: Record<string, unknown>) {
  const subscription = presetSubscription(actionKey)
  return { ...settings, subscription: { ...subscription, mapping: { ...subscription.mapping, ...mapping } } } as any
}

/** One event through the action's preset (mapping changed by `mapping`); resolves to the action's returned data. */
export async function run(
  actionKey: ActionKey,
  event: Record<string, unknown>,
  mapping: Record<string, unknown> = {}
): Promise<any> {
  const results = await destination().onEvent(event as unknown as SegmentEvent, settingsFor(actionKey, mapping))
  return results.find((r: any) => r.output === 'Action Executed')?.data
}

/** The error one event fails with. */
export async function failure(
  actionKey: ActionKey,
  event: Record<string, unknown>,
  mapping: Record<string, unknown> = {}
): Promise<any> {
  const error = await run(actionKey, event, mapping).then(
    () => undefined,
    (e: unknown) => e
  )
  if (!error) throw new Error('the event was expected to fail')
  return error
}

/** A batch through the action's preset; resolves to one multistatus entry per event. */
export async function runBatch(
  actionKey: ActionKey,
  events: Record<string, unknown>[],
  mapping: Record<string, unknown> = {}
): Promise<any[]> {
  const results = await destination().onBatch(events as unknown as SegmentEvent[], settingsFor(actionKey, mapping))
  return (results[0] as any).multistatus
}

export const ticketCreated = (
  messageId: string,
  properties: Record<string, unknown> = {},
  extra: Record<string, unknown> = {}
) => ({
  type: 'track',
  event: 'Ticket Created',
  userId: 'u1',
  messageId,
  context: { traits: { email: 'ada@example.com', name: 'Ada Lovelace' } },
  properties: { subject: 'Order 1234 failed', comment: 'Payment declined', ...properties },
  ...extra
})

export const ticketUpdated = (properties: Record<string, unknown>) => ({
  type: 'track',
  event: 'Ticket Updated',
  userId: 'u1',
  messageId: 'msg-update',
  properties
})

/** A cursor page of `GET tickets?external_id=`. */
export const ticketPage = (tickets: Record<string, unknown>[], next?: string) => ({
  tickets,
  meta: { has_more: Boolean(next), after_cursor: next ? 'c2' : null, before_cursor: null },
  links: { next: next ?? null, prev: null }
})

/** Answers the duplicate check / external_id lookup for `externalId` with these tickets. */
export function ticketsWithExternalId(externalId: string, tickets: Record<string, unknown>[] = []): nock.Scope {
  return zendesk()
    .get('/api/v2/tickets')
    .query({ external_id: externalId, 'page[size]': '100' })
    .reply(200, ticketPage(tickets))
}

/** The request bodies sent to `method path`, in order. */
export const bodiesOf = (method: string, path: string) =>
  sent.filter((r) => r.method === method && r.path.split('?')[0] === path).map((r) => r.body)
