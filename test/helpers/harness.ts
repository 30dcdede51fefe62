import { Destination, type SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { resetDestinationState, testSettings } from './destination-state'
import { routeToSimulator } from '../../src/destinations/zendesk/settings/origin'
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator'

export { resetDestinationState }

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
  destination: Destination<Settings>
  /** onEvent with all presets (or the given subscriptions). */
  send(event: Partial<SegmentEvent>, subscriptions?: unknown[]): Promise<any[]>
  /** onBatch with all presets (or the given subscriptions). */
  sendBatch(events: Partial<SegmentEvent>[], subscriptions?: unknown[]): Promise<any[]>
  close(): Promise<void>
}

export async function startHarness(options?: SimulatorOptions): Promise<SimulatorHarness> {
  const simulator = await startSimulator(options)
  routeToSimulator(simulator.url)
  resetDestinationState()
  const destination = new Destination(definition)
  const settingsWith = (subscriptions?: unknown[]) => ({
    ...simulatorSettings,
    subscriptions: subscriptions ?? presetSubscriptions
  })
  return {
    simulator,
    destination,
    send: (event, subscriptions) => destination.onEvent(event as SegmentEvent, settingsWith(subscriptions) as any),
    sendBatch: (events, subscriptions) =>
      destination.onBatch(events as SegmentEvent[], settingsWith(subscriptions) as any),
    close: async () => {
      routeToSimulator(undefined)
      await simulator.close()
    }
  }
}
