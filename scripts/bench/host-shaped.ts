import type { SegmentEvent } from '@segment/actions-core'
import { BULK_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { measureInFlight, type InFlightFigures, type InFlightWorkload } from './in-flight'
import type { BenchOptions, Scenario } from './scenario'
import { groupEvents, identifyEvents } from './workloads'

/** Events per minute each workload must reach under the account limit, where the issue sets a target. */
const TARGETS: Record<string, number> = {
  'identify (new users)': 50_000,
  'group (new organizations)': 32_000,
  'membership add (existing users, 30 organizations a batch)': 20_000
}

const MEMBERSHIP_ORGANIZATIONS_PER_BATCH = 30

function inBatches(events: SegmentEvent[]): SegmentEvent[][] {
  const batches: SegmentEvent[][] = []
  for (let i = 0; i < events.length; i += BULK_LIMIT) batches.push(events.slice(i, i + BULK_LIMIT))
  return batches
}

/** Every batch holds 100 events; a run is `rounds` times the batches in flight. */
function hostWorkloads(batchCount: number): InFlightWorkload[] {
  const events = batchCount * BULK_LIMIT
  const existingOrganizations = groupEvents(events, 'known-org').filter((_, i) => i % 2 === 0)
  return [
    {
      name: 'identify (new users)',
      action: 'upsertUser',
      itemsPerRequest: BULK_LIMIT,
      batches: inBatches(identifyEvents(events, 'host-user')),
      prepare: () => undefined
    },
    {
      name: 'group (new organizations)',
      action: 'upsertOrganization',
      itemsPerRequest: BULK_LIMIT,
      batches: inBatches(groupEvents(events, 'host-org')),
      prepare: () => undefined
    },
    {
      name: 'group (half new, half existing)',
      action: 'upsertOrganization',
      itemsPerRequest: BULK_LIMIT,
      batches: inBatches(groupEvents(events, 'known-org')),
      prepare: (simulator) => {
        for (const event of existingOrganizations) {
          simulator.seed.organization({ name: `Known ${event.groupId}`, external_id: event.groupId! })
        }
      }
    },
    {
      name: 'membership add (existing users, 30 organizations a batch)',
      action: 'updateOrganizationMembership',
      itemsPerRequest: BULK_LIMIT,
      batches: Array.from({ length: batchCount }, (_, batch) =>
        Array.from({ length: BULK_LIMIT }, (__, i) => ({
          type: 'identify',
          messageId: `member-${batch}-${i}`,
          timestamp: '2026-11-25T10:00:00.000Z',
          userId: `member-${batch}-${i}`,
          traits: { company: { id: `company-${batch}-${i % MEMBERSHIP_ORGANIZATIONS_PER_BATCH}` } }
        }))
      ) as SegmentEvent[][],
      prepare: (simulator) => {
        for (let batch = 0; batch < batchCount; batch++) {
          for (let o = 0; o < MEMBERSHIP_ORGANIZATIONS_PER_BATCH; o++) {
            simulator.seed.organization({ name: `Company ${batch}-${o}`, external_id: `company-${batch}-${o}` })
          }
          for (let i = 0; i < BULK_LIMIT; i++) {
            simulator.seed.user({ name: `Member ${batch}-${i}`, external_id: `member-${batch}-${i}` })
          }
        }
      }
    }
  ]
}

const rounds = (options: BenchOptions) => Math.max(1, Math.round(2 * options.scale))
const number = (value: number) => Math.round(value).toLocaleString('en-US')

function line(f: InFlightFigures): string {
  const target = TARGETS[f.name]
  return [
    f.name.padEnd(58),
    `${f.delivered}/${f.events} delivered`.padEnd(20),
    `${f.requests} requests (${f.jobPolls} job polls, ${f.refused} 429s)`.padEnd(38),
    `${f.requestsPerEvent.toFixed(4)} req/event`.padEnd(18),
    `${number(f.perMinuteUnderLimit)}/min at the limit`.padEnd(25),
    `(${number(f.deliveredPerMinute)}/min by the clock here)`.padEnd(32),
    `ceiling ${number(f.ceilingPerMinute)}/min`,
    target ? `  target ≥ ${number(target)}` : ''
  ].join('')
}

/**
 * The targets hold at the recorded size, two rounds of the batches in flight: a smaller run (`--scale` below 1)
 * pays the cold start (field creations, first job reads) over fewer events, so only delivery and 429s are checked.
 */
function problemsOf(f: InFlightFigures, fullSize: boolean): string[] {
  const problems: string[] = []
  if (f.delivered !== f.events)
    problems.push(`${f.name}: ${f.events - f.delivered} events not delivered (${f.failures[0]})`)
  if (f.refused > 0) problems.push(`${f.name}: ${f.refused} requests refused with 429`)
  const target = TARGETS[f.name]
  if (fullSize && target && f.perMinuteUnderLimit < target) {
    problems.push(`${f.name}: ${number(f.perMinuteUnderLimit)}/min at the limit < ${number(target)}`)
  }
  return problems
}

/**
 * The way a host runs the destination: `batchesInFlight` onBatch calls of 100 events at once, jobs that take
 * seconds, cold caches, a bulk-import account. Events per minute at the limit: the limit divided by the requests
 * each delivered event cost. The rate by the clock is printed beside it: here it is bound by the in-process
 * simulator's work, which real Zendesk does on its own machines.
 */
export const hostShaped: Scenario = {
  name: 'host-shaped',
  about: (o) =>
    `${o.batchesInFlight} batches of ${BULK_LIMIT} in flight, jobs of ${o.jobMsPer100Items} ms per 100 items, ` +
    `${rounds(o)} rounds, cold caches, bulk-import account, ${o.limitPerMinute} requests/minute`,
  async run(options, print) {
    const figures: InFlightFigures[] = []
    for (const workload of hostWorkloads(options.batchesInFlight * rounds(options))) {
      const f = await measureInFlight(workload, options)
      figures.push(f)
      print(line(f))
    }
    return {
      scenario: 'host-shaped',
      figures,
      problems: figures.flatMap((f) => problemsOf(f, rounds(options) >= 2)),
      panels: [
        {
          title: `Events per minute under ${options.limitPerMinute} requests/minute, ${options.batchesInFlight} batches in flight, ${options.jobMsPer100Items} ms jobs (higher is better)`,
          unit: 'events/minute',
          bars: figures.flatMap((f) => [
            { group: f.name, series: 'at the limit', value: f.perMinuteUnderLimit },
            { group: f.name, series: 'by the clock here', value: f.deliveredPerMinute },
            { group: f.name, series: 'ceiling', value: f.ceilingPerMinute },
            ...(TARGETS[f.name] ? [{ group: f.name, series: 'target', value: TARGETS[f.name] }] : [])
          ])
        }
      ]
    }
  }
}
