export const snakeCase = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase()

export const camelCase = (key: string): string =>
  key.replace(/[_\s-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase())

/** The field key a trait belongs to: as given, else its snake_case form, else its camelCase form. */
export function matchFieldKey(traitKey: string, fieldKeys: Set<string>): string | undefined {
  return [traitKey, snakeCase(traitKey), camelCase(traitKey)].find((candidate) => fieldKeys.has(candidate))
}

/** Why a trait was not sent when an earlier trait of the same event already fills its field. */
export const sameFieldAs = (fieldKey: string, earlierTrait: string): string =>
  `field "${fieldKey}" already takes the trait "${earlierTrait}"`
