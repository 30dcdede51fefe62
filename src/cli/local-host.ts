import { createServer, type IncomingMessage, type ServerResponse } from 'http'
// Checking a mapping needs only the actions' fields, the same in every instance.
import mappingDefinition from '../destinations/zendesk'
import type { AddressInfo } from 'net'
import type { SegmentEvent } from '@segment/actions-core'
import { SIMULATOR_SUBDOMAIN, type RunningSimulator } from '../simulator'
import { resolve } from 'path'
import { connectionRoutes } from './connection-page'
import {
  Deliveries,
  MemoryDeliveryStore,
  type DeliveryState,
  type DeliveryStore,
  type DeliveryView,
  type RetryOptions
} from './deliveries'
import { DeliveryStoreError, PostgresDeliveryStore } from './postgres-deliveries'
import { deliveriesPage } from './deliveries-page'
import { ok, type HostContext, type HostReply, type HostRequest, type Route } from './host-routes'
import { mappingPageRoutes, MAPPING_FILE_NAME } from './mapping-page'
import { presetSubscriptions, readMappingFile, type Subscription } from './mapping-file'
import { redact, secretsOf } from './redact'
import { EventRunner, type EventReport } from './run-events'
import { EventInputError, receiveBatch, receiveEvent, type EventType, type ReceivedEvent } from './segment-events'
import { startTarget, type Target } from './target'
import { isObject } from './objects'
import type { AccountView } from './host-account'
import type { Timers } from './timers'

export interface LocalHostOptions {
  /** port on 127.0.0.1; 0 picks a free one (default 4000) */
  port?: number
  /** the embedded simulator's port on 127.0.0.1 (default 0: a free one); only without ZENDESK_* variables */
  simulatorPort?: number
  /** subscriptions to use instead of the presets: a JSON list of { partnerAction, subscribe, mapping } */
  mappingFile?: string
  /** where the mapping page saves when no mappingFile is given (default: zendesk-mapping.json in the working directory) */
  newMappingFile?: string
  /** where ZENDESK_* variables are read from (default: process.env) */
  env?: NodeJS.ProcessEnv
  /** where the connection to a Zendesk account is kept (default: ZENDESK_CONNECTION_FILE, else under ~/.config) */
  connectionFile?: string
  /**
   * A loopback Zendesk the caller runs (a simulator) instead of https://<subdomain>.zendesk.com for the account the
   * ZENDESK_* variables name: tests restart the host against one simulated account.
   */
  zendeskOrigin?: string
  /** the clock and timers the connection renews on (default: the system's) */
  timers?: Timers
  /** one line per request and the start-up banner (default: console.log) */
  log?: (line: string) => void
  /** how long and how often retryable results are tried again in the background */
  retry?: RetryOptions
  /**
   * how long /v1/* waits for the events' first attempt before answering 202 with their delivery ids alone
   * (default 5 s, within the 10 s an SDK waits for an answer); the attempt goes on and /deliveries shows it
   */
  answerWithinMs?: number
  /**
   * a PostgreSQL URL: accepted events are kept there before they are answered, retried from there, and shared with
   * every host on the same database, as are the Zendesk connection and Zendesk's limits; none: in memory, lost with
   * the process, and the connection in its file
   */
  databaseUrl?: string
}

export interface LocalHost {
  url: string
  target: Target
  /** the embedded simulator, when no ZENDESK_* credentials were given */
  simulator?: RunningSimulator
  runner: EventRunner
  deliveries: Deliveries
  /** Stops taking events and retrying; answers what is still pending (in memory, it is dropped). */
  stopAccepting(): Promise<DeliveryView[]>
  close(): Promise<void>
}

export const DEFAULT_PORT = 4000
const DEFAULT_ANSWER_WITHIN_MS = 5000
const MAX_BODY_BYTES = 5 * 1024 * 1024
const LOOPBACK = '127.0.0.1'

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** Events are refused while the host stops, so nothing is accepted that could not be retried. */
function whileAccepting(handle: Route['handle']): Route['handle'] {
  return (request, context) =>
    context.accepting
      ? handle(request, context)
      : {
          status: 503,
          body: { error: 'The local host is stopping and takes no more events.' },
          headers: { 'Retry-After': '10' }
        }
}

/** What the answer says of one received event: its delivery, where it stands, and its first attempt's results. */
type EventAnswer = { deliveryId: string; state: DeliveryState; reason?: string } & Partial<EventReport>

/**
 * Accepts what was received: the events' first attempt (`run`) has started, and the answer carries each event's
 * delivery id, state and results; one that can never be delivered is rejected at once, with the reason. When the
 * attempt takes longer than answerWithinMs, 202 with the delivery ids alone (the attempt goes on).
 */
async function deliver<T>(
  received: ReceivedEvent[],
  run: (events: SegmentEvent[]) => Promise<T>,
  reportsOf: (outcome: T) => EventReport[],
  answer: (outcome: T, events: EventAnswer[]) => unknown,
  { deliveries, answerWithinMs }: HostContext
): Promise<HostReply> {
  // The attempt starts once the events are kept (with a database: committed), before the answer.
  let attempt: Promise<T> | undefined
  const acceptance = await deliveries.accept(received, (events) => (attempt = run(events)).then(reportsOf))
  const ids = acceptance.accepted.map((delivery) => delivery.id)
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), answerWithinMs)))
  const finished = acceptance.settled.then(async (settled) => ({ settled, outcome: await attempt! }))
  const first = await Promise.race([finished, late]).finally(() => clearTimeout(timer))
  if (first !== 'late') {
    const { settled, outcome } = first
    const reports = reportsOf(outcome)
    let next = 0
    const events = received.map((item, i): EventAnswer => {
      const { state, reason } = settled[i].view
      if (!item.event) {
        const { messageId, type, description } = item
        return { deliveryId: ids[i], state, reason, messageId, type, description, actions: [] }
      }
      return { deliveryId: ids[i], state, ...reports[next++] }
    })
    return { ...ok(answer(outcome, events)), log: settled.map(({ line }) => line) }
  }
  deliveries.logWhenSettled(acceptance)
  return {
    status: 202,
    body: {
      running: `The first attempt takes longer than ${answerWithinMs} ms and goes on: GET /deliveries?id=<deliveryId> shows its results.`,
      events: received.map((item, i) => {
        const { id, messageId, state, reason } = acceptance.accepted[i]
        return { deliveryId: id, messageId, type: item.event ? item.event.type : item.type, state, reason }
      })
    },
    log: [
      `  ${ids.length > 1 ? `${ids[0]} to ${ids[ids.length - 1]}` : ids[0]}: first attempt still running; outcomes follow`
    ]
  }
}

function eventRoute(type: EventType): Route {
  return {
    method: 'POST',
    path: `/v1/${type}`,
    about: `a Segment ${type} event, run through the matching subscriptions (answers its delivery id)`,
    handle: whileAccepting((request, context) =>
      deliver(
        [receiveEvent(request.body, type)],
        (events) => Promise.all(events.map((event) => context.runner.runEvent(event))),
        (reports) => reports,
        (_reports, [event]) => event,
        context
      )
    )
  }
}

/** The deliveries of a route's events, or one of them by `?id=`. */
async function deliveriesReply(request: HostRequest, deliveries: Deliveries): Promise<HostReply> {
  const id = request.query.get('id')
  if (id === null) return ok({ pending: (await deliveries.pending()).length, deliveries: await deliveries.list() })
  const delivery = await deliveries.view(id)
  return delivery ? ok(delivery) : { status: 404, body: { error: `No delivery ${id}.` } }
}

/** actions-core's definition as JSON, like Segment's `GET /manifest`; a dynamic field's loader shows as `dynamic: true`. */
function manifest(context: HostContext): unknown {
  const json = JSON.stringify(context.definition, (key, value) =>
    typeof value === 'function' ? (key === 'dynamic' ? true : undefined) : value
  )
  return {
    ...JSON.parse(json),
    directoryName: 'zendesk',
    target: context.target.kind,
    subscriptions: context.runner.subscriptions
  }
}

/** Segment's local server takes the settings as the whole body; `{ settings }` is accepted too. */
function authenticationSettings(body: unknown): unknown {
  if (!isObject(body)) return undefined
  return isObject(body.settings) ? body.settings : body
}

export function hostRoutes(actionKeys: string[]): Route[] {
  return [
    eventRoute('identify'),
    eventRoute('track'),
    eventRoute('group'),
    {
      method: 'POST',
      path: '/v1/batch',
      about: '{ batch: [events] }, each subscription in one onBatch call (answers each event’s delivery id)',
      handle: whileAccepting((request, context) =>
        deliver(
          receiveBatch(request.body),
          (events) => context.runner.runBatch(events),
          (report) => report.events,
          (report, events) => ({ ...report, events }),
          context
        )
      )
    },
    {
      method: 'GET',
      path: '/deliveries',
      about: 'each accepted event’s delivery: state, attempts, last results, next try (?id= for one)',
      handle: (request, { deliveries }) => deliveriesReply(request, deliveries)
    },
    {
      method: 'GET',
      path: '/deliveries/page',
      about: 'the deliveries as a page that refreshes itself (open it in a browser)',
      handle: async (_request, { deliveries }) => deliveriesPage(await deliveries.list())
    },
    ...actionKeys.map<Route>((key) => ({
      method: 'POST',
      path: `/${key}`,
      about: `{ payload, mapping, settings } for ${key} (an array payload runs as a batch)`,
      handle: async (request, { runner }) => {
        const body = isObject(request.body) ? request.body : {}
        if (body.payload === undefined) throw new EventInputError('The body needs a "payload": an event or a list.')
        return ok(
          await runner.runAction(key, { payload: body.payload, mapping: body.mapping, settings: body.settings })
        )
      }
    })),
    {
      method: 'POST',
      path: '/authenticate',
      about: '{ settings } → testAuthentication (the host’s own credentials when none are given)',
      handle: async (request, { runner }) => ok(await runner.authenticate(authenticationSettings(request.body)))
    },
    {
      method: 'POST',
      path: '/delete',
      about: '{ payload: { userId }, settings } → onDelete',
      handle: async (request, { runner }) => {
        const body = isObject(request.body) ? request.body : {}
        return ok(await runner.deleteUser(body.payload, body.settings))
      }
    },
    {
      method: 'GET',
      path: '/manifest',
      about: 'the destination: settings, actions with their fields, presets, subscriptions in use',
      handle: (_request, context) => ok(manifest(context))
    },
    {
      method: 'GET',
      path: '/simulator/state',
      about: 'the embedded simulator’s records',
      handle: (_request, { target }) =>
        target.simulator
          ? ok(target.simulator.state())
          : { status: 404, body: { error: 'There is no simulator: this host sends to a real Zendesk account.' } }
    },
    ...connectionRoutes(),
    ...mappingPageRoutes()
  ]
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      // Past the limit the rest is read and dropped, so the 413 answer can still be sent.
      if (size > MAX_BODY_BYTES) reject(new HttpProblem(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * Only same-machine clients may talk to the host: a Host header naming another name is a DNS-rebinding attempt,
 * and a POST without a JSON content type is what a web page can send cross-site without a CORS preflight.
 */
function checkOrigin(req: IncomingMessage, port: number): void {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
  if (!allowed.includes((req.headers.host ?? '').toLowerCase())) {
    throw new HttpProblem(403, 'The local host only answers requests addressed to 127.0.0.1 or localhost.')
  }
  if (req.method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpProblem(415, 'Send the body as JSON with the header Content-Type: application/json.')
  }
}

async function parseRequest(req: IncomingMessage): Promise<HostRequest> {
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}`)
  const raw = await readBody(req)
  let body: unknown
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw)
    } catch (error) {
      throw new HttpProblem(400, `The body is not valid JSON: ${(error as Error).message}`)
    }
  }
  return { method: req.method ?? 'GET', path: url.pathname.replace(/\/+$/, '') || '/', query: url.searchParams, body }
}

function send(res: ServerResponse, reply: HostReply, secrets: string[]): void {
  const asIs = reply.contentType !== undefined
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff'
  })
  res.end(asIs ? String(reply.body) : JSON.stringify(redact(reply.body, secrets), null, 2))
}

/** Secrets a reply must not echo: the host's and any the request brought. */
function secretsFor(target: Target | undefined, body: unknown): string[] {
  const given = isObject(body) ? [body, body.settings] : []
  return [...(target?.account.secrets() ?? []), ...given.flatMap(secretsOf)]
}

/** The request line for the terminal, without the authorization code and state Zendesk sends to /oauth/callback. */
function loggedUrl(url: string | undefined): string {
  return (url ?? '/').replace(/([?&](?:code|state)=)[^&#]*/g, '$1[redacted]')
}

/** Where a database is, for people: its server and name, never its credentials. */
function databaseLabel(databaseUrl: string): string {
  try {
    const { hostname, port, pathname } = new URL(databaseUrl)
    return `${hostname}${port ? `:${port}` : ''}${pathname}`
  } catch {
    return 'DATABASE_URL'
  }
}

/** One line on how the host reaches Zendesk, for the start-up banner. */
function connectionLine(view: AccountView): string {
  if (view.kind === 'legacy') return `Legacy ${view.credential}: ${view.note}`
  if (view.state === 'connected') {
    const who = view.connectedBy ? ` as ${view.connectedBy.name ?? view.connectedBy.email}` : ''
    const until = view.expiresAt ? `; token until ${view.expiresAt}, renewed ahead of time` : ''
    return `Zendesk connected${who} (${view.grant}, OAuth client ${view.clientId})${until}; kept in ${view.storedIn}`
  }
  return `Zendesk is ${view.state}: open the page below and choose Connect Zendesk (events wait until then).`
}

/** `upsertUser, createTicket (off)` */
const subscriptionList = (subscriptions: Subscription[]) =>
  subscriptions.map((s) => `${s.partnerAction}${s.enabled ? '' : ' (off)'}`).join(', ')

/** How another host (one embedding the package) reaches the embedded simulator: its address and published client. */
function pointAHostAt(simulatorUrl: string): string[] {
  return [
    `Point your own host at this simulator: createDestination({ origin: '${simulatorUrl}' }), subdomain '${SIMULATOR_SUBDOMAIN}',`,
    `  the OAuth client SIMULATOR_OAUTH_CLIENT from 'actions-zendesk/simulator' (client credentials grant);`,
    `  --simulator-port N keeps this address across restarts (README: Test your host against the simulator).`
  ]
}

function banner(url: string, context: HostContext, routes: Route[], subscriptions: Subscription[]): string {
  const actionKeys = Object.keys(context.definition.actions)
  const listed = routes.filter((route) => !route.unlisted && !actionKeys.includes(route.path.slice(1)))
  // The route paths' column: as wide as the longest.
  const pathWidth = Math.max(...listed.map((route) => route.path.length))
  const from = context.mappingFile ? `the mapping file ${context.mappingFile}` : 'the presets'
  return [
    context.target.description,
    ...(context.target.simulator ? pointAHostAt(context.target.simulator.url) : []),
    connectionLine(context.target.account.view()),
    `actions-zendesk local host listening at ${url}`,
    `Mapping page: open ${url}/ in a browser`,
    ...listed.map((route) => `  ${route.method.padEnd(4)} ${route.path.padEnd(pathWidth)} ${route.about}`),
    `  POST ${'/<action>'.padEnd(pathWidth)} { payload, mapping, settings } → that action (an array payload runs as a batch);`,
    `       ${''.padEnd(pathWidth)} actions: ${actionKeys.join(', ')}`,
    `Subscriptions (${subscriptions.length}, from ${from}): ${subscriptionList(subscriptions)}`,
    `Accepted events are kept ${context.deliveries.store.description}`
  ].join('\n')
}

/**
 * Starts the local host on 127.0.0.1: Segment-spec events in, the destination's actions run through actions-core,
 * each event's result per action out. Without ZENDESK_* variables it starts and uses the embedded simulator. It
 * listens before it connects: Zendesk's consent page sends people back to its address.
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const log = options.log ?? ((line: string) => console.log(line))
  const subscriptions = options.mappingFile
    ? await readMappingFile(options.mappingFile, mappingDefinition)
    : presetSubscriptions(mappingDefinition)
  // Set once the host is connected and its routes are ready: until then requests answer 503.
  let context: HostContext | undefined = undefined
  let routes: Route[] = []
  let port = 0

  const server = createServer((req, res) => {
    const started = Date.now()
    let body: unknown
    const answer = async (): Promise<HostReply> => {
      checkOrigin(req, port)
      if (!context) throw new HttpProblem(503, 'The local host is starting: try again in a moment.')
      const request = await parseRequest(req)
      body = request.body
      const route = routes.find((r) => r.path === request.path && r.method === request.method)
      if (!route) {
        return {
          status: 404,
          body: {
            error: `No route ${request.method} ${request.path}.`,
            routes: routes.filter((r) => !r.unlisted).map((r) => `${r.method} ${r.path}`)
          }
        }
      }
      return route.handle(request, context)
    }
    answer()
      .catch((error: unknown): HostReply => {
        if (error instanceof HttpProblem) return { status: error.status, body: { error: error.message } }
        if (error instanceof EventInputError) return { status: 400, body: { error: error.message } }
        if (error instanceof DeliveryStoreError) {
          const why = `${error.message}: nothing was accepted, try again.`
          return { status: 503, body: { error: why }, headers: { 'Retry-After': '10' } }
        }
        return { status: 500, body: { error: (error as Error)?.message ?? String(error) } }
      })
      .then((reply) => {
        const secrets = secretsFor(context?.target, body)
        send(res, reply, secrets)
        log(redact(`${req.method} ${loggedUrl(req.url)} → ${reply.status} (${Date.now() - started} ms)`, secrets))
        reply.log?.forEach((line) => log(redact(line, secrets)))
      })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_PORT, LOOPBACK, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const url = `http://${LOOPBACK}:${port}`
  const closeServer = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }

  let target: Target
  try {
    target = await startTarget({
      env: options.env ?? process.env,
      hostUrl: url,
      simulatorPort: options.simulatorPort,
      connectionFile: options.connectionFile,
      databaseUrl: options.databaseUrl,
      zendeskOrigin: options.zendeskOrigin,
      timers: options.timers,
      log
    })
  } catch (error) {
    await closeServer()
    throw error
  }
  let store: DeliveryStore
  try {
    store = options.databaseUrl
      ? await PostgresDeliveryStore.open(options.databaseUrl, {
          label: databaseLabel(options.databaseUrl),
          lookEveryMs: options.retry?.lookEveryMs
        })
      : new MemoryDeliveryStore()
  } catch (error) {
    await closeServer()
    await target.close()
    throw error
  }
  const secrets = () => target.account.secrets()
  const runner = new EventRunner(target.definition, target.account, subscriptions)
  const deliveries = new Deliveries(runner, (line) => log(redact(line, secrets())), options.retry, store)
  // Events held for want of a connection go as soon as there is one.
  target.connection?.whenConnected(() => deliveries.resume())
  routes = hostRoutes(Object.keys(target.definition.actions))
  context = {
    definition: target.definition,
    target,
    runner,
    deliveries,
    accepting: true,
    answerWithinMs: options.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS,
    mappingFile: options.mappingFile,
    newMappingFile: options.newMappingFile ?? resolve(MAPPING_FILE_NAME),
    mappingChanges: Promise.resolve()
  }
  const hostContext = context
  log(redact(banner(url, hostContext, routes, subscriptions), secrets()))
  deliveries.start()

  return {
    url,
    target,
    simulator: target.simulator,
    runner,
    deliveries,
    stopAccepting: () => {
      hostContext.accepting = false
      return deliveries.stop()
    },
    close: async () => {
      hostContext.accepting = false
      // Retries stop at once; the list of what is pending is not needed here (nor a failure to read it).
      await deliveries.stop().catch(() => undefined)
      await deliveries.idle()
      await closeServer()
      await target.close()
      await store.close()
    }
  }
}
