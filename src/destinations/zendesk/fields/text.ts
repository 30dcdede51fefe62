/** A mapped value as trimmed text, or undefined when it is empty: an empty string passes actions-core's `required`. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'number' ? String(value) : typeof value === 'string' && value.trim() ? value.trim() : undefined
