import { Destination, type SegmentEvent } from '@segment/actions-core'
import nock from 'nock'
import type { Settings } from '../../../src/destinations/zendesk/generated-types'
import { CUSTOM_OBJECT_ACTION, orderMapping } from '../../helpers/custom-objects'
import { testDefinition } from '../../helpers/destination-state'
import { jobStatus, sent, useNockZendesk, zendesk } from '../nock-zendesk'
import { destination, settings } from '../support'

export { jobStatus, sent, useNockZendesk, zendesk }

/** "METHOD path" of every request made, for asserting the exact sequence. */
export const requestLines = (): string[] => sent.map((r) => `${r.method} ${r.path}`)

function settingsFor(mapping: Record<string, unknown>) {
  return {
    ...settings,
    subscriptions: [{ partnerAction: CUSTOM_OBJECT_ACTION, subscribe: 'type = "track"', mapping }]
  } as any
}

export interface SendOptions {
  mapping?: Record<string, unknown>
  syncMode?: string
  logger?: any
  /** another destination instance (e.g. one with a clock the test moves) */
  on?: Destination<Settings>
}

/** One event; resolves to the action's result data, or rejects with its error. */
export async function send(event: Partial<SegmentEvent>, options: SendOptions = {}): Promise<any> {
  const target = options.on ?? destination()
  const results = await target.onEvent(
    event as SegmentEvent,
    settingsFor(orderMapping(options.mapping, options.syncMode)),
    {
      logger: options.logger
    }
  )
  return results.find((r: any) => r.output === 'Action Executed')?.data
}

/** The error one event fails with. */
export async function failure(event: Partial<SegmentEvent>, options: SendOptions = {}): Promise<any> {
  const error = await send(event, options).then(
    () => undefined,
    (e: unknown) => e
  )
  if (!error) throw new Error('the event was expected to fail')
  return error
}

/** A batch; resolves to one multistatus entry per event. */
export async function sendBatch(events: Partial<SegmentEvent>[], options: SendOptions = {}): Promise<any[]> {
  const target = options.on ?? destination()
  const results = await target.onBatch(
    events as SegmentEvent[],
    settingsFor(orderMapping(options.mapping, options.syncMode)),
    { logger: options.logger }
  )
  return (results[0] as any).multistatus
}

/** An "Order Completed" event of user `userId`. */
export const orderCompleted = (id: string, properties: Record<string, unknown> = {}, userId = 'u1') =>
  ({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `m-${id}`,
    receivedAt: new Date().toISOString(),
    properties: { id, name: `Order ${id}`, total: 12.5, status: 'Paid', ...properties }
  }) as Partial<SegmentEvent>

/** A field of an object as Zendesk lists it. */
export const field = (key: string, type: string, more: Record<string, unknown> = {}) => ({
  id: 4000 + key.length,
  key,
  type,
  title: key,
  active: true,
  ...more
})

/** The `order` object's fields: a decimal amount, a status drop-down and a customer lookup to users. */
export const ORDER_FIELDS = [
  field('standard::name', 'text', { properties: { autoincrement_enabled: false } }),
  field('standard::external_id', 'text'),
  field('amount', 'decimal'),
  field('status', 'dropdown', {
    custom_field_options: [
      { name: 'Paid', value: 'paid' },
      { name: 'Shipped', value: 'shipped' }
    ]
  }),
  field('customer', 'lookup', { relationship_target_type: 'zen:user' })
]

/** `GET custom_objects/{key}/fields` answering these fields (one page). */
export function objectFields(fields: unknown[] = ORDER_FIELDS, objectKey = 'order'): nock.Scope {
  return zendesk()
    .get(`/api/v2/custom_objects/${objectKey}/fields`)
    .query({ include_standard_fields: 'true', 'page[size]': '100' })
    .reply(200, { custom_object_fields: fields, meta: { has_more: false }, links: { next: null } })
}

/** `users/show_many` finding these users by external_id. */
export function usersFound(...users: { id: number; external_id: string }[]): nock.Scope {
  return zendesk()
    .get('/api/v2/users/show_many')
    .query(true)
    .reply(200, { users: users.map((u) => ({ active: true, name: 'U', ...u })) })
}

/** A record as Zendesk answers it. */
export const record = (externalId: string, id = `01REC${externalId.toUpperCase().replace(/[^A-Z0-9]/g, '')}`) => ({
  id,
  external_id: externalId,
  name: `Order ${externalId}`,
  custom_object_key: 'order',
  custom_object_fields: {}
})

/** `PATCH records?external_id=` answering the record it was sent, `times` times. */
export function acceptUpserts(times = 1, objectKey = 'order'): nock.Scope {
  return zendesk()
    .patch(`/api/v2/custom_objects/${objectKey}/records`)
    .query(true)
    .times(times)
    .reply(200, (uri) => ({ custom_object_record: record(new URL(uri, 'https://x').searchParams.get('external_id')!) }))
}

let jobs = 0

/**
 * `POST custom_objects/{key}/jobs` (once), whose job completes on the first poll with `resultsFor(items)`: by
 * default the records written, as the OpenAPI file types the results.
 */
export function acceptJob(
  objectKey = 'order',
  resultsFor: (items: any[]) => unknown[] | null = (items) => items.map((item) => record(item.external_id ?? item))
): any[][] {
  const submitted: any[][] = []
  const id = `V3-co${++jobs}`
  zendesk()
    .post(`/api/v2/custom_objects/${objectKey}/jobs`)
    .reply((_uri, body: any) => {
      submitted.push(body.job.items)
      return [201, jobStatus(id, 'queued')]
    })
  zendesk()
    .get(`/api/v2/job_statuses/${id}`)
    .reply(() => [200, jobStatus(id, 'completed', resultsFor(submitted[0]))])
  return submitted
}

/** A destination whose clock the test sets (for the grace window). */
export function destinationAt(clock: () => number): Destination<Settings> {
  return new Destination(testDefinition({ clock }))
}
