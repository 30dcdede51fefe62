import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination, type DestinationOptions } from '../../src/destinations/zendesk'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { presetSubscriptions, simulatorSettings } from '../helpers/harness'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'

/**
 * Several destination instances — standing in for the processes of a host — send to one account whose limits the
 * simulator enforces: 60 requests per 2-second window and 30 queued or running jobs. Jobs take 1 s per 100 items.
 */
const WINDOW_MS = 2000
const REQUESTS_PER_WINDOW = 60
const INSTANCES = 3
const BATCHES_PER_INSTANCE = 20
const PER_BATCH = 30

let postgres: RunningPostgres
let simulator: RunningSimulator
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())
afterEach(() => simulator.close())

const bulkImportAccount = async () => {
  simulator = await startSimulator({
    account: 'bulk-import',
    accountRateLimit: { requests: REQUESTS_PER_WINDOW, windowMs: WINDOW_MS },
    jobMsPer100Items: 1000
  })
}

const subscriptions = presetSubscriptions.filter((s) => s.partnerAction === 'upsertUser')
const settings = { ...simulatorSettings, subscriptions } as any
const INSTANCES_OF_A_HOST = 4

function instance(options: Partial<DestinationOptions> = {}): Destination<Settings> {
  return new Destination<Settings>(
    createDestination({
      origin: simulator.url,
      jobPolling: { firstWaitMs: 50, maxWaitMs: 200, budgetMs: 20_000 },
      requestWindowMs: WINDOW_MS,
      ...options
    })
  )
}

const identifies = (instance: number, batch: number, perBatch: number, round: number): SegmentEvent[] =>
  Array.from({ length: perBatch }, (_, i) => {
    const id = `u-${round}-${instance}-${batch}-${i}`
    return { type: 'identify', userId: id, traits: { name: `User ${id}`, email: `${id}@example.com` } } as SegmentEvent
  })

/** Every instance sends its batches at once (of `perBatch` events, `round` tells them apart); each event's status. */
async function sendFromAll(instances: Destination<Settings>[], perBatch = PER_BATCH, round = 0): Promise<number[]> {
  const results = await Promise.all(
    instances.flatMap((destination, i) =>
      Array.from({ length: BATCHES_PER_INSTANCE }, (_, batch) =>
        destination.onBatch(identifies(i, batch, perBatch, round), settings)
      )
    )
  )
  return results.flatMap((result) =>
    (result.find((r: any) => r.multistatus) as any).multistatus.map((m: any) => m.status)
  )
}

const refused = () => simulator.requests.filter((request) => request.status === 429)
const EVENTS = INSTANCES * BATCHES_PER_INSTANCE * PER_BATCH

describe('several instances on one account', () => {
  it('coordinated on PostgreSQL: no job or request refused, every event delivered on its first attempt', async () => {
    await bulkImportAccount()
    const url = await postgres.database()
    const statuses = await sendFromAll(
      Array.from({ length: INSTANCES }, () => instance({ coordination: { postgres: url } }))
    )
    expect(statuses).toEqual(Array(EVENTS).fill(200))
    expect(refused()).toEqual([])
    const users = simulator.state().users.filter((user) => user.external_id?.startsWith('u-'))
    expect(users).toHaveLength(EVENTS)
    // More requests than one window allows went, so the instances waited for the shared budget.
    expect(simulator.requests.length).toBeGreaterThan(REQUESTS_PER_WINDOW)
  })

  it('each on its own: more jobs and requests than the account allows, refused', async () => {
    await bulkImportAccount()
    const instances = Array.from({ length: INSTANCES }, () => instance())
    // Each learns that the account ends its jobs quickly, then sends its 20 batches at once: 60 jobs.
    await sendFromAll(instances, PER_BATCH / 2, 0)
    await sendFromAll(instances, PER_BATCH / 2, 1)
    expect(refused().length).toBeGreaterThan(0)
  })

  it('a default account: 20 identifies of one user from 4 instances, at most 5 writes reach Zendesk, none refused', async () => {
    // Zendesk's single-user write limits: one a second for the account, 5 a minute per user.
    simulator = await startSimulator({ account: 'default' })
    const url = await postgres.database()
    const instances = Array.from({ length: INSTANCES_OF_A_HOST }, () =>
      instance({ requestWindowMs: false, coordination: { postgres: url } })
    )
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const event = { type: 'identify', userId: 'busy', traits: { email: 'busy@example.com', name: `Busy ${i}` } }
        return instances[i % INSTANCES_OF_A_HOST].onEvent(event as SegmentEvent, settings).then(
          () => 'delivered',
          (error) => `${error.status} ${error.retryAfterSeconds === undefined ? 'no wait' : 'with a wait'}`
        )
      })
    )
    const writes = simulator.requests.filter((r) => r.path.includes('users/create_or_update'))
    // Five turns for the user, 1.1 s apart for the account: the fifth is 4.4 s off, within the longest wait.
    expect(writes.map((write) => write.status).sort()).toEqual([200, 200, 200, 200, 201])
    expect(outcomes.filter((outcome) => outcome === 'delivered')).toHaveLength(writes.length)
    expect(outcomes.filter((outcome) => outcome !== 'delivered')).toEqual(
      Array(20 - writes.length).fill('429 with a wait')
    )
  })
})
