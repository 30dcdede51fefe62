import { PayloadValidationError, type Logger } from '@segment/actions-core'
import { statusOf } from '../batch/results'
import type { ZendeskClient } from '../client'
import { fieldRefused } from '../client/errors'
import type { OrganizationFieldValue } from '../client/organizations'
import { matchFieldKey, sameFieldAs, snakeCase } from '../fields/keys'
import { isFieldValue, whyNotAFieldValue } from '../fields/values'

/** Traits that Upsert Organization sends as standard attributes, or acts on, rather than as custom fields. */
const STANDARD_TRAITS = new Set([
  'id',
  'groupId',
  'group_id',
  'external_id',
  'name',
  'domainNames',
  'domain_names',
  'tags',
  'details',
  'notes',
  'url',
  'deleted'
])

/** Zendesk's rule for custom field keys. */
const FIELD_KEY = /^(?!\d+$)[A-Za-z0-9_]+$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

export interface OrganizationFieldPlan {
  /** organization_fields to send, by Zendesk field key */
  values: Record<string, OrganizationFieldValue>
  /** traits that were not sent, each with the reason */
  notSent: TraitNotSent[]
}

export interface TraitNotSent {
  trait: string
  reason: string
}

/** A trait not sent, as results and logs show it: `trait (reason)`. */
export const describeNotSent = ({ trait, reason }: TraitNotSent): string => `${trait} (${reason})`

type Candidate = [trait: string, value: unknown]

/** What the field plans need of the client: the field lists and field creation. */
type FieldsClient = Pick<ZendeskClient, 'fieldLists' | 'organizations'>

/** The traits to save as custom fields: every trait but the standard ones, plus the website URL under `url`. */
export function customFieldTraits(
  organizationFields: Record<string, unknown> | undefined,
  url: string | undefined
): Record<string, unknown> {
  const traits = Object.fromEntries(
    Object.entries(organizationFields ?? {}).filter(([key]) => !STANDARD_TRAITS.has(key))
  )
  if (url?.trim()) traits.url = url.trim()
  return traits
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))

const isIsoDate = (value: unknown): value is string =>
  typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))

/** The field type a new field gets from the first value seen for it. */
export function fieldTypeFor(value: string | number | boolean): string {
  if (typeof value === 'boolean') return 'checkbox'
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'decimal'
  return isIsoDate(value) ? 'date' : 'text'
}

/** Date fields take a calendar date; a full ISO timestamp is cut to the date it names. */
function valueFor(type: string | undefined, value: OrganizationFieldValue): OrganizationFieldValue {
  return type === 'date' && isIsoDate(value) ? value.slice(0, 10) : value
}

const titleFor = (key: string): string => {
  const words = key.replace(/_+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * The custom organization fields for each of several trait sets (one per event of a batch). A trait is
 * matched to an existing field key as given, in snake_case or in camelCase; a trait with no field gets a new
 * field under its snake_case key, typed from its value and created once for all events. A trait that cannot
 * become a valid key, that is not a single value, or whose field Zendesk refused to create is not sent and
 * is reported (logged and listed in `notSent`); the other traits are still sent.
 */
export async function organizationFieldPlans(
  client: FieldsClient,
  traitSets: Record<string, unknown>[],
  logger?: Logger
): Promise<OrganizationFieldPlan[]> {
  const candidates: Candidate[][] = traitSets.map((traits) =>
    Object.entries(traits).filter(([, value]) => value !== undefined)
  )
  if (candidates.every((list) => list.length === 0)) return candidates.map(() => ({ values: {}, notSent: [] }))

  const fieldTypes = await knownFieldTypes(client, candidates.flat())
  const refused = await createMissingFields(client, candidates.flat(), fieldTypes)

  const fieldKeys = new Set(fieldTypes.keys())
  const plans = candidates.map((list) => {
    const values = new Map<string, OrganizationFieldValue>()
    const traitOf = new Map<string, string>()
    const notSent: TraitNotSent[] = []
    for (const [trait, value] of list) {
      const key = matchFieldKey(trait, fieldKeys) ?? snakeCase(trait)
      const earlier = traitOf.get(key)
      if (earlier !== undefined && value !== null) notSent.push({ trait, reason: sameFieldAs(key, earlier) })
      else if (earlier !== undefined) continue
      else if (fieldTypes.has(key) && isFieldValue(value)) {
        values.set(key, valueFor(fieldTypes.get(key), value))
        traitOf.set(key, trait)
      } else if (value !== null) notSent.push({ trait, reason: reasonNotSent(key, value, refused) })
    }
    // fromEntries defines own properties, so even a key like "__proto__" stays plain data.
    return { values: Object.fromEntries(values), notSent }
  })
  const notSent = [...new Set(plans.flatMap((p) => p.notSent.map(describeNotSent)))]
  if (notSent.length) logger?.warn(`These organization traits were not sent to Zendesk: ${notSent.join(', ')}`)
  return plans
}

function reasonNotSent(key: string, value: unknown, refused: Map<string, string>): string {
  if (!FIELD_KEY.test(key)) return 'cannot be a Zendesk field key'
  return refused.get(key) ?? whyNotAFieldValue(value) ?? 'no organization field'
}

/** Field key → type; the cached list is re-read (at most once a minute) when a trait matches no field. */
async function knownFieldTypes(client: FieldsClient, candidates: Candidate[]): Promise<Map<string, string>> {
  const typesOf = (fields: { key: string; type: string }[]) => new Map(fields.map((f) => [f.key, f.type]))
  const types = typesOf(await client.fieldLists.list('organization_fields'))
  const keys = new Set(types.keys())
  if (candidates.some(([trait, value]) => value !== null && !matchFieldKey(trait, keys))) {
    try {
      const refreshed = await client.fieldLists.refresh('organization_fields')
      if (refreshed) return typesOf(refreshed)
    } catch {
      // The cached list is still good; missing fields are created below (an existing one is a DuplicateValue on key).
    }
  }
  return types
}

/**
 * Creates each missing field once (adding it to `fieldTypes`); concurrent batches share a creation under way. A
 * concurrent creation elsewhere (Zendesk refuses the key as
 * a DuplicateValue) counts as created. A field Zendesk refuses (403 or a validation error) is returned with the reason;
 * any other failure (rate limit, server error, credentials) is thrown, so the event is retried whole.
 */
async function createMissingFields(
  client: FieldsClient,
  candidates: Candidate[],
  fieldTypes: Map<string, string>
): Promise<Map<string, string>> {
  const existing = new Set(fieldTypes.keys())
  const missing = new Map<string, { trait: string; type: string }>()
  for (const [trait, value] of candidates) {
    if (!isScalar(value) || matchFieldKey(trait, existing)) continue
    const key = snakeCase(trait)
    if (FIELD_KEY.test(key) && !missing.has(key)) missing.set(key, { trait, type: fieldTypeFor(value) })
  }
  const refused = new Map<string, string>()
  for (const [key, { trait, type }] of missing) {
    const refusedBefore = client.fieldLists.refused('organization_fields', key)
    if (refusedBefore) {
      refused.set(key, refusedBefore)
      continue
    }
    try {
      const field = await client.fieldLists.createShared('organization_fields', key, () =>
        client.organizations.createField({
          key,
          title: titleFor(key),
          type,
          description: `Created by the Zendesk destination for the group trait "${trait}".`
        })
      )
      client.fieldLists.remember('organization_fields', field)
      fieldTypes.set(key, field.type ?? type)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (fieldRefused(error, 'key', 'DuplicateValue')) fieldTypes.set(key, type)
      else if (error instanceof PayloadValidationError || statusOf(error) === 403) {
        const reason = `Zendesk did not create the field: ${message}`
        client.fieldLists.rememberRefused('organization_fields', key, reason)
        refused.set(key, reason)
      } else throw error
    }
  }
  return refused
}
