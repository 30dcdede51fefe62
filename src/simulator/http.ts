import type { IssuedToken } from './oauth/tokens'

/** Parsed JSON bodies are loosely typed; handlers check what they use. */
export type Input = Record<string, any>

export type Query = Record<string, string | string[]>

export interface ApiRequest {
  method: string
  /** path as sent, e.g. /api/v2/users/1.json (used to build pagination links) */
  pathname: string
  params: Record<string, string>
  query: Query
  body: Input
  /** whether the credentials were good (only anonymous routes ever see false) */
  authenticated: boolean
  /** the `Idempotency-Key` header, when sent */
  idempotencyKey?: string
  /** the issued OAuth token the request was authenticated with, if it was */
  oauthToken?: IssuedToken
}

export interface Reply {
  status: number
  body?: unknown
  /** plain-text body (sent as text/plain) instead of JSON */
  text?: string
  /** an HTML page (sent as text/html) instead of JSON */
  html?: string
  headers?: Record<string, string>
}

export type Details = Record<string, { description: string; error?: string }[]>

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers }
}

export class ApiError extends Error {
  constructor(readonly reply: Reply) {
    super(`Zendesk simulator: HTTP ${reply.status}`)
  }
}

export class RecordInvalid extends ApiError {
  /** `withoutDetails`: the body is only {error, description}, as some Zendesk 422s are */
  constructor(
    readonly details: Details,
    options: { withoutDetails?: boolean } = {}
  ) {
    const body = { error: 'RecordInvalid', description: 'Record validation errors' }
    super(json(422, options.withoutDetails ? body : { ...body, details }))
  }

  /** One line of Zendesk's messages, as bulk job results report them. */
  get summary(): string {
    const messages = Object.values(this.details)
      .flat()
      .map((d) => d.description)
    return messages.length > 0 ? messages.join(' ') : 'Record validation errors'
  }
}

export function invalid(field: string, description: string, error?: string): RecordInvalid {
  return new RecordInvalid({ [field]: [error ? { description, error } : { description }] })
}

export function notFound(): ApiError {
  return new ApiError(json(404, { error: 'RecordNotFound', description: 'Not found' }))
}

export function tooManyValues(parameter: string): ApiError {
  return new ApiError(
    json(400, {
      error: 'TooManyValues',
      description: `Parameter ${parameter} cannot specify more than 100 values`,
      max_count: 100
    })
  )
}

/** The wrapped object of a body such as {"user": {...}}; Rails answers 400 when it is missing. */
export function wrapped(body: Input, key: string): Input {
  const value = body[key]
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(
      json(400, { error: 'ParameterMissing', description: `param is missing or the value is empty: ${key}` })
    )
  }
  return value
}

/** A bulk body's array, e.g. {"users": [...]}, at most 100 items. */
export function wrappedList(body: Input, key: string): Input[] {
  const value = body[key]
  if (!Array.isArray(value) || value.length === 0) {
    throw new ApiError(
      json(400, { error: 'ParameterMissing', description: `param is missing or the value is empty: ${key}` })
    )
  }
  if (value.length > 100) throw tooManyValues(key)
  return value.map((item) => (item !== null && typeof item === 'object' ? item : {}))
}

export function queryValue(query: Query, key: string): string | undefined {
  const value = query[key]
  return Array.isArray(value) ? value[0] : value
}

/** A comma-separated list parameter such as ids=1,2,3 (at most 100 values). */
export function queryList(query: Query, key: string): string[] | undefined {
  const value = queryValue(query, key)
  if (value === undefined) return undefined
  const list = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
  if (list.length > 100) throw tooManyValues(key)
  return list
}

/** A numeric route parameter (the router only matches digits for `:name`). */
export function idParam(req: ApiRequest, name = 'id'): number {
  return Number(req.params[name])
}

/** Case-insensitive equality, as Zendesk compares emails, external ids and names. */
export function sameText(a: string | null | undefined, b: string): boolean {
  return a?.toLowerCase() === b.toLowerCase()
}

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || String(value).trim() === ''
}

/** Zendesk accepts tags as an array or a space/comma separated string. */
export function toTags(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : []
  return [...new Set(list.map((t) => String(t).trim()).filter(Boolean))]
}
