import { inspect } from 'util'
import { RetryableError, type Destination, type SegmentEvent } from '@segment/actions-core'
import type { RecordedRequest } from '../../src/simulator'
import { simulatorSettings } from '../helpers/harness'

/** How one event ended, as a host would read it. */
export type Outcome =
  | { kind: 'delivered'; body: unknown }
  | { kind: 'retryable'; status: number; message: string; retryAfterSeconds?: number }
  | { kind: 'rejected'; status: number; message: string }
  /** the preset's subscription does not match the event, so the action never ran */
  | { kind: 'ignored' }

const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500

function failed(status: number, message: string, retryable: boolean, retryAfterSeconds?: number): Outcome {
  if (!message || message.includes('[object Object]') || /TypeError|Cannot read propert/.test(message)) {
    throw new Error(`Unclear failure reason (status ${status}): ${JSON.stringify(message)}`)
  }
  if (retryable || isRetryableStatus(status)) return { kind: 'retryable', status, message, retryAfterSeconds }
  if (status < 400 || status > 499) {
    throw new Error(`Failure with a status that is neither 4xx nor retryable: ${status}`)
  }
  return { kind: 'rejected', status, message }
}

/** A thrown error as an outcome; anything but an Error with a numeric status is a crash and fails the test. */
export function outcomeOfError(error: unknown): Outcome {
  const status = (error as { status?: unknown })?.status
  if (!(error instanceof Error) || typeof status !== 'number') {
    throw new Error(`The destination crashed instead of failing with a status: ${inspect(error)}`)
  }
  const retryAfterSeconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds
  return failed(status, error.message, error instanceof RetryableError, retryAfterSeconds)
}

export type Subscriptions = unknown[]

const settingsWith = (subscriptions: Subscriptions, settings: object = simulatorSettings) =>
  ({ ...settings, subscriptions }) as any

/** `onEvent` with one action's subscription: the action's outcome for the event. */
export async function sendOne(
  destination: Destination<any>,
  event: Partial<SegmentEvent>,
  subscriptions: Subscriptions,
  options?: { settings?: object; logger?: any }
): Promise<Outcome> {
  let results: any[]
  try {
    results = await destination.onEvent(event as SegmentEvent, settingsWith(subscriptions, options?.settings), {
      logger: options?.logger
    })
  } catch (error) {
    return outcomeOfError(error)
  }
  if (results.length === 1 && results[0].output === 'not subscribed') return { kind: 'ignored' }
  const executed = results.find((r) => r.output === 'Action Executed')
  if (!executed) throw new Error(`The event did not reach the action: ${JSON.stringify(results)}`)
  return { kind: 'delivered', body: executed.data }
}

/** A batch item of a MultiStatus answer as an outcome. */
export function outcomeOfItem(item: any): Outcome {
  if (!item || typeof item.status !== 'number') throw new Error(`A batch item has no status: ${inspect(item)}`)
  if (item.status >= 200 && item.status < 300) return { kind: 'delivered', body: item.body }
  return failed(item.status, item.errormessage, false)
}

/**
 * `onBatch` with one action's subscription: one outcome per event, in order. It never throws as a whole, but for
 * one reason: a 401 makes actions-core renew the connection, and a connection that cannot be renewed (refused, or
 * a legacy credential Zendesk rejects) is every event's authentication error.
 */
export async function sendMany(
  destination: Destination<any>,
  events: Partial<SegmentEvent>[],
  subscriptions: Subscriptions,
  options?: { settings?: object; logger?: any }
): Promise<Outcome[]> {
  let results: any[]
  try {
    results = await destination.onBatch(events as SegmentEvent[], settingsWith(subscriptions, options?.settings), {
      logger: options?.logger
    })
  } catch (error) {
    if ((error as { status?: unknown })?.status === 401) return events.map(() => outcomeOfError(error))
    throw new Error(`onBatch threw instead of answering per event: ${inspect(error)}`)
  }
  const multistatus = results.find((r) => Array.isArray(r.multistatus))?.multistatus
  if (!Array.isArray(multistatus) || multistatus.length !== events.length) {
    throw new Error(`Expected one result per event (${events.length}), got ${inspect(results, { depth: 4 })}`)
  }
  return multistatus.map(outcomeOfItem)
}

/** `/api/v2/users/1/events.json` → `users/:id/events`: the route a request went to, ids folded. */
export function routeOf(request: Pick<RecordedRequest, 'path'>): string {
  return request.path
    .replace(/^\/api\/v2\//, '')
    .replace(/\.json$/, '')
    .replace(/(^|\/)\d+(?=\/|$)/g, '$1:id')
    .replace(/^job_statuses\/[^/]+$/, 'job_statuses/:id')
}

/**
 * Every Zendesk route an action may request. A request anywhere else (e.g. reached through `..` in an id) fails
 * the test, so a route an action starts to use is added here deliberately.
 */
export const ROUTES_OF_ACTION: Record<string, string[]> = {
  upsertUser: [
    'user_fields',
    'users/create_or_update',
    'users/create_or_update_many',
    'job_statuses/:id',
    // without bulk import, and sync modes
    'users',
    'users/show_many',
    'users/update_many',
    'users/search',
    'users/:id',
    // a changed email made primary
    'users/:id/identities',
    'users/:id/identities/:id',
    'users/:id/identities/:id/make_primary'
  ],
  updateOrganizationMembership: [
    'organizations/search',
    'organizations/show_many',
    'users/search',
    'users/show_many',
    'users/:id/identities',
    'organization_memberships',
    'organization_memberships/create_many',
    'users/:id/organization_memberships',
    'organizations/:id/organization_memberships',
    'users/:id/organizations/:id',
    'job_statuses/:id'
  ],
  upsertOrganization: [
    'organization_fields',
    'organizations/search',
    'organizations/show_many',
    'organizations/create_or_update',
    'organizations/create_many',
    'organizations/update_many',
    'organizations/:id',
    'job_statuses/:id',
    'users/search',
    'users/show_many',
    'users/:id/identities',
    'organization_memberships',
    'organization_memberships/create_many',
    'users/:id/organization_memberships',
    'organizations/:id/organization_memberships'
  ],
  trackEvent: ['users/search', 'users/show_many', 'users/:id/identities', 'users/:id/events'],
  createTicket: ['tickets', 'users/search', 'users/show_many'],
  updateTicket: ['tickets', 'tickets/:id', 'tickets/update_many', 'job_statuses/:id']
}

/** The requests that went somewhere the action never needs: outside /api/v2/, or to a route not in its list. */
export function strayRequests(requests: RecordedRequest[], actionKey: string): string[] {
  const allowed = ROUTES_OF_ACTION[actionKey]
  return requests
    .filter((r) => !r.path.startsWith('/api/v2/') || r.path.includes('..') || !allowed.includes(routeOf(r)))
    .map((r) => `${r.method} ${r.path}`)
}
