import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../src'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import type { BenchOptions, Scenario } from './scenario'
import { SHORT_JOB_MS_PER_100_ITEMS } from './sequential'

/**
 * Requests per event of Upsert User and Upsert Organization in batches of 100 for each sync mode (half the
 * records exist), and what email changes cost: batches of returning users of which a tenth were sent a new
 * email, made primary. A `bulk-import` account without endpoint limits, short timed jobs (as the sequential
 * scenario's), one batch at a time.
 */
export interface SyncModeFigures {
  action: string
  mode: string
  events: number
  delivered: number
  /** all of them, except in `update` (only the existing half) and `add` (only the new half) */
  expectedDelivered: number
  requests: number
  requestsPerEvent: number
  /** the target where the issue sets one */
  maxRequestsPerEvent?: number
  failures: string[]
}

const BATCH = 100
/**
 * `update`, `add` and `delete` cost one lookup and one job (and its polls) per batch: at most this much per event.
 */
const MAX_REQUESTS_PER_EVENT = 0.05
/** Modes whose cost per event has a target; the account has bulk import on, so `add` of users counts too. */
const CHECKED_MODES = new Set(['update', 'add', 'delete'])
/** Modes that deliver only the events of some records: `update` the existing half, `add` the new half. */
const HALF_DELIVERED_MODES = new Set(['update', 'add'])
const FAST_JOB_POLLING = { firstWaitMs: 20, maxWaitMs: 200, budgetMs: 20000 }
const settings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

const batchCount = (options: BenchOptions) => Math.max(2, Math.round(5 * options.scale))

async function measure(
  options: BenchOptions,
  action: 'upsertUser' | 'upsertOrganization',
  mode: string,
  makeEvents: (batch: number) => SegmentEvent[],
  seed: (simulator: RunningSimulator, events: SegmentEvent[]) => void
): Promise<SyncModeFigures> {
  const simulator = await startSimulator({
    account: 'bulk-import',
    endpointLimits: false,
    jobMsPer100Items: SHORT_JOB_MS_PER_100_ITEMS,
    latencyMs: options.latencyMs
  })
  try {
    const definition = createDestination({
      origin: simulator.url,
      jobPolling: FAST_JOB_POLLING,
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
    const batches = Array.from({ length: batchCount(options) }, (_, b) => makeEvents(b))
    batches.forEach((events) => seed(simulator, events))
    simulator.requests.length = 0
    let delivered = 0
    const failures = new Set<string>()
    for (const events of batches) {
      const [result] = (await destination.onBatch(events, subscribed as any)) as any[]
      for (const entry of result?.multistatus ?? []) {
        if (entry.status >= 200 && entry.status < 300) delivered++
        else failures.add(`${entry.status} ${entry.errormessage}`)
      }
    }
    const events = batches.reduce((sum, b) => sum + b.length, 0)
    return {
      action,
      mode,
      events,
      delivered,
      expectedDelivered: HALF_DELIVERED_MODES.has(mode) ? events / 2 : events,
      requests: simulator.requests.length,
      requestsPerEvent: simulator.requests.length / events,
      maxRequestsPerEvent: CHECKED_MODES.has(mode) ? MAX_REQUESTS_PER_EVENT : undefined,
      failures: [...failures].slice(0, 3)
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

/** Every measurement in order; `onFigures` hears of each as it ends. */
export async function measureSyncModes(
  options: BenchOptions,
  onFigures: (figures: SyncModeFigures) => void = () => undefined
): Promise<SyncModeFigures[]> {
  const figures: SyncModeFigures[] = []
  const add = (f: SyncModeFigures) => {
    figures.push(f)
    onFigures(f)
  }
  const sameEmail = (batch: number) => (i: number) => `u${batch}-${i}@example.com`
  const seedHalfUsers = (simulator: RunningSimulator, events: SegmentEvent[]) =>
    events.forEach(
      (e, i) =>
        i % 2 === 0 && simulator.seed.user({ name: 'Before', email: e.traits!.email as string, external_id: e.userId! })
    )
  const seedHalfOrganizations = (simulator: RunningSimulator, events: SegmentEvent[]) =>
    events.forEach(
      (e, i) => i % 2 === 0 && simulator.seed.organization({ name: `Before ${e.groupId}`, external_id: e.groupId! })
    )
  for (const mode of ['upsert', 'update', 'add', 'delete']) {
    add(await measure(options, 'upsertUser', mode, (b) => identifies(b, sameEmail(b)), seedHalfUsers))
    add(await measure(options, 'upsertOrganization', mode, groups, seedHalfOrganizations))
  }
  // Every user returning, a tenth of them with a new email (made primary), against the same without changes.
  const seedAllUsers = (simulator: RunningSimulator, events: SegmentEvent[]) =>
    events.forEach((e) =>
      simulator.seed.user({ name: 'Before', email: `${e.userId}@old.example`, external_id: e.userId! })
    )
  add(
    await measure(
      options,
      'upsertUser',
      'upsert, no email changed',
      (b) => identifies(b, (i) => `u${b}-${i}@old.example`),
      seedAllUsers
    )
  )
  add(
    await measure(
      options,
      'upsertUser',
      'upsert, 10% emails changed',
      (b) => identifies(b, (i) => (i % 10 === 0 ? `u${b}-${i}@new.example` : `u${b}-${i}@old.example`)),
      seedAllUsers
    )
  )
  return figures
}

function line(f: SyncModeFigures): string {
  return (
    `${f.action.padEnd(20)}${f.mode.padEnd(28)}${`${f.delivered}/${f.events} delivered`.padEnd(18)}` +
    `${String(f.requests).padStart(5)} requests  ${f.requestsPerEvent.toFixed(3)} req/event` +
    (f.maxRequestsPerEvent !== undefined ? `  target ≤ ${f.maxRequestsPerEvent}` : '') +
    (f.failures.length ? `  (not delivered, e.g. ${f.failures[0]})` : '')
  )
}

function problemsOf(figures: SyncModeFigures[]): string[] {
  const problems: string[] = []
  for (const f of figures) {
    if (f.maxRequestsPerEvent !== undefined && f.requestsPerEvent > f.maxRequestsPerEvent)
      problems.push(
        `${f.action} ${f.mode} in batches: ${f.requestsPerEvent.toFixed(3)} req/event > ${f.maxRequestsPerEvent}`
      )
    if (f.delivered !== f.expectedDelivered)
      problems.push(
        `${f.action} ${f.mode}: ${f.delivered}/${f.events} delivered, ${f.expectedDelivered} expected (${f.failures[0]})`
      )
  }
  return problems
}

/** Requests per event for each sync mode in batches of 100, and the cost of email changes. */
export const syncModes: Scenario = {
  name: 'sync-modes',
  about: (o) =>
    `Upsert User and Upsert Organization in ${batchCount(o)} batches of ${BATCH}, one at a time, each sync mode ` +
    `(half the records exist) and email changes; bulk-import account, jobs of ${SHORT_JOB_MS_PER_100_ITEMS} ms per 100 items`,
  async run(options, print) {
    const figures = await measureSyncModes(options, (f) => print(line(f)))
    return {
      scenario: 'sync-modes',
      figures,
      problems: problemsOf(figures),
      panels: [
        {
          title: `Zendesk requests per event by sync mode, batches of ${BATCH} (lower is better)`,
          unit: 'requests/event',
          bars: figures.map((f) => ({ group: f.mode, series: f.action, value: f.requestsPerEvent }))
        }
      ]
    }
  }
}
