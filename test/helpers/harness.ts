import { Destination, type SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import type { DestinationOptions } from '../../src/destinations/zendesk'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import {
  resetDestinationState as resetDestinationUnderNock,
  TEST_JOB_POLLING,
  testDefinition,
  testSettings
} from './destination-state'
import type { JobPolling } from '../../src/destinations/zendesk/client/jobs'
import { Caches } from '../../src/destinations/zendesk/client/caches'
import { polledJobs } from '../simulator/helpers'
import { basicCredential } from './credentials'
import { startSimulator, type AccountKind, type RunningSimulator, type SimulatorOptions } from '../../src/simulator'

/** Settings that authenticate against the simulator's default agent. */
export const simulatorSettings = testSettings

/** Every preset as a subscription, the way a host that enabled them all would run the destination. */
export const presetSubscriptions = definition.presets!.map((preset: any) => ({
  subscribe: preset.subscribe,
  partnerAction: preset.partnerAction,
  mapping: preset.mapping
}))

export interface SimulatorHarness {
  simulator: RunningSimulator
  /** The destination bound to this simulator; `resetDestinationState` renews it (fresh caches). */
  readonly destination: Destination<Settings>
  /** Follows jobs with these timings from now on; the caches stay as they are. */
  usePolling(polling: Partial<JobPolling>): void
  /** onEvent with all presets (or the given subscriptions). */
  send(event: Partial<SegmentEvent>, subscriptions?: unknown[]): Promise<any[]>
  /** onBatch with all presets (or the given subscriptions). */
  sendBatch(events: Partial<SegmentEvent>[], subscriptions?: unknown[]): Promise<any[]>
  close(): Promise<void>
}

const running = new Set<{ renew(): void }>()

/** Fresh destination instances (so fresh caches) for the nock tests and every running harness. */
export function resetDestinationState(): void {
  resetDestinationUnderNock()
  running.forEach((harness) => harness.renew())
}

/**
 * A simulator of the account kind the test names, and a destination instance sending to it (on the clock and timers
 * of `time`, when given).
 */
export async function startHarness(
  options: SimulatorOptions & { account: AccountKind },
  time: Pick<DestinationOptions, 'clock' | 'timers'> = {}
): Promise<SimulatorHarness> {
  const simulator = await startSimulator(polledJobs(options))
  let caches = new Caches()
  let jobPolling: Partial<JobPolling> = TEST_JOB_POLLING
  const build = () => new Destination<Settings>(testDefinition({ origin: simulator.url, jobPolling, caches, ...time }))
  let destination = build()
  const renewer = {
    renew: () => {
      caches = new Caches()
      destination = build()
    }
  }
  running.add(renewer)
  const settingsWith = (subscriptions?: unknown[]) => ({
    ...simulatorSettings,
    subscriptions: subscriptions ?? presetSubscriptions
  })
  return {
    simulator,
    get destination() {
      return destination
    },
    usePolling: (polling) => {
      jobPolling = polling
      destination = build()
    },
    send: (event, subscriptions) => destination.onEvent(event as SegmentEvent, settingsWith(subscriptions) as any),
    sendBatch: (events, subscriptions) =>
      destination.onBatch(events as SegmentEvent[], settingsWith(subscriptions) as any),
    close: async () => {
      running.delete(renewer)
      await simulator.close()
    }
  }
}

/** A request to the simulator's API as another writer on the account makes it, not through the destination. */
export function anotherWriter(simulator: RunningSimulator, method: string, path: string, body?: unknown) {
  return fetch(`${simulator.url}/api/v2/${path}.json`, {
    method,
    headers: {
      authorization: `Basic ${basicCredential(simulatorSettings.api_token)}`,
      'content-type': 'application/json'
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}
