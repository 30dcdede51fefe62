import nock from 'nock'
import { BASE_URL, resetState } from './support'

export interface SentRequest {
  method: string
  /** Decoded, so tests read `show_many?external_ids=a,b` rather than `%2C`. */
  path: string
  body: any
}

/** Every request the destination made to the nock Zendesk in the current test, in order. */
export const sent: SentRequest[] = []
/** The Authorization header of each request in `sent`, kept apart so snapshots of `sent` never hold it. */
export const authorizations: (string | undefined)[] = []
const unmatched: string[] = []

/** Fresh state before each test; after it, no request nock did not expect and no expected request left unmade. */
export function useNockZendesk(): void {
  beforeAll(() => {
    nock.disableNetConnect()
    nock.emitter.on('no match', (req: any) => unmatched.push(`${req.method} ${req.path}`))
  })
  beforeEach(() => {
    nock.cleanAll()
    resetState()
    sent.length = 0
    authorizations.length = 0
    unmatched.length = 0
  })
  afterEach(() => {
    expect(unmatched).toEqual([])
    expect(nock.pendingMocks()).toEqual([])
  })
  afterAll(() => {
    nock.emitter.removeAllListeners('no match')
    nock.enableNetConnect()
  })
}

/** The nock Zendesk; its requests are recorded in `sent`. */
export function zendesk(): nock.Scope {
  return nock(BASE_URL).on('request', (req: any, _interceptor: unknown, body: string) => {
    sent.push({
      method: req.method,
      path: decodeURIComponent(req.path),
      body: body ? JSON.parse(body) : undefined
    })
    authorizations.push([req.headers.authorization].flat()[0])
  })
}

/** A `job_status` answer as Zendesk sends it. */
export const jobStatus = (id: string, status: string, results: unknown[] | null = null) => ({
  job_status: { id, status, total: results?.length ?? 0, results }
})
