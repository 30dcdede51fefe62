import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../src'
import type { JobPolling } from '../../src/destinations/zendesk/client/jobs'
import { Caches } from '../../src/destinations/zendesk/client/caches'
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator'

/** For the short simulator jobs of the sequential scenarios: polls can start soon. */
const FAST_JOB_POLLING = { firstWaitMs: 20, maxWaitMs: 200, budgetMs: 20000 }

const settings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

/**
 * A fresh simulator, a destination instance sending to it (with caches the naive path can empty), and the
 * action's preset as the only subscription.
 */
export async function benchEnvironment(
  action: string,
  options: SimulatorOptions,
  jobPolling: Partial<JobPolling> = FAST_JOB_POLLING
) {
  // An account with bulk user import on (Zendesk enables it on request) and without endpoint limits: the figures
  // measure batching against the account-wide limit alone. A new account (bulk import off) is slower for identifies.
  const simulator: RunningSimulator = await startSimulator({
    account: 'bulk-import',
    endpointLimits: false,
    ...options
  })
  const caches = new Caches()
  const definition = createDestination({
    origin: simulator.url,
    jobPolling,
    caches,
    singleUserWriteIntervalMs: 0,
    // The account's requests are spread over the simulator's window, shorter than Zendesk's minute.
    requestWindowMs: options.accountRateLimit?.windowMs
  })
  const preset = definition.presets!.find((p: any) => p.partnerAction === action) as any
  const subscribed = {
    ...settings,
    subscriptions: [{ subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping }]
  }
  const destination = new Destination(definition)
  return {
    simulator,
    clearCaches: () => caches.clear(),
    onEvent: (event: SegmentEvent) => destination.onEvent(event, subscribed as any),
    onBatch: (events: SegmentEvent[]) => destination.onBatch(events, subscribed as any),
    close: () => simulator.close()
  }
}

export interface EventOutcome {
  delivered: boolean
  status: number
  retryAfterSeconds?: number
  message?: string
}

const retryAfter = (message: string | undefined): number | undefined => {
  const match = message && /Retry after (\d+) s/.exec(message)
  return match ? Number(match[1]) : undefined
}

/** onEvent either returns (delivered) or throws the action's error. */
export async function sendOne(
  env: { onEvent(e: SegmentEvent): Promise<unknown> },
  event: SegmentEvent
): Promise<EventOutcome> {
  try {
    await env.onEvent(event)
    return { delivered: true, status: 200 }
  } catch (error: any) {
    return {
      delivered: false,
      status: error?.status ?? 500,
      message: error?.message,
      retryAfterSeconds: retryAfter(error?.message)
    }
  }
}

/** onBatch answers one multistatus entry per event. */
export async function sendBatch(
  env: { onBatch(e: SegmentEvent[]): Promise<any[]> },
  events: SegmentEvent[]
): Promise<EventOutcome[]> {
  try {
    const [result] = await env.onBatch(events)
    return (result?.multistatus ?? []).map((entry: any) => ({
      delivered: entry.status >= 200 && entry.status < 300,
      status: entry.status,
      message: entry.errormessage,
      retryAfterSeconds: entry.body?.retryAfterSeconds ?? retryAfter(entry.errormessage)
    }))
  } catch (error: any) {
    return events.map(() => ({ delivered: false, status: error?.status ?? 500, message: error?.message }))
  }
}
