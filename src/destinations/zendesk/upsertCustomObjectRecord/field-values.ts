import { PayloadValidationError } from '@segment/actions-core'
import type { CustomObjectField } from '../client/custom-objects'
import { isZendeskId } from '../client/ids'
import { quote } from '../client/quote'

/** What a lookup field to a user or an organization is mapped from, resolved to a Zendesk id before writing. */
export type LookupTarget = 'user' | 'organization'

/** A value checked against its field: ready to send, or the user or organization a lookup field points at. */
export type CheckedValue = { value: unknown } | { lookup: LookupTarget; reference: string }

const OPTIONS_NAMED = 10
const DATE = /^\d{4}-\d{2}-\d{2}$/
const INTEGER = /^-?\d+$/
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/
const LOOKUP_TARGETS: Record<string, LookupTarget> = { 'zen:user': 'user', 'zen:organization': 'organization' }

/** The field's key and type, as messages name it: `custom_object_fields.amount (decimal)`. */
export const fieldName = (field: CustomObjectField) => `custom_object_fields.${field.key} (${field.type})`

function refused(field: CustomObjectField, value: unknown, expected: string): PayloadValidationError {
  return new PayloadValidationError(`${fieldName(field)} must be ${expected}, got ${quote(value)}`)
}

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined

/**
 * The mapped value checked against the custom object field's type before any request, as Zendesk stores it: text
 * for text fields, true/false for a checkbox, whole or decimal numbers, a YYYY-MM-DD date, an option's value
 * (matched by value, or by name in any case), a list of them for a multi-select. A lookup to a user or an
 * organization is their external id (or a user's email), resolved later; one to a ticket is its id; null clears
 * the field. Anything else is a PayloadValidationError naming the field and why.
 */
export function checkedValue(field: CustomObjectField, value: unknown): CheckedValue {
  if (value === null) return { value: null }
  switch (field.type) {
    case 'text':
    case 'textarea':
      return { value: textOf(field, value) }
    case 'regexp':
      return { value: matchingPattern(field, textOf(field, value)) }
    case 'checkbox':
      return { value: checkboxOf(field, value) }
    case 'integer':
      return { value: numberOf(field, value, true) }
    case 'decimal':
      return { value: numberOf(field, value, false) }
    case 'date':
      return { value: dateOf(field, value) }
    case 'dropdown':
      return { value: optionOf(field, value) }
    case 'multiselect':
      return { value: (Array.isArray(value) ? value : [value]).map((one) => optionOf(field, one)) }
    case 'lookup':
      return lookupOf(field, value)
    default:
      return { value }
  }
}

function textOf(field: CustomObjectField, value: unknown): string {
  const text = typeof value === 'boolean' ? String(value) : asText(value)
  if (text === undefined) throw refused(field, value, 'text')
  return text
}

/** Zendesk checks a regexp field with its own (Ruby) pattern; one JavaScript cannot read is left to Zendesk. */
function matchingPattern(field: CustomObjectField, text: string): string {
  let pattern: RegExp | undefined
  try {
    pattern = field.regexp_for_validation ? new RegExp(field.regexp_for_validation) : undefined
  } catch {
    pattern = undefined
  }
  if (pattern && !pattern.test(text)) throw refused(field, text, `text matching ${field.regexp_for_validation}`)
  return text
}

function checkboxOf(field: CustomObjectField, value: unknown): boolean {
  if (typeof value === 'boolean') return value
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined
  if (text === 'true' || text === 'false') return text === 'true'
  throw refused(field, value, 'true or false')
}

/** A whole or decimal number, given as a number or as its digits. */
function numberOf(field: CustomObjectField, value: unknown, whole: boolean): number {
  const expected = whole ? 'a whole number' : 'a number'
  const text = typeof value === 'string' ? value.trim() : undefined
  if (text !== undefined && !(whole ? INTEGER : DECIMAL).test(text)) throw refused(field, value, expected)
  const number = text === undefined ? value : Number(text)
  if (typeof number !== 'number' || !Number.isFinite(number) || (whole && !Number.isSafeInteger(number))) {
    throw refused(field, value, expected)
  }
  return number
}

/** A date as Zendesk keeps it (YYYY-MM-DD): given so, or the UTC day of a date and time. */
function dateOf(field: CustomObjectField, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : undefined
  const time = text === undefined ? NaN : Date.parse(text)
  if (text === undefined || Number.isNaN(time)) throw refused(field, value, 'a date (YYYY-MM-DD)')
  return DATE.test(text) ? text : new Date(time).toISOString().slice(0, 10)
}

function optionOf(field: CustomObjectField, value: unknown): string {
  const text = asText(value)?.trim()
  const options = field.custom_field_options ?? []
  const option =
    text === undefined
      ? undefined
      : (options.find((o) => o.value === text) ?? options.find((o) => o.name.toLowerCase() === text.toLowerCase()))
  if (option) return option.value
  const named = options.slice(0, OPTIONS_NAMED).map((o) => o.value)
  const more = options.length > OPTIONS_NAMED ? `, … (${options.length} in all)` : ''
  throw refused(field, value, options.length ? `one of its options: ${named.join(', ')}${more}` : 'an option')
}

/**
 * A lookup field's target: a user or an organization named by external id (a user also by email), a ticket by its
 * id, another custom object's record by its id.
 */
function lookupOf(field: CustomObjectField, value: unknown): CheckedValue {
  const text = asText(value)?.trim()
  const targetType = field.relationship_target_type ?? ''
  const lookup = LOOKUP_TARGETS[targetType]
  if (lookup) {
    if (!text) {
      throw refused(
        field,
        value,
        lookup === 'user' ? 'the external id or email of a user' : 'the external id of an organization'
      )
    }
    return { lookup, reference: text }
  }
  if (targetType === 'zen:ticket') {
    if (text === undefined || !isZendeskId(text)) throw refused(field, value, 'a ticket id')
    return { value: Number(text) }
  }
  if (!text) throw refused(field, value, `the id of the record it points at (${targetType || 'a lookup'})`)
  return { value: text }
}
