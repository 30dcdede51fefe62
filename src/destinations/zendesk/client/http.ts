import { APIError, PayloadValidationError, RequestTimeoutError, type RequestClient } from '@segment/actions-core'
import { z } from 'zod'
import {
  errorFromResponse,
  redirectRefused,
  requestFailure,
  retryAfterSeconds,
  unexpectedAnswer,
  withoutCredentials,
  type RecordDescription
} from './errors'
import { cursorPageSchema } from './schemas'
import { quote } from './quote'
import { rateLimitReport } from './rate-limit-report'
import { UNCOUNTED_REQUESTS, type RequestBudget } from './request-budget'
import { isZendeskId } from './ids'
import type { Timers } from './time'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
type SearchParams = Record<string, string | number | boolean>

export interface ZendeskResponse<T> {
  status: number
  body: T
  headers: { get(name: string): string | null }
}

interface RawResponse {
  status: number
  headers: { get(name: string): string | null }
  content?: string
}

/** How long a request waits for Zendesk's answer, on which timers, before it is given up. */
export interface RequestTimeout {
  ms: number
  timers: Timers
}

const PAGE_SIZE = 100
const MAX_PAGES = 200

/**
 * The only place that calls actions-core's `request`. It builds URLs on the account's origin, never follows a
 * redirect, maps every failure to an actions-core error with a status, and parses every answer against the
 * schema of what the caller reads: a 2xx that is not JSON, or not of that shape, is a retryable error. It sets
 * each request's Authorization itself, so a request to the token endpoint carries none. Each request is spent
 * from the account's request budget before it is sent, and each answer tells the budget what Zendesk reports.
 */
export class ZendeskHttp {
  constructor(
    private readonly request: RequestClient,
    readonly origin: string,
    private readonly secrets: readonly string[],
    /** The Authorization header of each request, asked anew every time (a rotated token takes over at once). */
    private readonly authorization: () => string | undefined = () => undefined,
    private readonly timeout?: RequestTimeout,
    /** The account's request budget: each request is spent from it before it is sent. */
    private readonly budget: RequestBudget = UNCOUNTED_REQUESTS
  ) {}

  get<S extends z.ZodTypeAny>(
    path: string,
    about: RecordDescription,
    schema: S,
    searchParams?: SearchParams
  ): Promise<ZendeskResponse<z.infer<S>>> {
    return this.send('GET', this.url(path), about, schema, { searchParams })
  }

  /** `headers` are added to this request only (e.g. an `Idempotency-Key`). */
  post<S extends z.ZodTypeAny>(
    path: string,
    about: RecordDescription,
    schema: S,
    json: unknown,
    headers?: Record<string, string>
  ): Promise<ZendeskResponse<z.infer<S>>> {
    return this.send('POST', this.url(path), about, schema, { json, headers })
  }

  put<S extends z.ZodTypeAny>(
    path: string,
    about: RecordDescription,
    schema: S,
    json: unknown
  ): Promise<ZendeskResponse<z.infer<S>>> {
    return this.send('PUT', this.url(path), about, schema, { json })
  }

  /** A PATCH, with `searchParams` where the record is named in the query (a custom object record's external_id). */
  patch<S extends z.ZodTypeAny>(
    path: string,
    about: RecordDescription,
    schema: S,
    json: unknown,
    searchParams?: SearchParams
  ): Promise<ZendeskResponse<z.infer<S>>> {
    return this.send('PATCH', this.url(path), about, schema, { json, searchParams })
  }

  /**
   * A DELETE: answered 204 No Content, or, where Zendesk sends the deleted record, with a body that `answer`
   * checks. Any other answer, even an empty 200, is not Zendesk's. `searchParams` name the record where the path
   * does not (a custom object record's external_id).
   */
  async delete(
    path: string,
    about: RecordDescription,
    answer?: z.ZodTypeAny,
    searchParams?: SearchParams
  ): Promise<void> {
    await this.send('DELETE', this.url(path), about, answer, { noContentAllowed: true, searchParams })
  }

  /** A DELETE whose answer is read: the job of a bulk delete naming its records in the query. */
  deleteAnswered<S extends z.ZodTypeAny>(
    path: string,
    about: RecordDescription,
    schema: S,
    searchParams: SearchParams
  ): Promise<ZendeskResponse<z.infer<S>>> {
    return this.send('DELETE', this.url(path), about, schema, { searchParams })
  }

  /**
   * The items of a cursor-paginated list: `page[size]=100`, following `links.next` while `meta.has_more`, for at
   * most `maxPages` pages.
   */
  async listAll<S extends z.ZodTypeAny>(
    path: string,
    key: string,
    about: RecordDescription,
    item: S,
    searchParams: SearchParams = {},
    maxPages = MAX_PAGES
  ): Promise<z.infer<S>[]> {
    const items: z.infer<S>[] = []
    let url = this.url(path)
    let params: SearchParams | undefined = { ...searchParams, 'page[size]': PAGE_SIZE }
    for (let page = 0; page < maxPages; page++) {
      const { body } = await this.send('GET', url, about, pageOf(key, item), { searchParams: params })
      items.push(...body.items)
      if (!body.next) return items
      url = this.sameOriginUrl(body.next)
      params = undefined
    }
    return items
  }

  /**
   * One page of a cursor-paginated list, for callers that hand pages out one at a time (a mapping UI's choices):
   * the first page (`page[size]=100` plus `params`, whose array values repeat the parameter), or the page at
   * `pageUrl`, a `next` link this method returned before. `next` is set only while Zendesk says there is more.
   */
  async listPage<S extends z.ZodTypeAny>(
    path: string,
    key: string,
    about: RecordDescription,
    item: S,
    options: { params?: Record<string, string | string[]>; pageUrl?: string } = {}
  ): Promise<{ items: z.infer<S>[]; next?: string }> {
    const first = new URL(this.url(path))
    let url: string
    if (options.pageUrl) {
      // A page comes back from the caller: it must continue this list, not reach another host or endpoint.
      const page = new URL(options.pageUrl, this.origin)
      if (!this.isSameOrigin(page) || ![first.pathname, `${first.pathname}.json`].includes(page.pathname)) {
        throw new APIError(`The page to continue from is not a page of ${about} on this Zendesk account`, 400)
      }
      url = page.toString()
    } else {
      for (const [name, value] of Object.entries(options.params ?? {})) {
        for (const one of [value].flat()) first.searchParams.append(name, one)
      }
      first.searchParams.set('page[size]', String(PAGE_SIZE))
      url = first.toString()
    }
    const { body } = await this.send('GET', url, about, pageOf(key, item), {})
    return body.next ? { items: body.items, next: body.next } : { items: body.items }
  }

  /** A path is under the account's `/api/v2/`, unless it starts with `/`: then it is from the root (OAuth's). */
  private url(path: string): string {
    return path.startsWith('/') ? `${this.origin}${path}` : `${this.origin}/api/v2/${path}`
  }

  private isSameOrigin(url: URL): boolean {
    return url.origin === new URL(this.origin).origin
  }

  private sameOriginUrl(link: string): string {
    const url = new URL(link, this.origin)
    // Pagination links come from the response; never let one send the credentials to another host.
    if (!this.isSameOrigin(url)) {
      throw new APIError(`Zendesk returned a pagination link to another host (${url.host})`, 502)
    }
    return url.toString()
  }

  /**
   * The answer, unless the request timeout (if one is set) runs out first: then a timeout. The request is given up
   * on, not aborted (actions-core merges a per-request abort signal into a plain object), so it ends by the request
   * client's own timeout.
   */
  private async withinTimeout(answer: Promise<RawResponse>): Promise<RawResponse> {
    if (!this.timeout) return answer
    const { ms, timers } = this.timeout
    // An answer given up on may still fail later, when nobody waits for it.
    answer.catch(() => undefined)
    let cancel!: () => void
    const timedOut = new Promise<never>((_, reject) => {
      cancel = timers.after(ms, () => reject(new RequestTimeoutError()))
    })
    try {
      return await Promise.race([answer, timedOut])
    } finally {
      cancel()
    }
  }

  private async send<S extends z.ZodTypeAny>(
    method: Method,
    url: string,
    about: RecordDescription,
    schema: S | undefined,
    options: {
      json?: unknown
      searchParams?: SearchParams
      headers?: Record<string, string>
      noContentAllowed?: boolean
    }
  ): Promise<ZendeskResponse<z.infer<S>>> {
    let response: RawResponse
    const authorization = this.authorization()
    const requestHeaders = { ...(authorization && { Authorization: authorization }), ...options.headers }
    await this.budget.spend(this.origin, about)
    try {
      response = await this.withinTimeout(
        this.request(url, {
          method,
          headers: requestHeaders,
          json: options.json,
          searchParams: options.searchParams,
          redirect: 'manual',
          throwHttpErrors: false,
          // actions-core otherwise reads a clone of the body, which never ends once the body passes the stream's
          // buffer (about 64 KB, e.g. show_many of 100 users): the request would hang.
          skipResponseCloning: true
        }) as Promise<unknown> as Promise<RawResponse>
      )
    } catch (error) {
      await this.budget.answered(this.origin, {})
      throw requestFailure(error, about)
    }
    const { status, headers } = response
    const waitAsked = status === 429 ? retryAfterSeconds(headers) : undefined
    await this.budget.answered(this.origin, rateLimitReport(headers), waitAsked)
    const content = response.content ?? ''
    // Only a failure is redacted: the credential it was sent with joins the secrets then, not on every answer.
    const redacted = (error: Error) =>
      withoutCredentials(error, authorization ? [...this.secrets, authorization.replace(/^\w+ /, '')] : this.secrets)
    if (status >= 300 && status < 400) throw redirectRefused(status, headers.get('location'), about)
    if (status < 200 || status >= 300) throw redacted(errorFromResponse(response, about))
    if (status === 204 && options.noContentAllowed && content.trim() === '') return { status, headers, body: undefined }
    if (schema === undefined) throw redacted(unexpectedAnswer(about, status, 'Zendesk answers 204 No Content', content))
    const parsed = parseAnswer(schema, content)
    if (!parsed.ok) throw redacted(unexpectedAnswer(about, status, parsed.problem, content))
    return { status, headers, body: parsed.value }
  }
}

function parseAnswer<S extends z.ZodTypeAny>(
  schema: S,
  content: string
): { ok: true; value: z.infer<S> } | { ok: false; problem: string } {
  let json: unknown
  try {
    json = JSON.parse(content)
  } catch {
    return { ok: false, problem: 'not JSON' }
  }
  const result = schema.safeParse(json)
  if (result.success) return { ok: true, value: result.data }
  const issue = result.error.issues[0]
  const where = issue.path.length ? issue.path.join('.') : 'the body'
  return { ok: false, problem: `${where}: ${issue.message}` }
}

/** A list page's items under `key` and its next link, if Zendesk says there is more. */
function pageOf<S extends z.ZodTypeAny>(key: string, item: S) {
  return cursorPageSchema.extend({ [key]: z.array(item) }).transform((page) => {
    const { meta, links } = page as z.infer<typeof cursorPageSchema>
    return {
      items: (page as Record<string, unknown>)[key] as z.infer<S>[],
      next: meta?.has_more && links?.next ? links.next : undefined
    }
  })
}

/** A numeric Zendesk id for a URL path; anything else (`/`, `..`, `?`, text) is rejected, naming the field. */
export function idSegment(value: unknown, field: string): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!isZendeskId(text)) {
    throw new PayloadValidationError(`${field} must be a numeric Zendesk id, got ${quote(value)}`)
  }
  return text
}
