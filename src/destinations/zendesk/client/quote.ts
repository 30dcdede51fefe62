const MAX_QUOTED_LENGTH = 120

/** A value as it appears in an error message: JSON-quoted and cut short, so a 100 KB input gives a short message. */
export function quote(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value)
  return json.length > MAX_QUOTED_LENGTH ? `${json.slice(0, MAX_QUOTED_LENGTH)}…(${json.length} characters)` : json
}
