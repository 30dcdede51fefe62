import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../src'
import { startSimulator } from '../../src/simulator'

/**
 * Requests per event of Upsert User and Upsert Organization in batches of 100 for each sync mode (half the
 * records exist), and what email changes cost: batches of returning users of which a tenth were sent a new
 * email, made primary. A `bulk-import` account without endpoint limits, jobs done on their second poll.
 */
export interface SyncModeFigures {
  action: string
  mode: string
  events: number
  delivered: number
  requestsPerEvent: number
}

const BATCH = 100
const BATCHES = 5
const settings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

async function measure(
  action: 'upsertUser' | 'upsertOrganization',
  mode: string,
  makeEvents: (batch: number) => SegmentEvent[],
  seed: (simulator: Awaited<ReturnType<typeof startSimulator>>, events: SegmentEvent[]) => void
): Promise<SyncModeFigures> {
  const simulator = await startSimulator({ account: 'bulk-import', endpointLimits: false })
  try {
    const definition = createDestination({
      origin: simulator.url,
      jobPolling: { firstWaitMs: 20, maxWaitMs: 200, budgetMs: 20000 },
      singleUserWriteIntervalMs: 0
    })
    const preset = definition.presets!.find((p: any) => p.partnerAction === action) as any
    const syncMode = mode.split(',')[0]
    const mapping =
      syncMode === 'upsert' ? preset.mapping : { ...preset.mapping, __segment_internal_sync_mode: syncMode }
    const subscribed = {
      ...settings,
      subscriptions: [{ subscribe: preset.subscribe, partnerAction: action, mapping }]
    }
    const destination = new Destination(definition)
    const batches = Array.from({ length: BATCHES }, (_, b) => makeEvents(b))
    batches.forEach((events) => seed(simulator, events))
    simulator.requests.length = 0
    let delivered = 0
    for (const events of batches) {
      const [result] = (await destination.onBatch(events, subscribed as any)) as any[]
      delivered += (result?.multistatus ?? []).filter((e: any) => e.status === 200).length
    }
    return {
      action,
      mode,
      events: BATCH * BATCHES,
      delivered,
      requestsPerEvent: simulator.requests.length / (BATCH * BATCHES)
    }
  } finally {
    await simulator.close()
  }
}

const identifies = (batch: number, email: (i: number) => string): SegmentEvent[] =>
  Array.from({ length: BATCH }, (_, i) => ({
    type: 'identify',
    userId: `u${batch}-${i}`,
    traits: { name: `User ${batch}-${i}`, email: email(i) }
  }))

const groups = (batch: number): SegmentEvent[] =>
  Array.from({ length: BATCH }, (_, i) => ({
    type: 'group',
    groupId: `o${batch}-${i}`,
    traits: { name: `Org ${batch}-${i}` }
  }))

export async function measureSyncModes(): Promise<SyncModeFigures[]> {
  const figures: SyncModeFigures[] = []
  const sameEmail = (batch: number) => (i: number) => `u${batch}-${i}@example.com`
  const seedHalfUsers = (simulator: any, events: SegmentEvent[]) =>
    events.forEach(
      (e, i) => i % 2 === 0 && simulator.seed.user({ name: 'Before', email: e.traits!.email, external_id: e.userId })
    )
  const seedHalfOrganizations = (simulator: any, events: SegmentEvent[]) =>
    events.forEach(
      (e, i) => i % 2 === 0 && simulator.seed.organization({ name: `Before ${e.groupId}`, external_id: e.groupId })
    )
  for (const mode of ['upsert', 'update', 'add', 'delete']) {
    figures.push(await measure('upsertUser', mode, (b) => identifies(b, sameEmail(b)), seedHalfUsers))
    figures.push(await measure('upsertOrganization', mode, groups, seedHalfOrganizations))
  }
  // Every user returning, a tenth of them with a new email (made primary), against the same without changes.
  const seedAllUsers = (simulator: any, events: SegmentEvent[]) =>
    events.forEach((e) =>
      simulator.seed.user({ name: 'Before', email: `${e.userId}@old.example`, external_id: e.userId })
    )
  figures.push(
    await measure(
      'upsertUser',
      'upsert, no email changed',
      (b) => identifies(b, (i) => `u${b}-${i}@old.example`),
      seedAllUsers
    )
  )
  figures.push(
    await measure(
      'upsertUser',
      'upsert, 10% emails changed',
      (b) => identifies(b, (i) => (i % 10 === 0 ? `u${b}-${i}@new.example` : `u${b}-${i}@old.example`)),
      seedAllUsers
    )
  )
  return figures
}

export function printSyncModes(figures: SyncModeFigures[]): void {
  console.log(`\nSync modes and email changes (batches of ${BATCH}; half the records exist in the mode rows)`)
  for (const f of figures) {
    console.log(
      `  ${f.action.padEnd(20)}${f.mode.padEnd(28)}${f.delivered}/${f.events} delivered  ${f.requestsPerEvent.toFixed(3)} req/event`
    )
  }
}
