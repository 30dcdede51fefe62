import type { DestinationDefinition } from '@segment/actions-core'
import type { Settings } from '../destinations/zendesk/generated-types'
import type { Deliveries } from './deliveries'
import type { EventRunner } from './run-events'
import type { Target } from './target'

/** One request to the local host, as its routes see it. */
export interface HostRequest {
  method: string
  path: string
  query: URLSearchParams
  /** the parsed JSON body (undefined when empty) */
  body: unknown
}

export interface HostReply {
  status: number
  /** sent as JSON, or as it is when contentType is given (the mapping page's files) */
  body: unknown
  contentType?: string
  headers?: Record<string, string>
  /** lines for the terminal under the request's line: each event's outcome */
  log?: string[]
}

/** What a route can use; a page (e.g. a mapping UI) is added as more routes over the same context. */
export interface HostContext {
  definition: DestinationDefinition<Settings>
  target: Target
  runner: EventRunner
  /** every event accepted on /v1/*, retried in the background until delivered, rejected or out of time */
  deliveries: Deliveries
  /** false once the host is stopping: events are refused with 503 */
  accepting: boolean
  /** how long /v1/* waits for the first attempt before answering 202 */
  answerWithinMs: number
  /** the file the subscriptions come from; undefined while the host runs the presets */
  mappingFile?: string
  /** where the mapping page saves while the host runs the presets (the host then reads that file) */
  newMappingFile: string
  /** the last change to the subscriptions and their file: each change starts once the one before has been written */
  mappingChanges: Promise<unknown>
}

export interface Route {
  method: 'GET' | 'POST'
  path: string
  /** one line for the start-up banner and the 404 answer */
  about: string
  /** served but left out of the route lists (the mapping page's script and style sheet) */
  unlisted?: boolean
  handle(request: HostRequest, context: HostContext): Promise<HostReply> | HostReply
}

export const ok = (body: unknown): HostReply => ({ status: 200, body })
