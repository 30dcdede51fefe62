import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../src'
import { startSimulator } from '../../src/simulator'
import { identifyEvents } from './workloads'

/**
 * Identify batches on a new Zendesk account's terms: bulk user import off, Zendesk's endpoint limits, 30 batches
 * of 100 in flight, 90% returning users (known by external_id). Jobs take about 1.5 s: the destination polls as in
 * production (after 0.25, 0.75 and 1.75 s) and a job completes on its third poll.
 *
 * Zendesk's limits are met by arithmetic rather than by waiting: events/min = events / max(all requests / 700,
 * single-user writes / 60), where single-user writes are `users/create_or_update` and `PUT users/{id}` (one a
 * second per account) and `POST users` counts only in the 700.
 */
export interface RoundFigures {
  round: string
  events: number
  delivered: number
  requests: number
  singleUserWrites: number
  requestsPerEvent: number
  singleUserWritesPerEvent: number
  eventsPerMinute: number
  /** the same if one status poll served every job in flight (what a shared job watcher does) */
  eventsPerMinuteWithSharedPolls: number
  /** requests by route and status, e.g. `PUT users/update_many 200` */
  byRoute: Record<string, number>
}

export interface DefaultAccountFigures {
  scenario: string
  rounds: RoundFigures[]
}

const ACCOUNT_LIMIT_PER_MINUTE = 700
const SINGLE_USER_WRITES_PER_MINUTE = 60
const BATCH_SIZE = 100
const IN_FLIGHT = 30
const RETURNING_SHARE = 0.9

const settings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

function route(method: string, path: string): string {
  const name = path
    .replace(/^\/api\/v2\//, '')
    .replace(/\.json$/, '')
    .replace(/V3-\w+/, ':id')
    .replace(/\/\d+/g, '/:id')
  return `${method} ${name}`
}

const SINGLE_USER_WRITES = new Set(['POST users/create_or_update', 'PUT users/:id'])

function eventsPerMinute(events: number, requests: number, singleUserWrites: number): number {
  const minutes = Math.max(requests / ACCOUNT_LIMIT_PER_MINUTE, singleUserWrites / SINGLE_USER_WRITES_PER_MINUTE)
  return events / minutes
}

/**
 * Two rounds of `IN_FLIGHT` batches: the first meets the account cold (every batch in flight learns that bulk
 * import is off), the second runs as the account is known.
 */
export async function measureDefaultAccount(scale = 1): Promise<DefaultAccountFigures> {
  const batches = Math.max(3, Math.round(IN_FLIGHT * scale))
  const simulator = await startSimulator({ account: 'default', jobPollsToComplete: 3 })
  const definition = createDestination({ origin: simulator.url })
  const preset = definition.presets!.find((p: any) => p.partnerAction === 'upsertUser') as any
  const destination = new Destination(definition)
  const subscribed = {
    ...settings,
    subscriptions: [{ subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping }]
  }
  simulator.seed.userField({ key: 'plan', type: 'text' })
  const round = async (name: string): Promise<RoundFigures> => {
    const events = identifyEvents(batches * BATCH_SIZE, name)
    events.forEach((event, i) => {
      if (i % 10 < RETURNING_SHARE * 10) {
        simulator.seed.user({ name: `Before ${i}`, email: `${event.userId}@example.com`, external_id: event.userId! })
      }
    })
    simulator.requests.length = 0
    const chunks = Array.from({ length: batches }, (_, b) => events.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE))
    const outcomes = await Promise.all(
      chunks.map((chunk) => destination.onBatch(chunk as SegmentEvent[], subscribed as any))
    )
    const delivered = outcomes
      .flatMap((result: any[]) => result[0]?.multistatus ?? [])
      .filter((entry: any) => entry.status >= 200 && entry.status < 300).length
    const requests = simulator.requests.map((r) => ({ route: route(r.method, r.path), status: r.status }))
    const singleUserWrites = requests.filter((r) => SINGLE_USER_WRITES.has(r.route)).length
    const polls = requests.filter((r) => r.route === 'GET job_statuses/:id').length
    const byRoute: Record<string, number> = {}
    for (const r of requests) byRoute[`${r.route} ${r.status}`] = (byRoute[`${r.route} ${r.status}`] ?? 0) + 1
    return {
      round: name,
      events: events.length,
      delivered,
      requests: requests.length,
      singleUserWrites,
      requestsPerEvent: requests.length / events.length,
      singleUserWritesPerEvent: singleUserWrites / events.length,
      eventsPerMinute: eventsPerMinute(events.length, requests.length, singleUserWrites),
      eventsPerMinuteWithSharedPolls: eventsPerMinute(
        events.length,
        requests.length - polls + polls / batches,
        singleUserWrites
      ),
      byRoute
    }
  }
  try {
    return {
      scenario: `bulk import off, Zendesk's endpoint limits, ${batches} batches of ${BATCH_SIZE} in flight, ${RETURNING_SHARE * 100}% returning users, 1.5 s jobs`,
      rounds: [await round('cold'), await round('known')]
    }
  } finally {
    await simulator.close()
  }
}

export function printDefaultAccount(figures: DefaultAccountFigures): void {
  console.log(`\nIdentify on a default account (${figures.scenario})`)
  for (const r of figures.rounds) {
    console.log(
      `  ${r.round.padEnd(6)} ${r.delivered}/${r.events} delivered, ${r.requests} requests (${r.requestsPerEvent.toFixed(3)}/event), ` +
        `${r.singleUserWrites} single-user writes (${r.singleUserWritesPerEvent.toFixed(3)}/event): ` +
        `${Math.round(r.eventsPerMinute)} events/min (${Math.round(r.eventsPerMinuteWithSharedPolls)} if one poll served every job in flight)`
    )
    const routes = Object.entries(r.byRoute).sort((a, b) => b[1] - a[1])
    console.log(`         ${routes.map(([name, count]) => `${count} ${name}`).join(', ')}`)
  }
  console.log(
    `  events/min = events / max(requests / ${ACCOUNT_LIMIT_PER_MINUTE}, single-user writes / ${SINGLE_USER_WRITES_PER_MINUTE})`
  )
}

/** The issue's target for identifies on an account without bulk import, as the account is known. */
export const DEFAULT_ACCOUNT_TARGET_PER_MINUTE = 5000
