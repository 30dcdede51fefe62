import { APIError, PayloadValidationError, type RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { zendeskOrigin } from '../settings/origin'
import { toZendeskError, type RecordDescription } from './errors'
import { quote } from '../fields/quote'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
type SearchParams = Record<string, string | number | boolean>

export interface ZendeskResponse<T> {
  status: number
  body: T
  headers: { get(name: string): string | null }
}

interface CursorPage {
  meta?: { has_more?: boolean }
  links?: { next?: string | null }
}

const PAGE_SIZE = 100
const MAX_PAGES = 200

/**
 * The only way the destination talks to Zendesk: builds URLs on https://<subdomain>.zendesk.com/api/v2,
 * follows cursor pagination and maps every failure to an actions-core error with a status.
 */
export class ZendeskHttp {
  readonly origin: string

  constructor(
    private readonly request: RequestClient,
    settings: Pick<Settings, 'subdomain'>
  ) {
    this.origin = zendeskOrigin(settings.subdomain)
  }

  async send<T>(
    method: Method,
    path: string,
    about: RecordDescription,
    options: { json?: unknown; searchParams?: SearchParams } = {}
  ): Promise<ZendeskResponse<T>> {
    return this.sendTo<T>(method, `${this.origin}/api/v2/${path}`, about, options)
  }

  get<T>(path: string, about: RecordDescription, searchParams?: SearchParams): Promise<ZendeskResponse<T>> {
    return this.send<T>('GET', path, about, { searchParams })
  }

  post<T>(path: string, about: RecordDescription, json: unknown): Promise<ZendeskResponse<T>> {
    return this.send<T>('POST', path, about, { json })
  }

  put<T>(path: string, about: RecordDescription, json: unknown): Promise<ZendeskResponse<T>> {
    return this.send<T>('PUT', path, about, { json })
  }

  delete<T>(path: string, about: RecordDescription): Promise<ZendeskResponse<T>> {
    return this.send<T>('DELETE', path, about)
  }

  /** Every item of a cursor-paginated list: `page[size]=100`, following `links.next` while `meta.has_more`. */
  async listAll<T>(path: string, key: string, about: RecordDescription, searchParams: SearchParams = {}): Promise<T[]> {
    const items: T[] = []
    let url = `${this.origin}/api/v2/${path}`
    let params: SearchParams | undefined = { ...searchParams, 'page[size]': PAGE_SIZE }
    for (let page = 0; page < MAX_PAGES; page++) {
      const { body } = await this.sendTo<CursorPage & Record<string, unknown>>('GET', url, about, {
        searchParams: params
      })
      const pageItems = body[key]
      if (Array.isArray(pageItems)) items.push(...(pageItems as T[]))
      const next = body.links?.next
      if (!body.meta?.has_more || !next) return items
      url = this.sameOriginUrl(next)
      params = undefined
    }
    return items
  }

  /**
   * One page of a cursor-paginated list, for callers that hand pages out one at a time (a mapping UI's choices):
   * the first page (`page[size]=100` plus `params`, whose array values repeat the parameter), or the page at
   * `pageUrl`, a `next` link this method returned before. `next` is set only while Zendesk says there is more.
   */
  async listPage<T>(
    path: string,
    key: string,
    about: RecordDescription,
    options: { params?: Record<string, string | string[]>; pageUrl?: string } = {}
  ): Promise<{ items: T[]; next?: string }> {
    const first = new URL(`${this.origin}/api/v2/${path}`)
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
    const { body } = await this.sendTo<CursorPage & Record<string, unknown>>('GET', url, about, {})
    const pageItems = body[key]
    const items = Array.isArray(pageItems) ? (pageItems as T[]) : []
    const next = body.links?.next
    return body.meta?.has_more && next ? { items, next } : { items }
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

  private async sendTo<T>(
    method: Method,
    url: string,
    about: RecordDescription,
    options: { json?: unknown; searchParams?: SearchParams }
  ): Promise<ZendeskResponse<T>> {
    try {
      const response = await this.request(url, {
        method,
        json: options.json,
        searchParams: options.searchParams,
        throwHttpErrors: true,
        // actions-core otherwise reads a clone of the body, which never ends once the body passes the stream's
        // buffer (about 64 KB, e.g. show_many of 100 users): the request would hang.
        skipResponseCloning: true
      })
      const data = (response as unknown as { data?: unknown }).data
      return { status: response.status, body: (data ?? {}) as T, headers: response.headers }
    } catch (error) {
      throw toZendeskError(error, about)
    }
  }
}

/** A numeric Zendesk id for a URL path; anything else (`/`, `..`, `?`, text) is rejected, naming the field. */
export function idSegment(value: unknown, field: string): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!/^[1-9]\d{0,19}$/.test(text)) {
    throw new PayloadValidationError(`${field} must be a numeric Zendesk id, got ${quote(value)}`)
  }
  return text
}
