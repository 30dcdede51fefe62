/**
 * A worker process of a host that runs the destination in several: its own destination instance, coordinated with
 * the others on PostgreSQL, against a simulator given by address. It says `ready` once loaded, waits for a line on
 * stdin so the workers start together, sends its batches of identifies all at once (after `warmUpBatches` of 3
 * at once, when given: their jobs end quickly, which lets the worker have as many jobs at once as it has batches,
 * up to the account's 30), prints each event's status
 * (or status and message) as one JSON line and exits.
 *
 *   ts-node --transpile-only worker-process.ts '<options as JSON>'
 */
import { createInterface } from 'readline'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../../src/destinations/zendesk'
import { testSettings } from '../../helpers/destination-state'

interface WorkerOptions {
  simulator: string
  postgres: string
  /** Names this worker's users: u-<worker>-<batch>-<i>. */
  worker: number
  batches: number
  perBatch: number
  warmUpBatches?: number
  requestWindowMs: number
  leaseMs: number
}

const identifies = (worker: number, batch: number | string, perBatch: number): SegmentEvent[] =>
  Array.from({ length: perBatch }, (_, i) => {
    const id = `u-${worker}-${batch}-${i}`
    return { type: 'identify', userId: id, traits: { name: `User ${id}`, email: `${id}@example.com` } } as SegmentEvent
  })

async function main() {
  const options = JSON.parse(process.argv[2]) as WorkerOptions
  const definition = createDestination({
    origin: options.simulator,
    jobPolling: { firstWaitMs: 50, maxWaitMs: 200, budgetMs: 20_000 },
    requestWindowMs: options.requestWindowMs,
    coordination: { postgres: options.postgres, leaseMs: options.leaseMs }
  })
  const destination = new Destination(definition)
  const subscriptions = definition.presets!.filter((preset: any) => preset.partnerAction === 'upsertUser')
  const settings = { ...testSettings, subscriptions } as any

  process.stdout.write('ready\n')
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve))
  await Promise.all(
    Array.from({ length: options.warmUpBatches ?? 0 }, (_, batch) =>
      destination.onBatch(identifies(options.worker, `warm-${batch}`, 3), settings)
    )
  )
  const results = await Promise.all(
    Array.from({ length: options.batches }, (_, batch) =>
      destination.onBatch(identifies(options.worker, batch, options.perBatch), settings)
    )
  )
  const statuses = results.flatMap((result) =>
    ((result[0] as any).multistatus as any[]).map((m) => (m.status === 200 ? 200 : `${m.status} ${m.errormessage}`))
  )
  process.stdout.write(`${JSON.stringify(statuses)}\n`)
  process.exit(0)
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exit(1)
})
