import type { FaultState } from './faults'
import type { Limits } from './limits'
import type { OAuthServer } from './oauth/oauth-server'
import type { Store } from './state'
import type { AccountKind, Credentials, Variants } from './types'

/**
 * How jobs advance: with time (`msPer100Items` of work per 100 items, `workers` of them at once when set) or on
 * their Nth status poll.
 */
export type JobTiming = { msPer100Items: number; workers?: number } | { pollsToComplete: number }

export interface Settings {
  subdomain: string
  credentials: Credentials
  account: AccountKind
  /** Zendesk's bulk user import switch (users/create_many, users/create_or_update_many) */
  bulkImport: boolean
  jobTiming: JobTiming
  latencyMs: number
  /** SimulatorOptions.variants over the defaults */
  variants: Variants
}

/** Everything a route handler may touch. */
export interface Sim {
  store: Store
  faults: FaultState
  settings: Settings
  limits: Limits
  /** the account's OAuth clients, authorization codes and issued tokens */
  oauth: OAuthServer
  /** milliseconds now: rate-limit windows, job timing, Idempotency-Key lifetimes (SimulatorOptions.clock) */
  clock: () => number
  /** where this server listens, e.g. http://127.0.0.1:40123 (for pagination links) */
  serverUrl: string
}

/** The answer variants in force: the settings' ones under any set by Faults.variants. */
export function variantsOf(sim: Sim): Variants {
  return { ...sim.settings.variants, ...sim.faults.current.variants }
}
