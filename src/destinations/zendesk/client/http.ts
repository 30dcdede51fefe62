import { APIError, PayloadValidationError, type RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { zendeskOrigin } from '../zendesk-url'
import { toZendeskError, type RecordDescription } from './errors'

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

  private sameOriginUrl(link: string): string {
    const url = new URL(link, this.origin)
    // Pagination links come from the response; never let one send the credentials to another host.
    if (url.origin !== new URL(this.origin).origin) {
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
        throwHttpErrors: true
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
    throw new PayloadValidationError(`${field} must be a numeric Zendesk id, got ${JSON.stringify(value)}`)
  }
  return text
}
