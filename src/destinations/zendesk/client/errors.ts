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
  data?: unknown
  content?: string
}

/** What the request was about, e.g. `user 123` or `organization with external_id "acme"`, for 404 messages. */
export type RecordDescription = string

const MAX_DETAIL_LENGTH = 500

export function retryAfterSeconds(headers: ResponseLike['headers']): number | undefined {
  const value = headers.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

function bodyOf(response: ResponseLike): unknown {
  if (response.data !== undefined && typeof response.data === 'object') return response.data
  const text = response.content ?? (typeof response.data === 'string' ? response.data : '')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Zendesk's validation messages: `details.<field>[].description`, falling back to `description` / `error`. */
export function zendeskMessages(body: unknown): string[] {
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
  const status = response.status
  const messages = zendeskMessages(bodyOf(response))
  const said = messages.length ? `: ${messages.join('; ')}` : ''
  if (status === 429 || status === 503) {
    const wait = retryAfterSeconds(response.headers)
    const reason = status === 429 ? 'rate limit reached' : 'is unavailable'
    const hint = wait !== undefined ? ` Retry after ${wait} s.` : ''
    return new ZendeskRetryableError(`Zendesk ${reason} (${status}) for ${about}${said}.${hint}`, status, wait)
  }
  if (status >= 500) {
    return new ZendeskRetryableError(`Zendesk server error (${status}) for ${about}${said}`, status)
  }
  if (status === 401) {
    return new InvalidAuthenticationError(
      `Zendesk rejected the credentials (401)${said}. Check Email and API Token, or OAuth Token.`
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

/** Maps anything a request can throw (HTTPError, timeout, network failure) to an error that carries `status`. */
export function toZendeskError(error: unknown, about: RecordDescription): Error {
  const err = error as any
  if (err?.response && typeof err.response.status === 'number') {
    return withoutCredentials(errorFromResponse(err.response, about), credentialsOf(err.request))
  }
  if (err instanceof IntegrationError || err instanceof RetryableError || err instanceof InvalidAuthenticationError) {
    return err
  }
  if (err?.name === 'RequestTimeoutError' || err?.name === 'TimeoutError' || err?.code === 'ETIMEDOUT') {
    return new ZendeskRetryableError(`Zendesk did not answer in time for ${about}`, 504)
  }
  const code = typeof err?.code === 'string' ? ` (${err.code})` : ''
  return new ZendeskRetryableError(`Network error talking to Zendesk for ${about}${code}`, 502)
}

/** The secrets a failed request carried in its Authorization header: the Basic or Bearer value, and the API token. */
function credentialsOf(request: unknown): string[] {
  const header = (request as { headers?: { get?(name: string): string | null } })?.headers?.get?.('authorization')
  const value = header?.replace(/^(Basic|Bearer)\s+/i, '').trim()
  if (!header || !value) return []
  const apiToken = /^Basic\s/i.test(header) ? Buffer.from(value, 'base64').toString('utf8').split('/token:')[1] : ''
  return [value, apiToken].filter((secret) => secret && secret.length >= 4)
}

/** Zendesk's own words go into messages; an answer that echoes the credentials must not carry them further. */
function withoutCredentials(error: Error, secrets: string[]): Error {
  for (const secret of secrets) error.message = error.message.split(secret).join('[redacted]')
  return error
}
