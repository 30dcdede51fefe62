import { readFile } from 'fs/promises'
import { resolve } from 'path'
import type { SegmentEvent } from '@segment/actions-core'
import { describeEvent } from './segment-events'
import { isObject } from './objects'

const EXAMPLES_FILE = resolve(__dirname, '../../examples/seed-events.ndjson')

/** A one-line label for a shipped example, e.g. `identify userId=12345 — joins company 6789`. */
function exampleLabel(event: SegmentEvent, line: number): string {
  const traits = isObject(event.traits) ? event.traits : {}
  const company = isObject(traits.company) ? traits.company : undefined
  const detail = company
    ? `${company.remove === true ? 'leaves' : 'joins'} company ${String(company.id)}`
    : typeof traits.name === 'string'
      ? traits.name
      : undefined
  return `${line}. ${describeEvent(event)}${detail ? ` — ${detail}` : ''}`
}

export async function shippedExamples(): Promise<{ label: string; event: SegmentEvent }[]> {
  const lines = (await readFile(EXAMPLES_FILE, 'utf8')).split(/\r?\n/)
  return lines.flatMap((text, index) => {
    if (text.trim() === '') return []
    const event = JSON.parse(text) as SegmentEvent
    return [{ label: exampleLabel(event, index + 1), event }]
  })
}
