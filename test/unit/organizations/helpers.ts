import nock from 'nock'
import { type SegmentEvent } from '@segment/actions-core'
import { presetSubscription, settings, destination } from '../support'

import { jobStatus, sent, useNockZendesk, zendesk } from '../nock-zendesk'

export { jobStatus, sent, useNockZendesk, zendesk }
export type { SentRequest } from '../nock-zendesk'

/** "METHOD path" of every request made, for asserting the exact sequence. */
export const requestLines = (): string[] => sent.map((r) => `${r.method} ${r.path}`)

type ActionKey = 'upsertOrganization' | 'updateOrganizationMembership'

function settingsFor(actionKey: ActionKey, mapping: Record<string, unknown> = {}) {
  const subscription = presetSubscription(actionKey)
  return {
    ...settings,
    subscriptions: [{ ...subscription, mapping: { ...subscription.mapping, ...mapping } }]
  } as any
}

/** onEvent through the action's preset (optionally with mapping overrides); resolves to the action's result data. */
export async function sendEvent(
  actionKey: ActionKey,
  event: Partial<SegmentEvent>,
  options: { mapping?: Record<string, unknown>; logger?: any } = {}
): Promise<any> {
  const results = await destination().onEvent(event as SegmentEvent, settingsFor(actionKey, options.mapping), {
    logger: options.logger
  })
  return results.find((r: any) => r.data !== undefined)?.data
}

/** onBatch through the action's preset; resolves to the multistatus, one entry per event. */
export async function sendBatch(
  actionKey: ActionKey,
  events: Partial<SegmentEvent>[],
  options: { mapping?: Record<string, unknown>; logger?: any } = {}
): Promise<any[]> {
  const results = await destination().onBatch(events as SegmentEvent[], settingsFor(actionKey, options.mapping), {
    logger: options.logger
  })
  return (results[0] as any).multistatus
}

/** `GET organization_fields` answering with these fields (one page). */
export function organizationFields(...fields: { key: string; type?: string }[]): nock.Scope {
  return zendesk()
    .get('/api/v2/organization_fields')
    .query(true)
    .reply(200, {
      organization_fields: fields.map((f, i) => ({ id: 500 + i, key: f.key, type: f.type ?? 'text' })),
      meta: { has_more: false },
      links: { next: null }
    })
}

/** `POST organization_fields` answering 201 with the field as sent. */
export function acceptFieldCreation(times = 1): nock.Scope {
  return zendesk()
    .post('/api/v2/organization_fields')
    .times(times)
    .reply(201, (_uri, body: any) => ({ organization_field: { id: 900, ...body.organization_field } }))
}

export const organization = (id: number, externalId: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Org ${externalId}`,
  external_id: externalId,
  ...extra
})

export const searchResult = (...organizations: unknown[]) => ({
  organizations,
  next_page: null,
  previous_page: null,
  count: organizations.length
})

export const usersFound = (...users: { id: number; external_id?: string; email?: string }[]) => ({
  users: users.map((u) => ({ active: true, ...u })),
  next_page: null,
  count: users.length
})

/** A 422 as Zendesk sends it for a record it refused. */
export const recordInvalid = (field: string, description: string, error = 'DuplicateValue') => ({
  error: 'RecordInvalid',
  description: 'Record validation errors',
  details: { [field]: [{ description, error }] }
})
