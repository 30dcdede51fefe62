import { startSimulator, type AccountKind, type RunningSimulator, type SimulatorOptions } from '../../src/simulator'

/** The simulator's default credentials (a fake token, never a real one). */
export const BASIC_AUTH = `Basic ${Buffer.from('agent@example.com/token:test-token').toString('base64')}`

export interface ApiResponse {
  status: number
  headers: Headers
  body: any
}

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>
) => Promise<ApiResponse>

/** Calls the simulator; a path without a leading slash is taken below /api/v2/. */
export function client(sim: RunningSimulator): Api {
  return async (method, path, body, headers = { Authorization: BASIC_AUTH }) => {
    const url = `${sim.url}${path.startsWith('/') ? path : `/api/v2/${path}`}`
    const res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    const isJson = res.headers.get('content-type')?.includes('application/json') && text !== ''
    return { status: res.status, headers: res.headers, body: isJson ? JSON.parse(text) : text }
  }
}

/** The types of the system ticket fields a new account ('default', 'bulk-import', 'demo') lists, in order. */
export const SYSTEM_TICKET_FIELD_TYPES = [
  'subject',
  'description',
  'status',
  'custom_status',
  'tickettype',
  'priority',
  'group',
  'assignee',
  'brand'
]

/**
 * The options with jobs that complete on their second status poll, unless the test chose a job timing: tests
 * then wait for no job (the simulator's default is jobs that take 1.5 s per 100 items).
 */
export function polledJobs<T extends SimulatorOptions>(options: T): T {
  const chosen = options.jobPollsToComplete !== undefined || options.jobMsPer100Items !== undefined
  return chosen ? options : { ...options, jobPollsToComplete: 2 }
}

/** Simulator options that name the kind of account (every test says which one it uses). */
export type AccountOptions = SimulatorOptions & { account: AccountKind }

/**
 * One simulator per describe block, of the given kind of account, emptied back to that kind's start before each
 * test.
 */
export function useSimulator(
  account: AccountKind,
  options: Omit<SimulatorOptions, 'account'> = {}
): { sim: RunningSimulator; api: Api } {
  const context = {} as { sim: RunningSimulator; api: Api }
  beforeAll(async () => {
    context.sim = await startSimulator(polledJobs({ ...options, account }))
    context.api = client(context.sim)
  })
  beforeEach(() => context.sim.reset())
  afterAll(() => context.sim.close())
  return context
}
