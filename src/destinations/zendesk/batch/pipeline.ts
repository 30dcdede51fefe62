import type { ActionDefinition, Logger, RequestClient } from '@segment/actions-core'
import { ZendeskClient } from '../client'
import type { Settings } from '../generated-types'
import type { Instance } from '../settings/options'
import { performOne, type BatchResults } from './results'

/** What a pipeline gets besides the client and the payloads. */
export interface PipelineContext {
  settings: Settings
  logger?: Logger
}

/**
 * An action written once, for a batch: validate every payload, resolve references in bulk, write, and settle
 * every event exactly once.
 */
export type BatchPipeline<P extends object> = (
  client: ZendeskClient,
  payloads: P[],
  context: PipelineContext
) => Promise<BatchResults<P>>

/**
 * `perform` and `performBatch` of an action, both running its one pipeline: `perform` runs it on `[payload]`
 * and answers that event's result or throws its error, `performBatch` answers one result per event.
 */
export function runsPipeline<P extends object>(
  instance: Instance,
  pipeline: BatchPipeline<P>
): Pick<ActionDefinition<Settings, P>, 'perform' | 'performBatch'> {
  const run = (request: RequestClient, payloads: P[], settings: Settings, logger?: Logger) =>
    pipeline(new ZendeskClient(request, settings, instance), payloads, { settings, logger })
  return {
    perform: (request, { payload, settings, logger }) =>
      performOne(payload, (payloads) => run(request, payloads, settings, logger)),
    performBatch: async (request, { payload, settings, logger }) =>
      (await run(request, payload, settings, logger)).toMultiStatus()
  }
}
