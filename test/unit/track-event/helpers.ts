import { type SegmentEvent } from '@segment/actions-core'
import { presetSubscription, settings, destination } from '../support'

import { authorizations, jobStatus, sent, useNockZendesk, zendesk } from '../nock-zendesk'

export { authorizations, jobStatus, sent, useNockZendesk, zendesk }
export type { SentRequest } from '../nock-zendesk'

const subscription = presetSubscription('trackEvent')

export const receipt = (userId: number) => ({
  profile_id: '01HX0000000000000000000000',
  status: 'received',
  user_id: `${userId}`
})

export const usersFound = (...users: { id: number; external_id?: string; email?: string }[]) => ({
  users: users.map((u) => ({ external_id: null, email: null, active: true, ...u })),
  next_page: null,
  previous_page: null,
  count: users.length
})

/** The seed's "Article Read" example, with a fixed timestamp. */
export const articleRead = {
  type: 'track',
  event: 'Article Read',
  userId: '1234',
  messageId: 'msg-article-read',
  timestamp: '2024-05-01T10:00:00.000Z',
  properties: { title: 'How to use Customer.io', course: 'Intro to Customer.io' }
} as const

/** The "Article Read" event without a userId, as an anonymous visitor sends it. */
export const anonymousArticleRead = { ...articleRead, userId: undefined, anonymousId: 'anon-1' }

/**
 * One event through the Track Event preset (its mapping changed by `mapping`, if given); resolves to actions-core's
 * results, rejects with the action's error.
 */
export function track(event: Record<string, unknown>, mapping: Record<string, unknown> = {}): Promise<any[]> {
  const mapped = { ...subscription, mapping: { ...subscription.mapping, ...mapping } }
  return destination().onEvent(event as unknown as SegmentEvent, { ...settings, subscription: mapped } as any)
}

/** The returned `data` of a successful single event. */
export async function trackData(event: Record<string, unknown>): Promise<unknown> {
  const results = await track(event)
  return results.find((r) => r.output === 'Action Executed')?.data
}

/** A batch through the Track Event preset (mapping changed by `mapping`); resolves to one multistatus entry per event. */
export async function trackBatch(
  events: Record<string, unknown>[],
  mapping: Record<string, unknown> = {}
): Promise<any[]> {
  const mapped = { ...subscription, mapping: { ...subscription.mapping, ...mapping } }
  const results = await destination().onBatch(
    events as unknown as SegmentEvent[],
    { ...settings, subscription: mapped } as any
  )
  return (results[0] as any).multistatus
}
