import type { FaultState } from './faults'
import type { WindowLimiter } from './rate-limit'
import type { Store } from './state'
import type { Credentials, RateLimitOption } from './types'

export interface Settings {
  subdomain: string
  credentials: Credentials
  accountRateLimit?: RateLimitOption
  perUserWriteLimit: RateLimitOption | false
  jobPollsToComplete: number
  latencyMs: number
}

/** Everything a route handler may touch. */
export interface Sim {
  store: Store
  faults: FaultState
  settings: Settings
  /** where this server listens, e.g. http://127.0.0.1:40123 (for pagination links) */
  serverUrl: string
  accountLimiter?: WindowLimiter
  userWriteLimiter?: WindowLimiter
}
