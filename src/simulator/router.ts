import type { Sim } from './context'
import type { ApiRequest, Reply } from './http'

export type Handler = (req: ApiRequest, sim: Sim) => Reply

export interface Route {
  method: string
  segments: string[]
  handler: Handler
  /** answers without valid credentials too (the handler sees req.authenticated) */
  anonymous?: boolean
}

/** A route below /api/v2, e.g. route('GET', 'users/:id', handler): `:name` matches digits only, `*name` any segment. */
export function route(method: string, pattern: string, handler: Handler, anonymous = false): Route {
  return { method, segments: pattern.split('/'), handler, anonymous }
}

export type RouteMatch = { route: Route; params: Record<string, string> }

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, segment] of route.segments.entries()) {
    if (segment.startsWith(':') && /^\d+$/.test(parts[i])) params[segment.slice(1)] = parts[i]
    else if (segment.startsWith('*') && parts[i] !== '') params[segment.slice(1)] = decodeURIComponent(parts[i])
    else if (segment !== parts[i]) return undefined
  }
  return params
}

export function matchRoute(routes: Route[], method: string, path: string): RouteMatch | undefined {
  const parts = path.split('/')
  for (const route of routes) {
    const params = route.method === method ? matchSegments(route, parts) : undefined
    if (params) return { route, params }
  }
  return undefined
}
