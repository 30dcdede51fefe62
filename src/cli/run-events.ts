import {
  defaultValues,
  Destination,
  RetryableError,
  transform,
  type DecoratedResponse,
  type DestinationDefinition,
  type JSONObject,
  type Logger,
  type SegmentEvent
} from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import { statusOf } from '../destinations/zendesk/batch/results'
import type { Settings } from '../destinations/zendesk/generated-types'
import { normaliseSubdomain } from '../destinations/zendesk/settings/settings'
import { isRefusedRenewal } from './connection'
import type { Blocked, HostAccount, HostSettings } from './host-account'
import type { Subscription } from './mapping-file'
import { missingFieldsHint } from './missing-fields'
import { describeEvent } from './segment-events'
import { isObject } from './objects'

export type Outcome = 'delivered' | 'rejected' | 'retryable'

/** One request the destination sent to Zendesk, without headers (they carry the credentials). */
export interface ZendeskExchange {
  request: { method: string; url: string; body?: unknown }
  response: { status: number; body?: unknown }
}

export interface ActionResult {
  action: string
  subscription: string
  result: Outcome
  status: number
  message?: string
  /** the event mapped to the action's fields (single events) */
  payload?: unknown
  /** what the action logged for this event, e.g. traits that have no Zendesk field */
  logs?: string[]
  /** how long Zendesk (or the destination's pacing) asked to wait before a retry */
  retryAfterSeconds?: number
  /** retryable because the host has no working Zendesk connection: tried again once it is connected */
  awaitingConnection?: boolean
  /** the requests this action sent for this event (single events; a batch lists them per subscription) */
  requests?: ZendeskExchange[]
}

export interface EventReport {
  messageId: string
  type: string
  description: string
  /** one entry per subscription the event matched; empty when it matched none */
  actions: ActionResult[]
}

export interface BatchReport {
  events: EventReport[]
  /** the requests each subscription sent for the whole batch, by subscription name */
  requests: Record<string, ZendeskExchange[]>
  /** what a subscription logged for several events at once (one event's lines go on its own result) */
  logs: Record<string, string[]>
}

/** Which subscriptions to run for the event at an index of a batch (a retry runs only what is still pending). */
export type SubscriptionFilter = (eventIndex: number, subscription: Subscription) => boolean

export interface ActionRunInput {
  payload: unknown
  mapping?: unknown
  settings?: unknown
}

export type ActionRunReport =
  ActionResult | { action: string; results: ActionResult[]; requests: ZendeskExchange[]; logs?: string[] }

/** Each event's result, and what the call logged for several events at once. */
interface BatchOutcomes {
  results: ActionResult[]
  logs: string[]
  /** actions-core failed on an event before the destination ran, and with it the whole call */
  crashed?: boolean
}

/**
 * Statuses retryable whatever the error: a host reads a batch entry by its status alone. Zendesk's own 409 (two
 * writes to one record racing) arrives as a RetryableError; a 409 that is not one (Add mode: the record exists) is
 * final.
 */
const RETRYABLE_STATUSES = new Set([408, 429])
const CREDENTIAL_KEYS = ['email', 'api_token', 'oauth_token']
/** The host's credentials: what it does not lend to a call that brings its own credentials or names another account. */
const HOST_CREDENTIAL_KEYS = [...CREDENTIAL_KEYS, 'oauth']
/** Keys a caller's settings may not bring: they would change which actions run. */
const HOST_ONLY_KEYS = ['subscription', 'subscriptions', 'oauth']

export function outcomeOf(status: number, error?: unknown): Outcome {
  if (status >= 200 && status < 300 && error === undefined) return 'delivered'
  if (error instanceof RetryableError || (error as { code?: unknown })?.code === 'RETRYABLE_ERROR') return 'retryable'
  return status >= 500 || RETRYABLE_STATUSES.has(status) ? 'retryable' : 'rejected'
}

/** Actions that create what the others refer to: a membership, event or ticket needs its user or organization. */
const CREATING_ACTIONS = ['upsertUser', 'upsertOrganization']

/** Subscriptions in dependency order: those creating users and organizations first, otherwise as given. */
export function inDependencyOrder(subscriptions: Subscription[]): Subscription[] {
  const rank = (s: Subscription) => (CREATING_ACTIONS.includes(s.partnerAction) ? 0 : 1)
  return [...subscriptions].sort((a, b) => rank(a) - rank(b))
}

/**
 * The wait a failure asks for, carried as data: on a ZendeskRetryableError, or in the body of a batch result
 * (`{ retryAfterSeconds }`).
 */
export function retryAfterOf(failure: unknown): number | undefined {
  const carried = (failure as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
  return typeof carried === 'number' && Number.isFinite(carried) ? carried : undefined
}

/** The host's settings for one subscription's call, as actions-core reads them. */
const withSubscription = (settings: HostSettings, subscription: Subscription): JSONObject =>
  ({ ...settings, subscriptions: [subscription] }) as unknown as JSONObject

/** Which action and subscription a result belongs to. */
type ResultLabel = Pick<ActionResult, 'action' | 'subscription'>

const labelOf = (subscription: Subscription): ResultLabel => ({
  action: subscription.partnerAction,
  subscription: subscription.name
})

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : String(error)

const ACTIONS_CORE_CODE = /[\\/]@segment[\\/]actions-core[\\/]/

/**
 * actions-core itself failed on the event (e.g. a TypeError reading `context.personas` of a null context) rather
 * than answering with one of its errors, which carry a status: the same event fails the same way on every try.
 */
export function crashedInActionsCore(error: unknown): error is Error {
  if (!(error instanceof Error) || (error as { status?: unknown }).status !== undefined) return false
  const firstFrame = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '))
  return firstFrame !== undefined && ACTIONS_CORE_CODE.test(firstFrame)
}

/** A result for an event actions-core cannot run: rejected at once, since a retry would fail the same way. */
function crashResult(label: ResultLabel, error: Error): ActionResult {
  return {
    ...label,
    result: 'rejected',
    status: 400,
    message: `actions-core could not run this event (${error.name}: ${error.message}); it would fail the same way on every try, so it is not retried. Check the event against Segment's spec (context, traits and properties are objects).`
  }
}

/** Whether a subscription's trigger matches the event (on or off). */
export function matches(subscription: Pick<Subscription, 'subscribe'>, event: SegmentEvent): boolean {
  const parsed = parseFql(subscription.subscribe)
  if ('error' in parsed) return false
  try {
    return validate(parsed, event)
  } catch {
    return false
  }
}

/**
 * The settings for one call: the caller's settings over the host's. The host's credentials are used only for the
 * host's own account: not when the caller brings any credential (never mixed with someone else's email) and not
 * for another subdomain (never sent to an account they do not belong to).
 */
export function effectiveSettings(host: HostSettings, given: unknown): HostSettings {
  if (!isObject(given)) return host
  const own = Object.fromEntries(Object.entries(given).filter(([key]) => !HOST_ONLY_KEYS.includes(key)))
  const bringsCredentials = CREDENTIAL_KEYS.some((key) => key in own)
  const otherAccount = 'subdomain' in own && !sameSubdomain(own.subdomain, host.subdomain)
  const base = Object.fromEntries(
    Object.entries(host).filter(([key]) => !((bringsCredentials || otherAccount) && HOST_CREDENTIAL_KEYS.includes(key)))
  )
  return { ...base, ...own } as unknown as HostSettings
}

/** actions-core's `auth` for a call made without it (an action run directly, a dynamic field): the connection's tokens. */
export function authOf(settings: HostSettings) {
  return { accessToken: settings.oauth?.access_token ?? '', refreshToken: settings.oauth?.refresh_token ?? '' }
}

/** A result for a call that was not made: the host cannot reach Zendesk now. */
function blockedResult(label: ResultLabel, blocked: Blocked): ActionResult {
  return {
    ...label,
    result: 'retryable',
    status: 401,
    message: blocked.reason,
    ...(blocked.untilConnected && { awaitingConnection: true })
  }
}

function sameSubdomain(a: unknown, b: unknown): boolean {
  try {
    return normaliseSubdomain(a) === normaliseSubdomain(b)
  } catch {
    return false
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** actions-core keeps each response with the request that produced it (a fetch Request whose body can be re-read). */
async function exchangeOf(response: DecoratedResponse): Promise<ZendeskExchange> {
  const { request } = response
  return {
    request: { method: request.method, url: request.url, body: parseBody(await request.clone().text()) },
    response: { status: response.status, body: response.data ?? (response.content || undefined) }
  }
}

/** A retryable result keeps the wait its failure asked for. */
function withRetryAfter(result: ActionResult, failure: unknown): ActionResult {
  const seconds = result.result === 'retryable' ? retryAfterOf(failure) : undefined
  return seconds === undefined ? result : { ...result, retryAfterSeconds: seconds }
}

function collectingLogger(lines: string[]): Logger {
  const push = (...message: string[]) => lines.push(message.join(' '))
  return {
    level: 'info',
    name: 'actions-zendesk',
    debug: () => undefined,
    info: push,
    warn: push,
    error: push,
    crit: push,
    log: push,
    withTags: () => undefined
  }
}

/**
 * Runs events through actions-core's Destination the way a host does, one unit of work at a time, and reports
 * each event's result per action. Working one at a time keeps results reproducible and lets every Zendesk request
 * be attributed to the action and event that sent it. Each call carries its own copy of the account's settings and
 * the account's onTokenRefresh; a call the account cannot make now (no connection) is not made, and its events are
 * held as retryable.
 */
export class EventRunner {
  readonly destination: Destination<Settings>
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly definition: DestinationDefinition<Settings>,
    readonly account: HostAccount,
    public subscriptions: Subscription[]
  ) {
    this.destination = new Destination(definition)
  }

  /** The host's settings for a call now. */
  get settings(): HostSettings {
    return this.account.settings()
  }

  /** One event: each matching subscription that is on, in turn through `onEvent`. */
  runEvent(event: SegmentEvent): Promise<EventReport> {
    return this.exclusive(async () => {
      const actions: ActionResult[] = []
      for (const subscription of this.subscriptionsFor(event)) {
        actions.push(this.explained(subscription, event, await this.deliverOne(subscription, event)))
      }
      return { messageId: String(event.messageId), type: event.type, description: describeEvent(event), actions }
    })
  }

  /**
   * One event through one subscription alone, on or off, whether its trigger matches or not: how a mapping being
   * edited is tested.
   */
  runAlone(subscription: Subscription, event: SegmentEvent): Promise<EventReport> {
    return this.exclusive(async () => ({
      messageId: String(event.messageId),
      type: event.type,
      description: describeEvent(event),
      actions: [await this.deliverOne(subscription, event)]
    }))
  }

  /** The subscriptions that are on, in dependency order. */
  private enabledSubscriptions(): Subscription[] {
    return inDependencyOrder(this.subscriptions.filter((subscription) => subscription.enabled))
  }

  /** The subscriptions an event runs: those that are on and match it, in dependency order. */
  subscriptionsFor(event: SegmentEvent): Subscription[] {
    return this.enabledSubscriptions().filter((subscription) => matches(subscription, event))
  }

  /**
   * A batch: per subscription that is on, in dependency order, its matching events in one `onBatch` call (`onEvent` each for
   * an action without batching). `only` narrows which subscriptions run for which event.
   */
  runBatch(events: SegmentEvent[], only: SubscriptionFilter = () => true): Promise<BatchReport> {
    return this.exclusive(async () => {
      const results: ActionResult[][] = events.map(() => [])
      const requests: Record<string, ZendeskExchange[]> = {}
      const logs: Record<string, string[]> = {}
      for (const subscription of this.enabledSubscriptions()) {
        const indexes = events.map((_, i) => i).filter((i) => only(i, subscription) && matches(subscription, events[i]))
        if (indexes.length === 0) continue
        const matched = indexes.map((i) => events[i])
        this.takeExchanges()
        const outcomes = this.supportsBatch(subscription.partnerAction)
          ? await this.deliverBatch(subscription, matched)
          : await this.deliverEach(subscription, matched)
        requests[subscription.name] = [...(requests[subscription.name] ?? []), ...(await this.exchanges())]
        if (outcomes.logs.length) logs[subscription.name] = [...(logs[subscription.name] ?? []), ...outcomes.logs]
        indexes.forEach((eventIndex, k) =>
          results[eventIndex].push(this.explained(subscription, events[eventIndex], outcomes.results[k]))
        )
      }
      return {
        events: events.map((event, i) => ({
          messageId: String(event.messageId),
          type: event.type,
          description: describeEvent(event),
          actions: results[i]
        })),
        requests,
        logs
      }
    })
  }

  /**
   * Segment's local-server route `POST /<action>`: the payload (an event, or an array of events for a batch) mapped
   * with the action's field defaults under the given mapping, without subscription matching.
   */
  runAction(actionKey: string, input: ActionRunInput): Promise<ActionRunReport> {
    return this.exclusive(async () => {
      const action = this.destination.actions[actionKey]
      const mapping = {
        ...defaultValues(action.definition.fields),
        ...(isObject(input.mapping) ? input.mapping : {})
      } as JSONObject
      const settings = effectiveSettings(this.settings, input.settings)
      const auth = authOf(settings)
      const label = { action: actionKey, subscription: action.definition.title }
      const executeOne = (data: JSONObject) => (logger: Logger) =>
        action.execute({ data, mapping, settings, auth, logger })
      this.takeExchanges()
      if (!Array.isArray(input.payload)) {
        const result = await this.settle(
          label,
          executeOne(isObject(input.payload) ? (input.payload as JSONObject) : {})
        )
        return { ...result, requests: await this.exchanges() }
      }
      const events = input.payload.map((item) => (isObject(item) ? item : {})) as JSONObject[]
      const { results, logs } = action.hasBatchSupport
        ? await this.batchOutcomes(label, events.length, (logger) =>
            this.destination.executeBatch(actionKey, {
              events: events as unknown as SegmentEvent[],
              mapping,
              settings,
              auth,
              logger
            })
          )
        : await this.inTurn(events, (event) => this.settle(label, executeOne(event)))
      return { action: actionKey, results, requests: await this.exchanges(), ...(logs.length ? { logs } : {}) }
    })
  }

  /** Segment's local-server route `POST /authenticate`: runs the destination's testAuthentication. */
  authenticate(settings: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    return this.exclusive(async () => {
      try {
        await this.destination.testAuthentication(effectiveSettings(this.settings, settings))
        return { ok: true as const }
      } catch (error) {
        return { ok: false as const, error: messageOf(error) }
      }
    })
  }

  /** Segment's local-server route `POST /delete`: the destination's onDelete for `{ userId }`. */
  deleteUser(payload: unknown, settings: unknown): Promise<ActionResult> {
    return this.exclusive(async () => {
      this.takeExchanges()
      const event = (isObject(payload) ? payload : {}) as unknown as SegmentEvent
      const label = { action: 'onDelete', subscription: 'onDelete' }
      const result = await this.settle(label, () =>
        this.destination.onDelete!(event, effectiveSettings(this.settings, settings) as unknown as JSONObject)
      )
      return { ...result, requests: await this.exchanges() }
    })
  }

  /**
   * A result rejected because the mapped payload lacks a required field says which event path to send (actions-core
   * names only the payload's field).
   */
  private explained(subscription: Subscription, event: SegmentEvent, result: ActionResult): ActionResult {
    if (result.result !== 'rejected' || result.status !== 400) return result
    const fields = this.destination.actions[subscription.partnerAction]?.definition.fields ?? {}
    const hint = missingFieldsHint(fields, subscription.mapping, event)
    return hint ? { ...result, message: `${result.message ?? ''} ${hint}`.trim() } : result
  }

  private supportsBatch(actionKey: string): boolean {
    return this.destination.actions[actionKey]?.hasBatchSupport ?? false
  }

  private async deliverOne(subscription: Subscription, event: SegmentEvent): Promise<ActionResult> {
    this.takeExchanges()
    let payload: unknown
    try {
      payload = transform(subscription.mapping as JSONObject, event as unknown as JSONObject)
    } catch {
      payload = undefined
    }
    const result = await this.onEventAsHost(subscription, event)
    return { ...result, payload, requests: await this.exchanges() }
  }

  private deliverEach(subscription: Subscription, events: SegmentEvent[]): Promise<BatchOutcomes> {
    return this.inTurn(events, (event) => this.onEventAsHost(subscription, event))
  }

  /** One event through one subscription (`onEvent`) with the host's settings. */
  private async onEventAsHost(subscription: Subscription, event: SegmentEvent): Promise<ActionResult> {
    const label = labelOf(subscription)
    const { results } = await this.asHost(label, 1, async (settings) => ({
      results: [await this.settle(label, this.onEventFor(subscription, event, settings), settings)],
      logs: []
    }))
    return results[0]
  }

  /**
   * The events in one `onBatch` call. When actions-core failed on one of them before the destination ran, failing
   * the whole call, each is judged alone (`onEvent`), so only the event at fault is rejected.
   */
  private async deliverBatch(subscription: Subscription, events: SegmentEvent[]): Promise<BatchOutcomes> {
    const outcomes = await this.batchCall(subscription, events)
    return outcomes.crashed && events.length > 1 ? this.deliverEach(subscription, events) : outcomes
  }

  private batchCall(subscription: Subscription, events: SegmentEvent[]): Promise<BatchOutcomes> {
    const label = labelOf(subscription)
    return this.asHost(label, events.length, (settings) =>
      this.batchOutcomes(
        label,
        events.length,
        async (logger) => {
          const [first] = await this.destination.onBatch(events, withSubscription(settings, subscription), {
            logger,
            onTokenRefresh: this.account.onTokenRefresh
          })
          return (first as { multistatus?: unknown[] })?.multistatus ?? []
        },
        settings
      )
    )
  }

  private onEventFor(subscription: Subscription, event: SegmentEvent, settings: HostSettings) {
    return (logger: Logger) =>
      this.destination.onEvent(event, withSubscription(settings, subscription), {
        logger,
        onTokenRefresh: this.account.onTokenRefresh
      })
  }

  /**
   * A subscription's call with the host's settings of the moment. Not made while the account cannot make calls (the
   * events are held as retryable); a call that failed for want of a connection holds its events the same way.
   */
  private async asHost(
    label: ResultLabel,
    count: number,
    call: (settings: HostSettings) => Promise<BatchOutcomes>
  ): Promise<BatchOutcomes> {
    const blocked = await this.account.blocked()
    if (blocked) return { results: Array.from({ length: count }, () => blockedResult(label, blocked)), logs: [] }
    const outcomes = await call(this.account.settings())
    if (!outcomes.results.some((result) => result.status === 401 && result.result !== 'delivered')) return outcomes
    const after = await this.account.blocked()
    if (!after?.untilConnected) return outcomes
    const held = (result: ActionResult) =>
      result.status === 401 && result.result !== 'delivered' ? { ...result, ...blockedResult(label, after) } : result
    return { ...outcomes, results: outcomes.results.map(held) }
  }

  /** Each item on its own (each result keeps its own log lines). */
  private async inTurn<T>(items: T[], run: (item: T) => Promise<ActionResult>): Promise<BatchOutcomes> {
    const results: ActionResult[] = []
    for (const item of items) results.push(await run(item))
    return { results, logs: [] }
  }

  /**
   * One result per event from a batch call's multistatus; a batch call that throws fails each of its events. What
   * the call logged belongs to the event only when it was the call's one event; otherwise it is the batch's.
   */
  private async batchOutcomes(
    label: ResultLabel,
    count: number,
    call: (logger: Logger) => Promise<unknown[]>,
    used?: HostSettings
  ): Promise<BatchOutcomes> {
    const logs: string[] = []
    let results: ActionResult[]
    try {
      const multistatus = await call(collectingLogger(logs))
      results = Array.from({ length: count }, (_, i) => {
        const entry = (multistatus[i] ?? {}) as { status?: number; errormessage?: string; body?: unknown }
        const status = typeof entry.status === 'number' ? entry.status : 500
        if (entry.errormessage === undefined && status < 300) return { ...label, result: 'delivered', status }
        const message = entry.errormessage ?? `The action gave no result for this event (${status}).`
        return withRetryAfter({ ...label, result: this.outcomeOf(status, entry, used), status, message }, entry.body)
      })
    } catch (error) {
      if (crashedInActionsCore(error)) {
        return { results: Array.from({ length: count }, () => crashResult(label, error)), logs, crashed: true }
      }
      const status = statusOf(error)
      const result = this.outcomeOf(status, error, used)
      results = Array.from({ length: count }, () =>
        withRetryAfter({ ...label, result, status, message: messageOf(error) }, error)
      )
    }
    if (count === 1 && logs.length) return { results: [{ ...results[0], logs }], logs: [] }
    return { results, logs }
  }

  private async settle(
    label: ResultLabel,
    call: (logger: Logger) => Promise<unknown>,
    used?: HostSettings
  ): Promise<ActionResult> {
    const logs: string[] = []
    let result: ActionResult
    try {
      await call(collectingLogger(logs))
      result = { ...label, result: 'delivered', status: 200 }
    } catch (error) {
      if (crashedInActionsCore(error)) return crashResult(label, error)
      const status = statusOf(error)
      result = withRetryAfter(
        { ...label, result: this.outcomeOf(status, error, used), status, message: messageOf(error) },
        error
      )
    }
    return logs.length ? { ...result, logs } : result
  }

  /**
   * With the host's OAuth connection, a 401 is retryable: the connection renews itself (a renewal Zendesk refused
   * tells the account, and its events wait for someone to connect again).
   */
  private outcomeOf(status: number, error: unknown, used: HostSettings | undefined): Outcome {
    if (!used?.oauth) return outcomeOf(status, error)
    if (isRefusedRenewal(error)) this.account.renewalRefused?.(used, error)
    return status === 401 ? 'retryable' : outcomeOf(status, error)
  }

  /** Drops what earlier work left in the destination's response log. */
  private takeExchanges(): DecoratedResponse[] {
    return this.destination.responses.splice(0)
  }

  private async exchanges(): Promise<ZendeskExchange[]> {
    return Promise.all(this.takeExchanges().map(exchangeOf))
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }
}
