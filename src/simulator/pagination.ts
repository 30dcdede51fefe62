import type { Sim } from './context'
import { ApiError, json, queryValue, type ApiRequest } from './http'

const MAX_PAGE = 100

export type PageMode = 'auto' | 'cursor' | 'offset'

/**
 * One page of `items` under `key`. Cursor pagination when the request has page[size]/page[after]/page[before]
 * (or the endpoint only knows cursors); otherwise offset pagination with page/per_page. Links point at this server.
 */
export function paginate<T>(req: ApiRequest, sim: Sim, key: string, items: T[], mode: PageMode = 'auto') {
  const cursorRequested = ['page[size]', 'page[after]', 'page[before]'].some((p) => req.query[p] !== undefined)
  return mode === 'cursor' || (mode === 'auto' && cursorRequested)
    ? cursorPage(req, sim, key, items)
    : offsetPage(req, sim, key, items)
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isInteger(value) || value < 1) throw badPage(`${raw} is not a positive integer`)
  return value
}

function badPage(description: string): ApiError {
  return new ApiError(json(400, { error: 'InvalidPaginationParameter', description }))
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64')
}

function decodeCursor(cursor: string): number {
  try {
    const offset = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')).o
    if (Number.isInteger(offset) && offset >= 0) return offset
  } catch {
    // falls through to the error below
  }
  throw badPage('Invalid cursor')
}

function link(req: ApiRequest, sim: Sim, page: Record<string, string>): string {
  const url = new URL(req.pathname, sim.serverUrl)
  for (const [name, value] of Object.entries(req.query)) {
    if (name === 'page' || name.startsWith('page[') || name === 'per_page') continue
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v)
  }
  for (const [name, value] of Object.entries(page)) url.searchParams.set(name, value)
  return url.toString()
}

function cursorPage<T>(req: ApiRequest, sim: Sim, key: string, items: T[]) {
  const size = Math.min(positiveInt(queryValue(req.query, 'page[size]'), MAX_PAGE), MAX_PAGE)
  const after = queryValue(req.query, 'page[after]')
  const before = queryValue(req.query, 'page[before]')
  const end = before !== undefined ? decodeCursor(before) : undefined
  const start = end !== undefined ? Math.max(0, end - size) : after !== undefined ? decodeCursor(after) : 0
  const page = items.slice(start, end ?? start + size)
  const stop = start + page.length
  const hasMore = stop < items.length
  const hasPrevious = start > 0
  return {
    [key]: page,
    meta: {
      has_more: hasMore,
      after_cursor: page.length > 0 ? encodeCursor(stop) : null,
      before_cursor: page.length > 0 ? encodeCursor(start) : null
    },
    links: {
      next: hasMore ? link(req, sim, { 'page[after]': encodeCursor(stop), 'page[size]': String(size) }) : null,
      prev: hasPrevious ? link(req, sim, { 'page[before]': encodeCursor(start), 'page[size]': String(size) }) : null
    }
  }
}

function offsetPage<T>(req: ApiRequest, sim: Sim, key: string, items: T[]) {
  const perPage = Math.min(positiveInt(queryValue(req.query, 'per_page'), MAX_PAGE), MAX_PAGE)
  const page = positiveInt(queryValue(req.query, 'page'), 1)
  const start = (page - 1) * perPage
  const pageLink = (n: number) =>
    link(req, sim, { page: String(n), ...(req.query.per_page ? { per_page: String(perPage) } : {}) })
  return {
    [key]: items.slice(start, start + perPage),
    next_page: start + perPage < items.length ? pageLink(page + 1) : null,
    previous_page: page > 1 ? pageLink(page - 1) : null,
    count: items.length
  }
}
