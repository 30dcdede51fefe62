import type { RateLimitOption } from './types'

export interface LimitOutcome {
  allowed: boolean
  limit: number
  remaining: number
  /** whole seconds until the window resets, at least 1 */
  resetsIn: number
}

/** Fixed-window request counters, one window per key (the account, or one user). */
export class WindowLimiter {
  private windows = new Map<string, { start: number; count: number }>()

  constructor(readonly option: RateLimitOption) {}

  take(key: string, now = Date.now()): LimitOutcome {
    let window = this.windows.get(key)
    if (!window || now - window.start >= this.option.windowMs) {
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    const allowed = window.count < this.option.requests
    if (allowed) window.count += 1
    return {
      allowed,
      limit: this.option.requests,
      remaining: this.option.requests - window.count,
      resetsIn: Math.max(1, Math.ceil((window.start + this.option.windowMs - now) / 1000))
    }
  }

  reset(): void {
    this.windows.clear()
  }
}
