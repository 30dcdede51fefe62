import { Destination } from '@segment/actions-core'
import { createDestination } from '../../src'
import { startSimulator } from '../../src/simulator'
import type { BenchOptions, Scenario } from './scenario'
import { identifyEvents } from './workloads'

/**
 * Identify batches on a new Zendesk account's terms: bulk user import off, Zendesk's endpoint limits,
 * `batchesInFlight` batches of 100 in flight (30 unless `--batches`), 90% returning users (known by external_id).
 * Jobs take `jobMsPer100Items` (1.5 s unless `--job-ms`), and the destination follows them as in production: one
 * job watcher for the account, whose status requests read every job in flight at once.
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
  jobPolls: number
  singleUserWrites: number
  requestsPerEvent: number
  singleUserWritesPerEvent: number
  eventsPerMinute: number
  /** requests by route and status, e.g. `PUT users/update_many 200` */
  byRoute: Record<string, number>
  failures: string[]
}

export interface DefaultAccountFigures {
  about: string
  batchesInFlight: number
  jobMsPer100Items: number
  rounds: RoundFigures[]
}

const SINGLE_USER_WRITES_PER_MINUTE = 60
const BATCH_SIZE = 100
const RETURNING_SHARE = 0.9

/** The issue's target for identifies on an account without bulk import, as the account is known. */
export const DEFAULT_ACCOUNT_TARGET_PER_MINUTE = 5000

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

function eventsPerMinute(events: number, requests: number, singleUserWrites: number, limitPerMinute: number): number {
  const minutes = Math.max(requests / limitPerMinute, singleUserWrites / SINGLE_USER_WRITES_PER_MINUTE)
  return minutes === 0 ? 0 : events / minutes
}

const batchesOf = (options: BenchOptions) => Math.max(3, Math.round(options.batchesInFlight * options.scale))

const describe = (options: BenchOptions) =>
  `bulk import off, Zendesk's endpoint limits, ${batchesOf(options)} batches of ${BATCH_SIZE} in flight, ` +
  `${RETURNING_SHARE * 100}% returning users, jobs of ${options.jobMsPer100Items} ms per 100 items, ` +
  `${options.limitPerMinute} requests/minute`

/**
 * Two rounds of the batches in flight at once: the first meets the account cold (every batch in flight learns that
 * bulk import is off), the second runs as the account is known. `onRound` hears of each as it ends.
 */
export async function measureDefaultAccount(
  options: BenchOptions,
  onRound: (round: RoundFigures) => void = () => undefined
): Promise<DefaultAccountFigures> {
  const batches = batchesOf(options)
  const simulator = await startSimulator({
    account: 'default',
    jobMsPer100Items: options.jobMsPer100Items,
    latencyMs: options.latencyMs
  })
  // Production's job polling and one-a-second single-user writes: only the origin differs.
  const definition = createDestination({ origin: simulator.url })
  const preset = definition.presets!.find((p: any) => p.partnerAction === 'upsertUser') as any
  const destination = new Destination(definition)
  const subscribed = {
    ...settings,
    subscriptions: [{ subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping }]
  }
  simulator.seed.userField({ key: 'plan', type: 'text' })
  const round = async (name: string): Promise<RoundFigures> => {
    const events = identifyEvents(batches * BATCH_SIZE, `default-${name}`)
    events.forEach((event, i) => {
      if (i % 10 < RETURNING_SHARE * 10) {
        simulator.seed.user({ name: `Before ${i}`, email: `${event.userId}@example.com`, external_id: event.userId! })
      }
    })
    simulator.requests.length = 0
    const chunks = Array.from({ length: batches }, (_, b) => events.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE))
    const outcomes = await Promise.all(
      chunks.map((chunk) =>
        destination.onBatch(chunk, subscribed as any).then(
          (result: any[]) => (result[0]?.multistatus ?? []) as { status: number; errormessage?: string }[],
          (error: any) => chunk.map(() => ({ status: error?.status ?? 500, errormessage: error?.message }))
        )
      )
    )
    const entries = outcomes.flat()
    const delivered = entries.filter((entry) => entry.status >= 200 && entry.status < 300).length
    const requests = simulator.requests.map((r) => ({ route: route(r.method, r.path), status: r.status }))
    const singleUserWrites = requests.filter((r) => SINGLE_USER_WRITES.has(r.route)).length
    const byRoute: Record<string, number> = {}
    for (const r of requests) byRoute[`${r.route} ${r.status}`] = (byRoute[`${r.route} ${r.status}`] ?? 0) + 1
    return {
      round: name,
      events: events.length,
      delivered,
      requests: requests.length,
      jobPolls: requests.filter((r) => r.route.startsWith('GET job_statuses')).length,
      singleUserWrites,
      requestsPerEvent: requests.length / events.length,
      singleUserWritesPerEvent: singleUserWrites / events.length,
      eventsPerMinute: eventsPerMinute(events.length, requests.length, singleUserWrites, options.limitPerMinute),
      byRoute,
      failures: [
        ...new Set(
          entries
            .filter((entry) => entry.status < 200 || entry.status >= 300)
            .map((e) => `${e.status} ${e.errormessage}`)
        )
      ].slice(0, 3)
    }
  }
  try {
    const rounds: RoundFigures[] = []
    for (const name of ['cold', 'known']) {
      const figures = await round(name)
      rounds.push(figures)
      onRound(figures)
    }
    return {
      about: describe(options),
      batchesInFlight: batches,
      jobMsPer100Items: options.jobMsPer100Items,
      rounds
    }
  } finally {
    await simulator.close()
  }
}

const number = (value: number) => Math.round(value).toLocaleString('en-US')

function roundLines(r: RoundFigures, limitPerMinute: number): string[] {
  const routes = Object.entries(r.byRoute).sort((a, b) => b[1] - a[1])
  return [
    `${r.round.padEnd(6)} ${r.delivered}/${r.events} delivered, ${r.requests} requests (${r.jobPolls} job polls, ` +
      `${r.requestsPerEvent.toFixed(3)}/event), ${r.singleUserWrites} single-user writes ` +
      `(${r.singleUserWritesPerEvent.toFixed(3)}/event): ${number(r.eventsPerMinute)} events/min at ${limitPerMinute} rpm` +
      (r.round === 'known' ? `  target ≥ ${number(DEFAULT_ACCOUNT_TARGET_PER_MINUTE)}` : ''),
    `       ${routes.map(([name, count]) => `${count} ${name}`).join(', ')}`
  ]
}

function problemsOf(figures: DefaultAccountFigures): string[] {
  const problems: string[] = []
  for (const r of figures.rounds) {
    if (r.delivered !== r.events)
      problems.push(`default account (${r.round}): ${r.events - r.delivered} events not delivered (${r.failures[0]})`)
  }
  const known = figures.rounds[figures.rounds.length - 1]
  if (known.eventsPerMinute < DEFAULT_ACCOUNT_TARGET_PER_MINUTE) {
    problems.push(
      `identify without bulk import: ${number(known.eventsPerMinute)} events/min < ${number(DEFAULT_ACCOUNT_TARGET_PER_MINUTE)}`
    )
  }
  return problems
}

/**
 * Identifies on an account as Zendesk gives it (bulk user import off, endpoint limits): events per minute at the
 * account limit and the one-a-second single-user writes, for a cold and a known account.
 */
export const defaultAccount: Scenario = {
  name: 'default-account',
  about: describe,
  async run(options, print) {
    const figures = await measureDefaultAccount(options, (round) =>
      roundLines(round, options.limitPerMinute).forEach((l) => print(l))
    )
    print(
      `events/min = events / max(requests / ${options.limitPerMinute}, single-user writes / ${SINGLE_USER_WRITES_PER_MINUTE})`
    )
    return {
      scenario: 'default-account',
      figures: [figures],
      problems: problemsOf(figures),
      panels: [
        {
          title: `Identifies per minute without bulk import, ${options.limitPerMinute} requests/minute, ${figures.batchesInFlight} batches in flight (higher is better)`,
          unit: 'events/minute',
          bars: [
            ...figures.rounds.map((r) => ({
              group: `identify, ${r.round} account`,
              series: 'at the limit',
              value: r.eventsPerMinute
            })),
            { group: 'identify, known account', series: 'target', value: DEFAULT_ACCOUNT_TARGET_PER_MINUTE }
          ]
        }
      ]
    }
  }
}
