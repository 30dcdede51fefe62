import { chmodSync, mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import type { SegmentEvent } from '@segment/actions-core'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import {
  duplicates,
  post,
  startHostProcess,
  untilNonePending,
  type HostProcess
} from '../../test/e2e/support/durable-hosts'
import { startPostgres, type RunningPostgres } from '../../test/helpers/postgres'
import type { BenchOptions, Scenario } from './scenario'

const EVENTS = 50_000
const PER_BATCH = 100
/** /v1/batch requests in flight at once, across the hosts. */
const LANES = 8

export interface DurableHostsFigures {
  setup: string
  events: number
  /** events whose record is in the account */
  delivered: number
  /** deliveries not delivered once none was pending (gave up, rejected) */
  notDelivered: number
  duplicateUsers: number
  duplicateOrganizations: number
  duplicateTickets: number
  /** requests that write (POST, PUT, DELETE) to Zendesk, OAuth aside */
  writeRequests: number
  /** batches sent again to the other host, the one they went to having been killed */
  batchesSentAgain: number
  seconds: number
}

/** Identifies of new users, with a group and a Ticket Created every 500 events; each with a messageId of its own. */
function hostEvents(count: number): SegmentEvent[] {
  return Array.from({ length: count }, (_, i): SegmentEvent => {
    const messageId = `bench-${i}`
    if (i % 500 === 498) {
      return {
        type: 'group',
        messageId,
        userId: `bench-u${i - 1}`,
        groupId: `bench-g${i}`,
        traits: { name: `Org ${i}` }
      } as SegmentEvent
    }
    if (i % 500 === 499) {
      return {
        type: 'track',
        event: 'Ticket Created',
        messageId,
        userId: `bench-r${i}`,
        context: { traits: { email: `bench-r${i}@example.com`, name: `Requester ${i}` } },
        properties: { subject: `Order ${i} failed`, comment: 'Payment declined' }
      } as SegmentEvent
    }
    return {
      type: 'identify',
      messageId,
      userId: `bench-u${i}`,
      traits: { name: `User ${i}`, email: `bench-u${i}@example.com` }
    } as SegmentEvent
  })
}

/**
 * One run: `hosts` host processes on a fresh database, sending to one simulated account that enforces the account
 * limit; the events go through /v1/batch from LANES lanes spread over the hosts. With `killAt`, the first host is
 * killed (SIGKILL) once that share of the batches was answered, and what was on its way to it goes to the others.
 */
async function run(
  setup: string,
  hosts: number,
  options: BenchOptions,
  postgres: RunningPostgres,
  killAt?: number
): Promise<DurableHostsFigures> {
  const events = hostEvents(Math.round(EVENTS * options.scale))
  const windowMs = options.limitSeconds * 1000
  const simulator: RunningSimulator = await startSimulator({
    account: 'bulk-import',
    accountRateLimit: { requests: Math.round((options.limitPerMinute * windowMs) / 60_000), windowMs },
    jobMsPer100Items: options.jobMsPer100Items,
    latencyMs: options.latencyMs
  })
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-durable-hosts-'))
  chmodSync(folder, 0o711)
  const databaseUrl = await postgres.database()
  const running: HostProcess[] = []
  try {
    const started = performance.now()
    for (let i = 0; i < hosts; i++) {
      running.push(
        await startHostProcess({
          simulator: simulator.url,
          connectionFile: path.join(folder, `connection-${i}.json`),
          databaseUrl,
          leaseMs: 30_000
        })
      )
    }
    const batches = Array.from({ length: Math.ceil(events.length / PER_BATCH) }, (_, i) =>
      events.slice(i * PER_BATCH, (i + 1) * PER_BATCH)
    )
    const alive = new Set(running)
    let answered = 0
    let sentAgain = 0
    const send = async (batch: SegmentEvent[], lane: number) => {
      for (;;) {
        const hostsNow = [...alive]
        const to = hostsNow[lane % hostsNow.length]
        const answer = await post(`${to.url}/v1/batch`, { batch })
        if (answer && answer.status < 500) {
          answered += 1
          if (killAt !== undefined && answered === Math.round(batches.length * killAt) && alive.has(running[0])) {
            alive.delete(running[0])
            await running[0].kill('SIGKILL')
          }
          return
        }
        sentAgain += 1
      }
    }
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        for (let i = lane; i < batches.length; i += LANES) await send(batches[i], lane)
      })
    )
    const states = await untilNonePending(databaseUrl)
    const seconds = (performance.now() - started) / 1000
    const account = simulator.state()
    const { users, organizations, tickets } = account
    const extra = (values: unknown[]) => duplicates(values, (v) => v).length
    return {
      setup,
      events: events.length,
      delivered: deliveredEvents(events, account),
      notDelivered: Object.entries(states).reduce((sum, [state, n]) => sum + (state === 'delivered' ? 0 : n), 0),
      duplicateUsers: extra(users.map((u) => u.external_id)),
      duplicateOrganizations: extra(organizations.map((o) => o.external_id)),
      duplicateTickets: extra(tickets.map((t) => t.external_id)),
      writeRequests: simulator.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/oauth')).length,
      batchesSentAgain: sentAgain,
      seconds
    }
  } finally {
    for (const host of running) await host.kill('SIGTERM')
    await simulator.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

/**
 * Events whose record is in the account: an identify's user, a group's organization, a track's ticket (by its
 * subject). Read from Zendesk's side, since the host keeps only its newest 10,000 finished deliveries.
 */
function deliveredEvents(events: SegmentEvent[], account: ReturnType<RunningSimulator['state']>): number {
  const users = new Set(account.users.map((user) => user.external_id))
  const organizations = new Set(account.organizations.map((organization) => organization.external_id))
  const subjects = new Set(account.tickets.map((ticket) => ticket.subject))
  return events.filter((event) => {
    if (event.type === 'identify') return users.has(String(event.userId))
    if (event.type === 'group') return organizations.has(String(event.groupId))
    return subjects.has(String(event.properties?.subject))
  }).length
}

function line(f: DurableHostsFigures): string {
  return [
    f.setup.padEnd(44),
    `${f.delivered}/${f.events} delivered (${f.notDelivered} not)`.padEnd(34),
    `duplicates: ${f.duplicateUsers} users, ${f.duplicateOrganizations} organizations, ${f.duplicateTickets} tickets`.padEnd(
      58
    ),
    `${f.writeRequests} write requests`.padEnd(22),
    `${f.batchesSentAgain} batches sent again, ${f.seconds.toFixed(0)} s`
  ].join('')
}

function problemsOf(baseline: DurableHostsFigures, killed: DurableHostsFigures): string[] {
  const problems: string[] = []
  for (const f of [baseline, killed]) {
    if (f.delivered !== f.events) problems.push(`${f.setup}: ${f.events - f.delivered} events not delivered`)
    const duplicated = f.duplicateUsers + f.duplicateOrganizations + f.duplicateTickets
    if (duplicated > 0) problems.push(`${f.setup}: ${duplicated} duplicate records`)
  }
  if (killed.writeRequests > 1.1 * baseline.writeRequests) {
    problems.push(`${killed.setup}: ${killed.writeRequests} write requests > 1.1 × ${baseline.writeRequests}`)
  }
  return problems
}

/**
 * The "two hosts on one database, one killed": local host processes keeping their deliveries in PostgreSQL,
 * events through /v1/batch; a baseline of one host, then two with the first killed (SIGKILL) at 40%.
 */
export const durableHosts: Scenario = {
  name: 'durable-hosts',
  about: (o) =>
    `${Math.round(EVENTS * o.scale)} events through /v1/batch (${PER_BATCH} a batch, ${LANES} in flight), ` +
    `${o.limitPerMinute} requests/minute in ${o.limitSeconds}-second windows, jobs of ${o.jobMsPer100Items} ms per 100 items`,
  async run(options, print) {
    const postgres = await startPostgres()
    try {
      const baseline = await run('1 host', 1, options, postgres)
      print(line(baseline))
      const killed = await run('2 hosts on one database, one killed at 40%', 2, options, postgres, 0.4)
      print(line(killed))
      const figures = [baseline, killed]
      return {
        scenario: 'durable-hosts',
        figures,
        problems: problemsOf(baseline, killed),
        panels: [
          {
            title: `Write requests, ${baseline.events} events through /v1/batch (lower is better)`,
            unit: 'write requests',
            bars: figures.map((f) => ({ group: f.setup, series: 'writes', value: f.writeRequests }))
          }
        ]
      }
    } finally {
      await postgres.stop()
    }
  }
}
