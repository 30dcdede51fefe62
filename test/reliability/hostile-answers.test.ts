import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'http'
import type { AddressInfo } from 'net'
import { Destination } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testDefinition } from '../helpers/destination-state'
import { TestClock } from '../helpers/test-clock'
import { polledJobs } from '../simulator/helpers'
import { ACTION_CASES, OTHER_PATH_CASES, subscriptionsOf } from './actions'
import { sendMany, sendOne, type Outcome } from './outcomes'

/**
 * A tampering proxy between the destination and the simulator: every request reaches the simulator (so a write may
 * really happen), and the answers chosen are replaced by a hostile one. Whatever the answer, every event must end
 * with an honest result: never delivered on an answer that was not Zendesk's, never a crash, no request elsewhere.
 */
type Tamper = (res: ServerResponse, realBody: string) => void

const json = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
  res.end(body)
}

let elsewhere: Server
let elsewhereUrl = ''
const elsewhereHits: string[] = []

const TAMPERS: [string, Tamper][] = [
  [
    'a redirect to another host',
    (res) => {
      res.writeHead(307, { Location: `${elsewhereUrl}/api/v2/stolen` })
      res.end()
    }
  ],
  [
    'an HTML page',
    (res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<html><body><h1>Down for maintenance</h1></body></html>')
    }
  ],
  ['truncated JSON', (res, real) => json(res, 200, real.slice(0, Math.max(1, Math.floor(real.length / 2))))],
  ['JSON of another shape', (res) => json(res, 200, '{"results":{"unexpected":[1,2,3]},"count":"many"}')],
  ['an empty body', (res) => json(res, 200, '')]
]

/** Which answers are replaced: all of them, or only those to writes and job status polls (lookups pass). */
const SCOPES: [string, (method: string, path: string) => boolean][] = [
  ['every answer', () => true],
  ['write answers', (method, path) => method !== 'GET' || path.includes('job_statuses')]
]

interface Proxy {
  url: string
  tamper?: { with: Tamper; applies: (method: string, path: string) => boolean }
  close(): Promise<void>
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function startProxy(target: string): Promise<Proxy> {
  const proxy: Proxy = { url: '', close: async () => undefined }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = []
        answer.on('data', (part) => parts.push(part))
        answer.on('end', () => {
          const body = Buffer.concat(parts).toString('utf8')
          const status = answer.statusCode ?? 500
          const tamper = proxy.tamper
          if (tamper && status >= 200 && status < 300 && tamper.applies(req.method ?? 'GET', req.url ?? '')) {
            tamper.with(res, body)
            return
          }
          res.writeHead(status, answer.headers)
          res.end(body)
        })
      })
      upstream.end(Buffer.concat(chunks))
    })
  })
  proxy.url = await listen(server)
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()))
  return proxy
}

let simulator: RunningSimulator
let proxy: Proxy
let destination: Destination<Settings>

beforeAll(async () => {
  simulator = await startSimulator(polledJobs({ account: 'bulk-import', endpointLimits: false }))
  proxy = await startProxy(simulator.url)
  elsewhere = createServer((req, res) => {
    elsewhereHits.push(`${req.method} ${req.url}`)
    json(res, 201, '{"user":{"id":1}}')
  })
  elsewhereUrl = (await listen(elsewhere)).replace('127.0.0.1', 'localhost')
})
afterAll(async () => {
  await proxy.close()
  await new Promise((resolve) => elsewhere.close(resolve))
  await simulator.close()
})
beforeEach(() => {
  simulator.reset()
  proxy.tamper = undefined
  elsewhereHits.length = 0
  destination = new Destination(
    testDefinition({
      origin: proxy.url,
      jobPolling: { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 300 },
      ...new TestClock(Date.now()).runningOptions
    })
  )
})

const cases = TAMPERS.flatMap(([tamperName, tamper]) =>
  SCOPES.flatMap(([scopeName, applies]) =>
    [...ACTION_CASES, ...OTHER_PATH_CASES].map(
      (action) => [action.key, tamperName, scopeName, tamper, applies, action] as const
    )
  )
)

describe.each(cases)('%s, %s on %s', (_, __, ___, tamper, applies, action) => {
  it('gives each event, alone and in a batch, a retryable result and sends nothing elsewhere', async () => {
    action.seed(simulator)
    proxy.tamper = { with: tamper, applies }
    const subscriptions = subscriptionsOf(action)
    const outcomes: Outcome[] = [
      await sendOne(destination, action.event(0), subscriptions),
      ...(await sendMany(destination, [action.event(1), action.event(2), action.event(3)], subscriptions))
    ]
    expect(outcomes.map((o) => o.kind)).toEqual(['retryable', 'retryable', 'retryable', 'retryable'])
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: expect.any(Number) })
      expect((outcome as { message: string }).message).not.toMatch(/TypeError|undefined|\[object Object\]/)
    }
    expect(elsewhereHits).toEqual([])
  })
})

describe('after the hostile answers stop', () => {
  it.each(
    [...ACTION_CASES, ...OTHER_PATH_CASES]
      .filter((action) => action.idempotent)
      .map((action) => [action.key, action] as const)
  )('%s: a redelivery is delivered once, as Zendesk holds it', async (_, action) => {
    action.seed(simulator)
    proxy.tamper = { with: TAMPERS[3][1], applies: SCOPES[1][1] }
    const subscriptions = subscriptionsOf(action)
    const events = [action.event(1), action.event(2), action.event(3)]
    await sendMany(destination, events, subscriptions)
    proxy.tamper = undefined
    const again = await sendMany(destination, events, subscriptions)
    expect(again.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered'])
    for (const n of [1, 2, 3]) expect(action.held(simulator.state(), n)).toBe(1)
  })
})
