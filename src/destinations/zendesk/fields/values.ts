/**
 * A value Zendesk stores in a custom user or organization field: a text, a finite number, true or false, null
 * (which clears the field), or a list of texts and numbers (a multi-select field's options).
 */
export type FieldValue = string | number | boolean | null | (string | number)[]

const isNumberOrText = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number'

/**
 * Why Zendesk cannot store `value` in a custom field, or undefined when it can. NaN and ±Infinity are numbers
 * JSON cannot carry (they would arrive as null and clear the field), so they are reported, never sent.
 */
export function whyNotAFieldValue(value: unknown): string | undefined {
  const list = Array.isArray(value)
  const single = list
    ? value.every(isNumberOrText)
    : value === null || isNumberOrText(value) || typeof value === 'boolean'
  if (!single) return 'not a single value'
  const numbers = (list ? value : [value]).filter((v) => typeof v === 'number')
  return numbers.every(Number.isFinite) ? undefined : 'not a finite number'
}

export function isFieldValue(value: unknown): value is FieldValue {
  return whyNotAFieldValue(value) === undefined
}
