import { readFile } from 'fs/promises'
// Checking a mapping needs only the actions' fields, the same in every instance.
import mappingDefinition from '../destinations/zendesk'
import type { SegmentEvent } from '@segment/actions-core'
import type { SimulatorState } from '../simulator'
import { presetSubscriptions, readMappingFile } from './mapping-file'
import { redact } from './redact'
import { formatSummary, summarise, type ReplaySummary } from './report'
import { EventRunner, type EventReport } from './run-events'
import { normaliseEvent } from './segment-events'
import { startTarget } from './target'

export class ReplayInputError extends Error {}

export interface EventsFile {
  events: SegmentEvent[]
  /** the line each event came from */
  lines: number[]
}

/** What replay shows of the simulator: the records the destination writes. */
export type SimulatorView = Pick<SimulatorState, 'users' | 'organizations' | 'memberships' | 'tickets' | 'events'>

export interface ReplayResult {
  reports: EventReport[]
  summary: ReplaySummary
  lines: number[]
  /** the simulator's records after the replay; undefined when the events went to a real account */
  state?: SimulatorView
}

export interface ReplayOptions {
  env?: NodeJS.ProcessEnv
  mappingFile?: string
  /** where the report goes (default: stdout) */
  write?: (text: string) => void
}

/** One JSON event per line; blank lines are skipped. A line that is not a JSON event makes the whole file unusable. */
export function parseEvents(text: string, source: string): EventsFile {
  const events: SegmentEvent[] = []
  const lines: number[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (error) {
      throw new ReplayInputError(`${source} line ${index + 1} is not valid JSON: ${(error as Error).message}`)
    }
    try {
      events.push(normaliseEvent(value))
    } catch (error) {
      throw new ReplayInputError(`${source} line ${index + 1}: ${(error as Error).message}`)
    }
    lines.push(index + 1)
  })
  if (events.length === 0) throw new ReplayInputError(`${source} has no events (one JSON event per line).`)
  return { events, lines }
}

export async function readEventsFile(path: string): Promise<EventsFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ReplayInputError(`Cannot read ${path}: ${(error as Error).message}`)
  }
  return parseEvents(text, path)
}

export function simulatorView(state: SimulatorState): SimulatorView {
  const { users, organizations, memberships, tickets, events } = state
  return { users, organizations, memberships, tickets, events }
}

/**
 * Sends the events of an NDJSON file, in order and one at a time, through the same path as the local host
 * (`onEvent` with the presets or the mapping file), prints the summary and the simulator's records, and returns them.
 */
export async function replayFile(path: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text))
  const { events, lines } = await readEventsFile(path)
  const subscriptions = options.mappingFile
    ? await readMappingFile(options.mappingFile, mappingDefinition)
    : presetSubscriptions(mappingDefinition)
  let secrets = (): string[] => []
  const print = (text: string) => write(redact(text, secrets()) + '\n')
  const target = await startTarget({ env: options.env ?? process.env, log: print })
  secrets = () => target.account.secrets()
  try {
    print(target.description)
    print(
      `Replaying ${events.length} event(s) from ${path}${options.mappingFile ? ` with ${options.mappingFile}` : ''}\n`
    )
    const runner = new EventRunner(target.definition, target.account, subscriptions)
    const reports: EventReport[] = []
    for (const event of events) reports.push(await runner.runEvent(event))
    const summary = summarise(reports, lines)
    print(formatSummary(reports, summary, lines))
    const state = target.simulator ? simulatorView(target.simulator.state()) : undefined
    if (state) print(`\nSimulator state\n${JSON.stringify(state, null, 2)}`)
    else print(`\nThe events went to a real Zendesk account: look there for the records.`)
    return redact({ reports, summary, lines, state }, secrets())
  } finally {
    await target.close()
  }
}
