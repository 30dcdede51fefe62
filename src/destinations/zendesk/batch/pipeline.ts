import type { ActionDefinition, ExecuteInput, Logger, RequestClient } from '@segment/actions-core'
import type { ZendeskClient } from '../client'
import type { Settings } from '../generated-types'
import type { ConnectionTokens } from '../settings/settings'
import type { EventClock, GraceWindow } from './grace'
import { performOne, type BatchResults } from './results'

/** What running an action's pipeline takes from the destination instance. */
export interface PipelineInstance {
  /** The client of one action call, for the account in `settings` and its credential (`connection` first). */
  clientFor(request: RequestClient, settings: Settings, connection?: ConnectionTokens): ZendeskClient
  grace: GraceWindow
}

/** What a pipeline gets besides the client and the payloads. */
export interface PipelineContext {
  settings: Settings
  /** The OAuth connection's tokens, as actions-core hands them from `settings.oauth`. */
  auth?: ConnectionTokens
  logger?: Logger
  /** The mode chosen for an action that declares `syncMode` (actions-core reads it from the mapping); unset: upsert. */
  syncMode?: ExecuteInput<Settings, unknown>['syncMode']
  /** The clock of an event of the action, by its payload and mapped `received_at`. */
  clockOf(action: string, payload: { received_at?: string | number | null }): EventClock
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
  instance: PipelineInstance,
  pipeline: BatchPipeline<P>
): Pick<ActionDefinition<Settings, P>, 'perform' | 'performBatch'> {
  const run = (request: RequestClient, payloads: P[], input: Omit<PipelineContext, 'clockOf'>) => {
    const client = instance.clientFor(request, input.settings, input.auth)
    const clockOf: PipelineContext['clockOf'] = (action, payload) =>
      instance.grace.clockOf(action, client.account, payload, payload.received_at)
    return pipeline(client, payloads, { ...input, clockOf })
  }
  return {
    perform: (request, { payload, settings, auth, logger, syncMode }) =>
      performOne(payload, (payloads) => run(request, payloads, { settings, auth, logger, syncMode })),
    performBatch: async (request, { payload, settings, auth, logger, syncMode }) =>
      (await run(request, payload, { settings, auth, logger, syncMode })).toMultiStatus()
  }
}
