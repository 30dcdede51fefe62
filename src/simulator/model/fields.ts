import { isBlank, RecordInvalid, type Details, type Input } from '../http'
import { timestamp, type Store } from '../state'
import type { FieldOption, FieldRecord } from '../types'

const FIELD_TYPES = [
  'checkbox',
  'date',
  'decimal',
  'dropdown',
  'integer',
  'lookup',
  'multiselect',
  'regexp',
  'text',
  'textarea'
]
const KEY_RULE = /^(?!\d+$)[A-Za-z0-9_]+$/

export type FieldResource = 'user_fields' | 'organization_fields' | `custom_objects/${string}/fields`

export function fieldOptions(store: Store, options: unknown): FieldOption[] {
  return (Array.isArray(options) ? options : []).map((o: Input) => ({
    id: store.nextId(),
    name: String(o.name),
    raw_name: String(o.name),
    value: String(o.value),
    default: false
  }))
}

/** Creates a user, organization or custom object field (POST .../user_fields), enforcing Zendesk's key rule and uniqueness. */
export function createField(store: Store, list: FieldRecord[], resource: FieldResource, input: Input): FieldRecord {
  const key = input.key
  const title = input.title
  const type = input.type ?? 'text'
  const details: Details = {}
  if (isBlank(key)) details.key = [{ description: 'Key: cannot be blank', error: 'BlankValue' }]
  else if (typeof key !== 'string' || !KEY_RULE.test(key))
    details.key = [{ description: 'Key: is invalid', error: 'InvalidValue' }]
  else if (list.some((f) => f.key.toLowerCase() === key.toLowerCase())) {
    details.key = [{ description: 'Key: has already been taken', error: 'DuplicateValue' }]
  }
  if (isBlank(title)) details.title = [{ description: 'Title: cannot be blank', error: 'BlankValue' }]
  if (!FIELD_TYPES.includes(type)) details.type = [{ description: 'Type: is invalid', error: 'InvalidValue' }]
  if (Object.keys(details).length > 0) throw new RecordInvalid(details)

  const id = store.nextId()
  const now = timestamp()
  const description = typeof input.description === 'string' ? input.description : ''
  const field: FieldRecord = {
    url: store.apiUrl(`${resource}/${id}`),
    id,
    type,
    key,
    title: String(title),
    description,
    raw_title: String(title),
    raw_description: description,
    position: 9999,
    active: true,
    system: false,
    regexp_for_validation: typeof input.regexp_for_validation === 'string' ? input.regexp_for_validation : null,
    ...(type === 'dropdown' || type === 'multiselect'
      ? { custom_field_options: fieldOptions(store, input.custom_field_options) }
      : {}),
    created_at: now,
    updated_at: now
  }
  list.push(field)
  return field
}

function normalize(field: FieldRecord, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (field.type === 'checkbox') return value === true || value === 'true' || value === 1
  if (field.type === 'date') {
    const time = Date.parse(String(value))
    return Number.isNaN(time) ? value : `${new Date(time).toISOString().slice(0, 10)}T00:00:00+00:00`
  }
  return value
}

/** Merges `values` into `stored`, keeping only keys of defined fields (Zendesk drops the rest silently). */
export function mergeFieldValues(defs: FieldRecord[], stored: Record<string, unknown>, values: unknown): void {
  if (values === null || typeof values !== 'object') return
  for (const [key, value] of Object.entries(values)) {
    const field = defs.find((f) => f.key === key)
    if (field) stored[key] = normalize(field, value)
  }
}

/** Every defined key, as Zendesk lists them: null when unset, false for an unset checkbox. */
export function presentFieldValues(defs: FieldRecord[], stored: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(defs.map((f) => [f.key, stored[f.key] ?? (f.type === 'checkbox' ? false : null)]))
}
