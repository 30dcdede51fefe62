import type { ActionDefinition, ExecuteInput, Logger, RequestClient } from '@segment/actions-core'
import { ZendeskClient } from '../client'
import type { Settings } from '../generated-types'
import type { Instance } from '../instance'
import type { ConnectionTokens } from '../settings/settings'
import { performOne, type BatchResults } from './results'

/** What a pipeline gets besides the client and the payloads. */
export interface PipelineContext {
  settings: Settings
  /** The OAuth connection's tokens, as actions-core hands them from `settings.oauth`. */
  auth?: ConnectionTokens
  logger?: Logger
  /** The mode chosen for an action that declares `syncMode` (actions-core reads it from the mapping); unset: upsert. */
  syncMode?: ExecuteInput<Settings, unknown>['syncMode']
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
  const run = (request: RequestClient, payloads: P[], context: PipelineContext) =>
    pipeline(new ZendeskClient(request, context.settings, instance, context.auth), payloads, context)
  return {
    perform: (request, { payload, settings, auth, logger, syncMode }) =>
      performOne(payload, (payloads) => run(request, payloads, { settings, auth, logger, syncMode })),
    performBatch: async (request, { payload, settings, auth, logger, syncMode }) =>
      (await run(request, payload, { settings, auth, logger, syncMode })).toMultiStatus()
  }
}
