import { transform, type InputField, type JSONObject, type SegmentEvent } from '@segment/actions-core'
import { isObject } from './objects'

/** A value actions-core treats as not given: required fields with one of these fail its schema check. */
export const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)

const TEMPLATE_PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g

/** The event paths a mapping value reads, anywhere in it: `@path` directives and `@template` placeholders. */
export function eventPathsIn(value: unknown): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap(eventPathsIn))]
  if (!isObject(value)) return []
  const own: string[] = []
  if (typeof value['@path'] === 'string') own.push(value['@path'].replace(/^\$\.?/, ''))
  if (typeof value['@template'] === 'string') {
    own.push(...[...value['@template'].matchAll(TEMPLATE_PLACEHOLDER)].map((match) => match[1]))
  }
  return [...new Set([...own, ...Object.values(value).flatMap(eventPathsIn)])].filter((path) => path !== '')
}

/**
 * What the event lacks, in the event's own terms, when its mapped payload has no value for a required field of the
 * action: for each such field, the event paths the mapping takes it from. Worked out from the mapping and the event
 * (actions-core's message names only the payload's field); undefined when no required field is empty.
 */
export function missingFieldsHint(
  fields: Record<string, InputField>,
  mapping: Record<string, unknown>,
  event: SegmentEvent
): string | undefined {
  let payload: Record<string, unknown>
  try {
    payload = transform(mapping as JSONObject, event as unknown as JSONObject)
  } catch {
    return undefined
  }
  const missing = Object.entries(fields).filter(([key, field]) => field.required === true && isEmpty(payload[key]))
  if (missing.length === 0) return undefined
  return missing
    .map(([key, field]) => {
      const paths = eventPathsIn(mapping[key])
      const name = `${field.label} (${key})`
      if (paths.length === 0) return `${name} is not taken from the event: map it to an event path.`
      const send = paths.length === 1 ? paths[0] : `one of ${paths.join(', ')}`
      return `${name} comes from the event's ${paths.join(' or ')}: send ${send}.`
    })
    .join(' ')
}
