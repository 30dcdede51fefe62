import {
  APIError,
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'

/** A RetryableError that remembers how long Zendesk asked us to wait. */
export class ZendeskRetryableError extends RetryableError {
  constructor(
    message: string,
    status: number,
    readonly retryAfterSeconds?: number
  ) {
    super(message)
    // RetryableError's type only lists 408/429/5xx, but a retried 409 must still say it was a 409.
    this.status = status as RetryableError['status']
  }
}

interface ResponseLike {
  status: number
  headers: { get(name: string): string | null }
  content?: string
}

/** One of Zendesk's `details` entries for a field, e.g. `{ error: 'DuplicateValue', description: 'Email: … is already being used' }`. */
export interface FieldProblem {
  error?: string
  description?: string
}

/**
 * Zendesk's refusal as it sent it: the status, its error code (`RecordInvalid`, `RecordNotFound`, `TooManyJobs`…),
 * and the problems per field. Kept on the error so code that decides reads structure, never a message.
 */
export interface ZendeskRefusal {
  status: number
  error?: string
  description?: string
  fields: Record<string, FieldProblem[]>
}

/** The refusal an error carries, when Zendesk answered with one. */
export function refusalOf(error: unknown): ZendeskRefusal | undefined {
  return (error as { zendesk?: ZendeskRefusal } | undefined)?.zendesk
}

/** Whether Zendesk refused `field` with this error code, e.g. `fieldRefused(error, 'email', 'DuplicateValue')`. */
export function fieldRefused(error: unknown, field: string, code?: string): boolean {
  const problems = refusalOf(error)?.fields[field] ?? []
  return problems.length > 0 && (code === undefined || problems.some((problem) => problem.error === code))
}

/** What the request was about, e.g. `user 123` or `organization with external_id "acme"`, for 404 messages. */
export type RecordDescription = string

const MAX_DETAIL_LENGTH = 500

/**
 * The wait a 429 gets when Zendesk sends no `Retry-After` (an Events API quota answer may not): Zendesk's request
 * limits are counted per minute, so a minute is enough for any of them to start again, and never zero.
 */
export const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 60

export function retryAfterSeconds(headers: ResponseLike['headers']): number | undefined {
  const value = headers.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

function bodyOf(response: ResponseLike): unknown {
  const text = response.content ?? ''
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, MAX_DETAIL_LENGTH) : undefined

/** The structured part of an error body: `{ error, description, details: { field: [{ error, description }] } }`. */
function refusalFrom(status: number, body: unknown): ZendeskRefusal {
  const refusal: ZendeskRefusal = { status, fields: {} }
  if (!body || typeof body !== 'object') return refusal
  const record = body as Record<string, unknown>
  const error = record.error
  refusal.error = asText(error) ?? asText((error as { title?: unknown } | null)?.title)
  refusal.description = asText(record.description) ?? asText((error as { message?: unknown } | null)?.message)
  const details = record.details
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    for (const [field, problems] of Object.entries(details as Record<string, unknown>)) {
      refusal.fields[field] = (Array.isArray(problems) ? problems : [problems]).map((problem) =>
        typeof problem === 'string'
          ? { description: asText(problem) }
          : {
              error: asText((problem as FieldProblem)?.error),
              description: asText((problem as FieldProblem)?.description)
            }
      )
    }
  }
  return refusal
}

export function withRefusal(error: Error, refusal: ZendeskRefusal): Error {
  Object.defineProperty(error, 'zendesk', { value: refusal, enumerable: false, configurable: true })
  return error
}

/** Zendesk's validation messages: `details.<field>[].description`, falling back to `description` / `error`. */
function zendeskMessages(body: unknown): string[] {
  if (typeof body === 'string') return body.trim() ? [body.trim().slice(0, MAX_DETAIL_LENGTH)] : []
  if (!body || typeof body !== 'object') return []
  const record = body as Record<string, any>
  const messages: string[] = []
  if (record.details && typeof record.details === 'object') {
    for (const [field, problems] of Object.entries(record.details as Record<string, unknown>)) {
      for (const problem of Array.isArray(problems) ? problems : [problems]) {
        const text = typeof problem === 'string' ? problem : (problem as any)?.description
        if (text) messages.push(String(text))
        else if ((problem as any)?.error) messages.push(`${field}: ${(problem as any).error}`)
      }
    }
  }
  if (Array.isArray(record.errors)) {
    for (const error of record.errors) if (error?.title) messages.push(String(error.title))
  }
  if (messages.length === 0) {
    const error = record.error
    if (error && typeof error === 'object') {
      if (error.message) messages.push(String(error.message))
      else if (error.title) messages.push(String(error.title))
    }
    if (record.description) messages.push(String(record.description))
    if (record.error_description) messages.push(String(record.error_description))
    if (messages.length === 0 && typeof error === 'string') messages.push(error)
  }
  return messages.map((m) => m.slice(0, MAX_DETAIL_LENGTH))
}

/** Turns a Zendesk HTTP answer into the actions-core error of the error table, always carrying `status`. */
export function errorFromResponse(response: ResponseLike, about: RecordDescription): Error {
  const body = bodyOf(response)
  return withRefusal(errorForStatus(response, about, zendeskMessages(body)), refusalFrom(response.status, body))
}

function errorForStatus(response: ResponseLike, about: RecordDescription, messages: string[]): Error {
  const status = response.status
  const said = messages.length ? `: ${messages.join('; ')}` : ''
  if (status === 429 || status === 503) {
    const asked = retryAfterSeconds(response.headers)
    const wait = asked ?? (status === 429 ? DEFAULT_RATE_LIMIT_WAIT_SECONDS : undefined)
    const reason = status === 429 ? 'rate limit reached' : 'is unavailable'
    const unasked =
      asked === undefined && wait !== undefined ? ' Zendesk sent no Retry-After, so the default wait applies.' : ''
    const hint = wait !== undefined ? `${unasked} Retry after ${wait} s.` : ''
    return new ZendeskRetryableError(`Zendesk ${reason} (${status}) for ${about}${said}.${hint}`, status, wait)
  }
  if (status >= 500) {
    return new ZendeskRetryableError(`Zendesk server error (${status}) for ${about}${said}`, status)
  }
  if (status === 401) {
    return new InvalidAuthenticationError(
      `Zendesk rejected the credentials (401)${said.replace(/\.$/, '')}. Reconnect the Zendesk account, or check the legacy Email and API Token, or OAuth Token.`
    )
  }
  if (status === 403) {
    return new APIError(
      `Zendesk denied access (403) to ${about}${said || ': the agent lacks the permission or plan feature'}`,
      403
    )
  }
  if (status === 404) return new APIError(`Zendesk has no ${about} (404)${said}`, 404)
  if (status === 409) return new ZendeskRetryableError(`Zendesk reported a conflict (409) on ${about}${said}`, 409)
  if (status === 422 || status === 400) {
    return new PayloadValidationError(`Zendesk rejected ${about}${said || ` (${status})`}`)
  }
  return new APIError(`Zendesk answered ${status} for ${about}${said}`, status)
}

/** Maps what a request threw (a timeout, a network failure) to a retryable error; its own message is never repeated. */
export function requestFailure(error: unknown, about: RecordDescription): Error {
  const err = error as { name?: unknown; code?: unknown } | undefined
  if (err instanceof IntegrationError || err instanceof RetryableError || err instanceof InvalidAuthenticationError) {
    return err
  }
  if (err?.name === 'RequestTimeoutError' || err?.name === 'TimeoutError' || err?.code === 'ETIMEDOUT') {
    return new ZendeskRetryableError(`Zendesk did not answer in time for ${about}`, 504)
  }
  const code = typeof err?.code === 'string' && /^[A-Z_]{2,40}$/.test(err.code) ? ` (${err.code})` : ''
  return new ZendeskRetryableError(`Network error talking to Zendesk for ${about}${code}`, 502)
}

/** A 3xx: the redirect is not followed, so nothing is sent to where it points. */
export function redirectRefused(status: number, location: string | null, about: RecordDescription): Error {
  let target = 'no address'
  try {
    if (location) target = `host ${new URL(location).host || 'unknown'}`
  } catch {
    target = 'an address that is not a URL'
  }
  return new ZendeskRetryableError(
    `Zendesk answered ${status} (a redirect to ${target}) for ${about}; redirects are never followed, so nothing was sent there`,
    502
  )
}

const SHOWN_ANSWER_LENGTH = 120

/** A 2xx whose body is not JSON, or not of the shape the code reads: retryable, never success. */
export function unexpectedAnswer(about: RecordDescription, status: number, problem: string, content: string): Error {
  const shown =
    content.trim() === ''
      ? 'an empty body'
      : JSON.stringify(content.slice(0, SHOWN_ANSWER_LENGTH)) + (content.length > SHOWN_ANSWER_LENGTH ? '…' : '')
  return new ZendeskRetryableError(
    `Zendesk's ${status} answer for ${about} is not what Zendesk sends (${problem}); got ${shown}. It will be retried`,
    502
  )
}

/** Zendesk's own words go into messages; an answer that echoes the credentials must not carry them further. */
export function withoutCredentials<E extends Error>(error: E, secrets: readonly string[]): E {
  for (const secret of secrets) error.message = error.message.split(secret).join('[redacted]')
  return error
}

/** The HTTP-like status an error stands for; errors without one are treated as server errors. */
export function statusOf(error: unknown): number {
  const status = (error as { status?: unknown })?.status
  return typeof status === 'number' ? status : 500
}
