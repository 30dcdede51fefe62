import nock from 'nock'
import type { Logger } from '@segment/actions-core'
import definition from '../../src'
import { resetDestinationState, testDestination, testSettings } from '../helpers/destination-state'

/** Shared by the nock unit tests: Zendesk at https://acme.zendesk.com with a short fake API token. */
export const BASE_URL = 'https://acme.zendesk.com'
export const settings = testSettings

/** Fresh caches and near-instant job polling, without starting the simulator. */
export const resetState = resetDestinationState

/** The destination instance of the current test. */
export const destination = testDestination

export interface CapturingLogger extends Logger {
  lines: string[]
}

/** A Logger that records every line, so tests can assert what was (and was not) logged. */
export function capturingLogger(): CapturingLogger {
  const lines: string[] = []
  const record = (...message: string[]) => void lines.push(message.join(' '))
  return {
    lines,
    level: 'debug',
    name: 'test',
    debug: record,
    info: record,
    warn: record,
    error: record,
    crit: record,
    log: record,
    withTags: () => undefined
  }
}

/** The subscription of one preset, as a host that enabled it would pass it in settings. */
export function presetSubscription(actionKey: string) {
  const preset = definition.presets!.find((p: any) => p.partnerAction === actionKey) as any
  if (!preset) throw new Error(`no preset for ${actionKey}`)
  return { subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping }
}

/**
 * Records every request that no interceptor answered (with the network off, that is every request made
 * without an interceptor), so a test can prove that none was made. Call `stop()` when done.
 */
export function watchUnmatchedRequests(): { seen: string[]; stop: () => void } {
  const seen: string[] = []
  const listener = (req: { method?: string; hostname?: string; path?: string }) =>
    seen.push(`${req.method} ${req.hostname}${req.path}`)
  nock.emitter.on('no match', listener)
  return { seen, stop: () => nock.emitter.removeListener('no match', listener) }
}
