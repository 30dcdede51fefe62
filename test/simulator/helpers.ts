import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator'

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

/** One simulator per test file, emptied before each test. */
export function useSimulator(options?: SimulatorOptions): { sim: RunningSimulator; api: Api } {
  const context = {} as { sim: RunningSimulator; api: Api }
  beforeAll(async () => {
    context.sim = await startSimulator(options)
    context.api = client(context.sim)
  })
  beforeEach(() => context.sim.reset())
  afterAll(() => context.sim.close())
  return context
}
