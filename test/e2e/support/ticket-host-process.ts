/**
 * A separate host process for the ticket race tests: its own `Destination` (its own instance, caches and in-flight
 * creates) against a simulator given by address. It says `ready` once loaded, waits for a line on stdin so two
 * processes start together, sends its events (`onEvent` each, or one `onBatch`), prints the results as one JSON
 * line and exits.
 *
 *   ts-node --transpile-only ticket-host-process.ts <simulator origin> <event|batch> '<events as JSON>'
 */
import { createInterface } from 'readline'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import { testDefinition, testSettings } from '../../helpers/destination-state'

async function main() {
  const [origin, mode, eventsJson] = process.argv.slice(2)
  const events = JSON.parse(eventsJson) as SegmentEvent[]
  const definition = testDefinition({ origin })
  const destination = new Destination(definition)
  const subscriptions = definition.presets!.filter((preset: any) => preset.partnerAction === 'createTicket')
  const settings = { ...testSettings, subscriptions } as any

  process.stdout.write('ready\n')
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve))
  const results =
    mode === 'batch'
      ? (((await destination.onBatch(events, settings))[0] as any).multistatus as unknown[])
      : await Promise.all(
          events.map((event) =>
            destination.onEvent(event, settings).then(
              (answer) => answer.find((r: any) => r.output === 'Action Executed')?.data,
              (error: Error) => ({ error: error.message })
            )
          )
        )
  process.stdout.write(`${JSON.stringify(results)}\n`)
  process.exit(0)
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exit(1)
})
