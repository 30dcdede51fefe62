import type { Logger } from '@segment/actions-core'
import type { FieldListsApi } from '../client/field-lists'
import { matchFieldKey, sameFieldAs } from '../fields/keys'
import { isFieldValue, whyNotAFieldValue, type FieldValue } from '../fields/values'

/** Traits that other Upsert User fields already send as standard user attributes. */
const STANDARD_TRAITS = new Set([
  'email',
  'name',
  'first_name',
  'last_name',
  'firstName',
  'lastName',
  'organizationId',
  'organization_id',
  'timezone',
  'time_zone',
  'phone',
  'company',
  'id',
  'userId',
  'user_id',
  'external_id'
])

/** The traits that are not standard user attributes, i.e. candidates for user fields. */
export function customTraits(traits: Record<string, unknown> | undefined): [string, unknown][] {
  return Object.entries(traits ?? {}).filter(([key, value]) => !STANDARD_TRAITS.has(key) && value !== undefined)
}

/**
 * Keeps the traits that have a Zendesk user field (matched as given, snake_case or camelCase), keyed by the
 * field's key. Unmatched traits are logged and dropped, never an error; one unmatched trait may refresh the
 * cached field list (at most once a minute) so a field an admin just created is used.
 */
export async function userFieldValues(
  fieldLists: FieldListsApi,
  traits: Record<string, unknown> | undefined,
  logger?: Logger
): Promise<Record<string, FieldValue> | undefined> {
  const candidates = customTraits(traits)
  if (candidates.length === 0) return undefined

  let fieldKeys = new Set((await fieldLists.list('user_fields')).map((f) => f.key))
  if (candidates.some(([key]) => !matchFieldKey(key, fieldKeys))) {
    try {
      const refreshed = await fieldLists.refresh('user_fields')
      if (refreshed) fieldKeys = new Set(refreshed.map((f) => f.key))
    } catch (error) {
      // The cached list is still good; a failed refresh only delays picking up a new field.
      logger?.warn(`Could not re-read Zendesk user fields: ${(error as Error).message}`)
    }
  }

  const values = new Map<string, FieldValue>()
  const traitOf = new Map<string, string>()
  const dropped: string[] = []
  for (const [trait, value] of candidates) {
    const fieldKey = matchFieldKey(trait, fieldKeys)
    const earlier = fieldKey === undefined ? undefined : traitOf.get(fieldKey)
    if (fieldKey === undefined) dropped.push(`${trait} (no user field)`)
    else if (earlier !== undefined) dropped.push(`${trait} (${sameFieldAs(fieldKey, earlier)})`)
    else if (isFieldValue(value)) {
      values.set(fieldKey, value)
      traitOf.set(fieldKey, trait)
    } else dropped.push(`${trait} (${whyNotAFieldValue(value)})`)
  }
  if (dropped.length) {
    logger?.info(`User traits not sent: ${dropped.join(', ')}`)
  }
  // fromEntries defines own properties, so even a key like "__proto__" stays plain data.
  return values.size ? Object.fromEntries(values) : undefined
}
