import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import type { SegmentEvent } from '@segment/actions-core'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'
import {
  deliveryStates,
  duplicates,
  post,
  startHostProcess,
  untilNonePending,
  type HostProcess
} from './support/durable-hosts'

/**
 * Real host processes keeping their deliveries in PostgreSQL, sending to one simulated account the test runs: they
 * lose nothing they accepted when one of them, or the database server, is killed.
 */
jest.setTimeout(60_000)

let postgres: RunningPostgres
let simulator: RunningSimulator
let folder: string
const hosts: HostProcess[] = []
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())
beforeEach(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'durable-hosts-'))
  // As root, a PostgreSQL run from npm runs as nobody, which must be let through to its data.
  chmodSync(folder, 0o711)
  simulator = await startSimulator({
    account: 'bulk-import',
    endpointLimits: false,
    accountRateLimit: { requests: 1_000_000, windowMs: 60_000 },
    jobMsPer100Items: 50
  })
})
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.kill('SIGKILL')
  // A PostgreSQL run from npm outlives a killed host: its process group goes too.
  const postmaster = path.join(folder, 'postgres', 'postmaster.pid')
  if (existsSync(postmaster)) killGroupOf(postmaster)
  await simulator.close()
  rmSync(folder, { recursive: true, force: true })
})

/** Kills a PostgreSQL server outright, with its sessions: the process group of the pid its postmaster.pid names. */
function killGroupOf(postmasterPid: string): void {
  const [pid] = readFileSync(postmasterPid, 'utf8').split('\n')
  try {
    process.kill(-Number(pid), 'SIGKILL')
  } catch {
    // already gone
  }
}

async function host(options: { databaseUrl?: string; dataFolder?: string; leaseMs?: number }): Promise<HostProcess> {
  const started = await startHostProcess({
    simulator: simulator.url,
    connectionFile: path.join(folder, `connection-${hosts.length}.json`),
    leaseMs: 2000,
    ...options
  })
  hosts.push(started)
  return started
}

/** Resolves once the host's deliveries are in these states, newest first (the test's timeout ends a longer wait). */
async function untilStates(host: HostProcess, states: string[]): Promise<void> {
  for (;;) {
    const { deliveries } = await fetch(`${host.url}/deliveries`).then((answer) => answer.json())
    if (JSON.stringify(deliveries.map((d: { state: string }) => d.state)) === JSON.stringify(states)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/**
 * Identifies (users), a few groups (organizations: each batch with one waits on Zendesk's job) and Ticket Created
 * tracks (tickets), each with a messageId of its own.
 */
function mixedEvents(count: number): SegmentEvent[] {
  return Array.from({ length: count }, (_, i): SegmentEvent => {
    const messageId = `m${i}`
    if (i % 100 === 98)
      return {
        type: 'group',
        messageId,
        userId: `u${i - 1}`,
        groupId: `g${i}`,
        traits: { name: `Org ${i}` }
      } as SegmentEvent
    if (i % 20 === 19) {
      return {
        type: 'track',
        event: 'Ticket Created',
        messageId,
        userId: `r${i}`,
        context: { traits: { email: `r${i}@example.com`, name: `Requester ${i}` } },
        properties: { subject: `Order ${i} failed`, comment: 'Payment declined' }
      } as SegmentEvent
    }
    return {
      type: 'identify',
      messageId,
      userId: `u${i}`,
      traits: { name: `User ${i}`, email: `u${i}@example.com` }
    } as SegmentEvent
  })
}

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size))

test('two hosts on one database, one SIGKILLed at 40% of 2,000 events: every event delivered, no duplicate record', async () => {
  const databaseUrl = await postgres.database()
  const [doomed, survivor] = await Promise.all([host({ databaseUrl }), host({ databaseUrl })])
  const events = mixedEvents(2000)
  const batches = chunks(events, 50)
  let answered = 0
  let killed: Promise<void> | undefined
  /** Sends a batch until a host accepts it: one sent to the killed host goes again to the other, as an SDK retries. */
  const send = async (batch: SegmentEvent[], toDoomed: boolean) => {
    for (;;) {
      const to = toDoomed && !killed ? doomed : survivor
      const answer = await post(`${to.url}/v1/batch`, { batch })
      if (answer && answer.status < 500) {
        expect([200, 202]).toContain(answer.status)
        if (++answered === Math.round(batches.length * 0.4)) killed = doomed.kill('SIGKILL')
        return
      }
    }
  }
  const lane = async (offset: number) => {
    for (let i = offset; i < batches.length; i += 2) await send(batches[i], offset === 0)
  }
  await Promise.all([lane(0), lane(1)])
  await killed

  const states = await untilNonePending(databaseUrl)
  expect(Object.keys(states)).toEqual(['delivered'])
  expect(states.delivered).toBeGreaterThanOrEqual(events.length)

  const { users, organizations, tickets } = simulator.state()
  const userIds = events.filter((e) => e.type === 'identify').map((e) => e.userId)
  expect(users.filter((u) => userIds.includes(u.external_id as string))).toHaveLength(userIds.length)
  expect(duplicates(users, (u) => u.external_id)).toEqual([])
  expect(duplicates(users, (u) => u.email)).toEqual([])
  const groupIds = events.filter((e) => e.type === 'group').map((e) => e.groupId)
  expect(organizations.filter((o) => groupIds.includes(o.external_id as string))).toHaveLength(groupIds.length)
  expect(duplicates(organizations, (o) => o.external_id)).toEqual([])
  const ticketIds = events.filter((e) => e.type === 'track').map((e) => e.messageId)
  expect(tickets.filter((t) => ticketIds.includes(t.external_id as string))).toHaveLength(ticketIds.length)
  expect(duplicates(tickets, (t) => t.external_id)).toEqual([])
})

test('the host killed, then the database server killed: started again, the host delivers what was pending', async () => {
  const dataFolder = path.join(folder, 'postgres')
  const identifies = mixedEvents(10).filter((e) => e.type === 'identify')
  // Zendesk fails every user write: the events stay pending.
  simulator.setFaults({ serverError: { count: 1_000_000, status: 503, path: '/api/v2/users' } })
  const first = await host({ dataFolder })
  expect((await post(`${first.url}/v1/batch`, { batch: identifies }))?.status).toBeLessThan(300)
  // Killed once every first attempt is recorded (an answer may come before, on a busy machine).
  await untilStates(
    first,
    identifies.map(() => 'retrying')
  )
  await first.kill('SIGKILL')

  // Its PostgreSQL outlived it: the next start stops it with pg_ctl, then runs its own on the same data.
  const second = await host({ dataFolder })
  expect(second.output()).toMatch(/Stopped PostgreSQL \(process \d+\) that a local host killed earlier left running/)
  const pending = await fetch(`${second.url}/deliveries`).then((answer) => answer.json())
  expect(pending.pending).toBe(identifies.length)

  // The database server killed outright (its whole process group), then the host.
  killGroupOf(path.join(dataFolder, 'postmaster.pid'))
  await second.kill('SIGKILL')

  simulator.setFaults({})
  const third = await host({ dataFolder })
  await untilStates(
    third,
    identifies.map(() => 'delivered')
  )
  const externalIds = simulator.state().users.map((u) => u.external_id)
  expect(externalIds).toEqual(expect.arrayContaining(identifies.map((e) => e.userId)))
  expect(duplicates(simulator.state().users, (u) => u.external_id)).toEqual([])
})

test('one host on DATABASE_URL: the event it answered is in the database, delivered', async () => {
  const databaseUrl = await postgres.database()
  const only = await host({ databaseUrl })
  const [identify] = mixedEvents(1)
  const answer = await post(`${only.url}/v1/identify`, identify)
  expect(answer?.body.state).toBe('delivered')
  expect(await deliveryStates(databaseUrl)).toEqual({ delivered: 1 })
})
