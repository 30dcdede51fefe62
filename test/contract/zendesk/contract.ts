import type { RunningSimulator } from '../../../src/simulator'
import type { AccountOptions } from '../../simulator/helpers'
import type { Shape } from '../shape'

/**
 * Where a fact comes from: an answer recorded from a real account, Zendesk's API reference, Zendesk's announcements
 * of changes (support articles, newer than the API reference we ship), or our own guess.
 */
export type Source = 'recorded' | 'documented' | 'announced' | 'assumed'

export type Vars = Record<string, string | number>

export interface Given {
  sim: RunningSimulator
  /** an authenticated request below /api/v2 */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
  /** submits a bulk request and polls its job `polls` times; returns the job id */
  job(method: string, path: string, body: unknown, polls?: number): Promise<string>
}

export interface ContractRequest {
  method: string
  /** below /api/v2, or from the root when it starts with '/' (e.g. /oauth/tokens) */
  path: string
  body?: unknown
  /** sent form-encoded instead of JSON */
  form?: boolean
  /** default the simulator's API token (Basic); null: no Authorization header. `{name}` is filled in */
  authorization?: string | null
  idempotencyKey?: string
}

/** One answer Zendesk gives on a route the destination calls, and what it must look like. */
export interface Contract {
  /** method and route as the destination calls it, ids written `:id` */
  route: string
  /** which of the route's answers this is */
  answer: string
  source: Source
  /** the account to answer from; default CONTRACT_ACCOUNT ({ account: 'bulk-import' }, Zendesk's limits) */
  simulator?: AccountOptions
  /** state to create first; the names it returns fill `{name}` in the request */
  given?: (g: Given) => Promise<Vars | void>
  request: ContractRequest
  status: number
  /** default 'json' */
  content?: 'json' | 'text' | 'none'
  body?: Shape
  /** headers beyond the rate-limit ones every answer carries */
  headers?: Record<string, RegExp>
}

/** Recorded on every /api/v2 answer of a real account (2023): the account-wide rate limit, in two spellings. */
export const EVERY_ANSWER_HEADERS: Record<string, RegExp> = {
  'x-rate-limit': /^\d+$/,
  'x-rate-limit-remaining': /^\d+$/,
  'rate-limit': /^\d+$/,
  'rate-limit-remaining': /^\d+$/,
  'rate-limit-reset': /^\d+$/
}

export const CONTENT_TYPES = {
  json: /^application\/json; charset=utf-8$/i,
  text: /^text\/plain; charset=utf-8$/i
}

/** An endpoint-limit header: `total=N; remaining=N; resets=N`. */
export const ENDPOINT_LIMIT = /^total=\d+; remaining=\d+; resets=\d+$/
export const RETRY_AFTER = /^\d+$/
