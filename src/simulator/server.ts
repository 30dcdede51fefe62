import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'http'
import type { AddressInfo } from 'net'
import { authenticate, bearerToken, unauthorized } from './auth'
import type { Sim } from './context'
import { ApiError, json, type Input, type Query, type Reply } from './http'
import { completeDueJobs } from './jobs'
import { RATE_LIMIT_MESSAGE } from './limits'
import { matchRoute } from './router'
import type { IssuedToken } from './oauth/tokens'
import { catalogRoutes } from './routes/catalog'
import { customObjectRoutes } from './routes/custom-objects'
import { eventRoutes } from './routes/events'
import { deletedUserRoutes } from './routes/deleted-users'
import { customFieldRoutes } from './routes/fields'
import { jobRoutes } from './routes/jobs'
import { membershipRoutes } from './routes/memberships'
import { oauthReply, readOAuthRequest } from './routes/oauth'
import { oauthTokenRoutes } from './routes/oauth-tokens'
import { organizationRoutes } from './routes/organizations'
import { ticketRoutes } from './routes/tickets'
import { userRoutes } from './routes/users'
import type { Faults, RecordedRequest, SimulatorState } from './types'

const routes = [
  ...userRoutes,
  ...deletedUserRoutes,
  ...customFieldRoutes,
  ...organizationRoutes,
  ...membershipRoutes,
  ...ticketRoutes,
  ...eventRoutes,
  ...catalogRoutes,
  ...customObjectRoutes,
  ...jobRoutes,
  ...oauthTokenRoutes
]

const INVALID_ENDPOINT = json(404, { error: 'InvalidEndpoint', description: 'Not found' })
/** What the `htmlPage` fault answers: a page such as a proxy or a maintenance window puts in front of an API. */
const MAINTENANCE_PAGE =
  '<!DOCTYPE html><html><head><title>Zendesk is down for maintenance</title></head><body><h1>We will be back soon</h1></body></html>'

/** What the /__simulator/* routes act on. */
export interface Control {
  state(): SimulatorState
  reset(): void
  setFaults(faults: Faults): void
  setBulkImport(enabled: boolean): void
}

function parseQuery(params: URLSearchParams): Query {
  const query: Query = {}
  for (const [key, value] of params) {
    const previous = query[key]
    query[key] = previous === undefined ? value : [previous, value].flat()
  }
  return query
}

function parseJson(raw: string): unknown {
  try {
    return raw === '' ? undefined : JSON.parse(raw)
  } catch {
    return raw
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return
  const headers: Record<string, string> = { ...reply.headers }
  let payload = ''
  if (reply.text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8'
    payload = reply.text
  } else if (reply.html !== undefined) {
    headers['Content-Type'] = 'text/html; charset=utf-8'
    payload = reply.html
  } else if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8'
    payload = JSON.stringify(reply.body)
  }
  res.writeHead(reply.status, headers)
  res.end(payload)
}

function controlReply(control: Control, method: string, path: string, body: unknown): Reply {
  if (method === 'GET' && path === '/__simulator/state') return json(200, control.state())
  if (method === 'POST' && path === '/__simulator/reset') {
    control.reset()
    return { status: 204 }
  }
  if (method === 'POST' && path === '/__simulator/faults') {
    if (!body || typeof body !== 'object') {
      return json(400, { error: 'InvalidJSON', description: 'Body must be a Faults object' })
    }
    control.setFaults(body as Faults)
    return json(200, { faults: body })
  }
  if (method === 'POST' && path === '/__simulator/bulk-import') {
    const enabled = (body as { enabled?: unknown } | undefined)?.enabled
    if (typeof enabled !== 'boolean') {
      return json(400, { error: 'InvalidJSON', description: 'Body must be {"enabled": true|false}' })
    }
    control.setBulkImport(enabled)
    return json(200, { bulk_import: enabled })
  }
  return INVALID_ENDPOINT
}

function injectedFault(sim: Sim, path: string): Reply | undefined {
  const rateLimit = sim.faults.take('rateLimit', path)
  if (rateLimit) {
    const headers: Record<string, string> =
      rateLimit.retryAfter === undefined ? {} : { 'Retry-After': String(rateLimit.retryAfter) }
    return { status: 429, text: RATE_LIMIT_MESSAGE, headers }
  }
  const serverError = sim.faults.take('serverError', path)
  if (serverError) {
    const status = serverError.status ?? 500
    const headers: Record<string, string> =
      serverError.retryAfter === undefined ? {} : { 'Retry-After': String(serverError.retryAfter) }
    return { status, text: STATUS_CODES[status] ?? 'Error', headers }
  }
  const htmlPage = sim.faults.take('htmlPage', path)
  if (!htmlPage) return undefined
  return { status: htmlPage.status ?? 200, html: MAINTENANCE_PAGE }
}

interface Incoming {
  method: string
  url: URL
  query: Query
  /** parsed JSON; the raw text when it was not JSON */
  body: unknown
  authorization?: string
  idempotencyKey?: string
}

/** The issued OAuth token a Bearer header names, while it is live. */
function issuedToken(sim: Sim, authorization: string | undefined): IssuedToken | undefined {
  const bearer = bearerToken(authorization)
  return bearer === undefined ? undefined : sim.oauth.tokens.authenticate(bearer)
}

/** Routes an /api/v2 request; handler errors carry their own Zendesk reply (any other is a 500). */
function routeReply(sim: Sim, incoming: Incoming): Reply {
  const { method, url, body } = incoming
  const path = /^\/api\/v2\/(.+?)(?:\.json)?\/?$/.exec(url.pathname)?.[1]
  const found = path === undefined ? undefined : matchRoute(routes, method, path)
  const oauthToken = issuedToken(sim, incoming.authorization)
  const auth = oauthToken ? 'ok' : authenticate(incoming.authorization, sim.settings.credentials)
  // A bearer token that is not honoured is refused everywhere, users/me included (ASSUMPTIONS.md, OAuth).
  if (auth === 'bad-bearer' || (auth !== 'ok' && !found?.route.anonymous)) return unauthorized(auth)
  if (!found) return INVALID_ENDPOINT
  if (typeof body === 'string') {
    return json(400, { error: 'InvalidJSON', description: 'The request body is not valid JSON' })
  }
  const req = {
    method,
    pathname: url.pathname,
    params: found.params,
    query: incoming.query,
    body: body !== null && typeof body === 'object' ? (body as Input) : {},
    authenticated: auth === 'ok',
    idempotencyKey: incoming.idempotencyKey,
    oauthToken
  }
  try {
    completeDueJobs(sim)
    return found.route.handler(req, sim)
  } catch (err) {
    if (err instanceof ApiError) return err.reply
    return json(500, { error: 'SimulatorError', description: String(err) })
  }
}

/** Account limit first (its headers go on every answer), then injected faults, then the route. */
function apiReply(sim: Sim, incoming: Incoming): Reply {
  const { headers, refused } = sim.limits.takeAccount()
  const reply = refused ?? injectedFault(sim, incoming.url.pathname) ?? routeReply(sim, incoming)
  return { ...reply, headers: { ...headers, ...reply.headers } }
}

/** The OAuth endpoints outside /api/v2 (consent page, token endpoint): injected faults apply, account limits do not. */
function oauthAnswer(sim: Sim, method: string, path: string, params: Record<string, unknown> | undefined): Reply {
  return injectedFault(sim, path) ?? oauthReply(sim, method, path, params) ?? INVALID_ENDPOINT
}

export interface ListeningServer {
  url: string
  close(): Promise<void>
}

/** Serves the simulated API on 127.0.0.1 only, recording every /api and /oauth request into `requests`. */
export function listen(
  sim: Sim,
  control: Control,
  requests: RecordedRequest[],
  port: number
): Promise<ListeningServer> {
  const timers = new Set<NodeJS.Timeout>()
  const later = (delayMs: number, action: () => void) => {
    if (delayMs <= 0) return action()
    const timer = setTimeout(() => {
      timers.delete(timer)
      action()
    }, delayMs)
    timers.add(timer)
  }

  /** Answers held by `answeredTogether` until its last request arrives. */
  const heldTogether: (() => void)[] = []

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now()
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', sim.serverUrl)
    const raw = await readBody(req)
    if (url.pathname.startsWith('/__simulator/')) {
      return send(res, controlReply(control, method, url.pathname, parseJson(raw)))
    }

    const oauth = url.pathname.startsWith('/oauth/')
      ? readOAuthRequest(method, url, raw, req.headers['content-type'])
      : undefined
    const body = oauth ? oauth.recorded : parseJson(raw)
    const query = parseQuery(url.searchParams)
    const authorizationScheme = req.headers.authorization?.trim().split(/\s+/)[0]
    const entry: RecordedRequest = { method, path: url.pathname, query, body, status: 0, at }
    if (authorizationScheme) entry.authorizationScheme = authorizationScheme
    requests.push(entry)
    if (sim.faults.take('connectionReset', url.pathname)) {
      req.socket.destroy()
      return
    }
    const slow = sim.faults.take('slow', url.pathname)
    const together = sim.faults.take('answeredTogether', url.pathname)
    const idempotencyKey = [req.headers['idempotency-key']].flat()[0]
    const reply = oauth
      ? oauthAnswer(sim, method, url.pathname, oauth.params)
      : apiReply(sim, { method, url, query, body, authorization: req.headers.authorization, idempotencyKey })
    entry.status = reply.status
    const idempotencyLookup = reply.headers?.['x-idempotency-lookup']
    if (idempotencyLookup === 'hit' || idempotencyLookup === 'miss') entry.idempotencyLookup = idempotencyLookup
    const answer = () => later(sim.settings.latencyMs + (slow?.delayMs ?? 0), () => send(res, reply))
    if (!together) return answer()
    heldTogether.push(answer)
    if (together.count === 0) heldTogether.splice(0).forEach((release) => release())
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, json(500, { error: 'SimulatorError', description: String(err) })))
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo
      sim.serverUrl = `http://127.0.0.1:${bound}`
      resolve({
        url: sim.serverUrl,
        close: () =>
          new Promise<void>((done) => {
            for (const timer of timers) clearTimeout(timer)
            timers.clear()
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}
