import { randomBytes } from 'crypto'
import { isBlank, notFound, RecordInvalid, type Details, type Input } from '../http'
import { timestamp, type Store, type StoredCustomObject } from '../state'
import type {
  CustomObjectDefinition,
  CustomObjectFieldRecord,
  CustomRecord,
  NameNumbering,
  NewCustomObject
} from '../types'
import { createField } from './fields'

/** Zendesk's limit on one record (the size of its JSON). */
export const MAX_RECORD_BYTES = 32 * 1024

const NAME = 'standard::name'
const EXTERNAL_ID = 'standard::external_id'
const DATE = /^\d{4}-\d{2}-\d{2}$/
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A new record id: 26 characters of Crockford base 32, as Zendesk's (ULIDs) look. */
function recordId(): string {
  return `01${[...randomBytes(24)].map((byte) => CROCKFORD[byte % 32]).join('')}`
}

/** A custom object with its standard fields (name, external ID) and its own, for seeding. */
export function addCustomObject(store: Store, input: NewCustomObject): CustomObjectDefinition {
  const now = timestamp()
  const title = input.title ?? input.key
  const by = String(store.agentId)
  const definition: CustomObjectDefinition = {
    key: input.key,
    url: store.apiUrl(`custom_objects/${input.key}`),
    title,
    title_pluralized: `${title}s`,
    raw_title: title,
    raw_title_pluralized: `${title}s`,
    description: '',
    raw_description: '',
    include_in_list_view: true,
    allows_photos: false,
    created_at: now,
    updated_at: now,
    created_by_user_id: by,
    updated_by_user_id: by
  }
  const object: StoredCustomObject = { definition, fields: [], records: new Map() }
  const numbering: NameNumbering = {
    autoincrement_enabled: input.numberedNames !== undefined,
    autoincrement_prefix: input.numberedNames?.prefix ?? '',
    autoincrement_padding: input.numberedNames?.padding ?? 0,
    autoincrement_next_sequence: 1,
    is_unique: false
  }
  const fieldsPath = `custom_objects/${input.key}/fields` as const
  // Standard keys break the rule for keys that admins choose: made under a plain key, then renamed.
  const standard = (key: string, title: string, more: Partial<CustomObjectFieldRecord>) => {
    const field: CustomObjectFieldRecord = createField(store, [], fieldsPath, { key: 'standard', title, type: 'text' })
    object.fields.push(Object.assign(field, { key, raw_title: title, system: true }, more))
  }
  standard(NAME, 'Name', { properties: numbering })
  standard(EXTERNAL_ID, 'External ID', {})
  for (const field of input.fields ?? []) {
    const { options, relationship_target_type, ...rest } = field
    const created: CustomObjectFieldRecord = createField(store, object.fields, fieldsPath, {
      title: field.key,
      ...rest,
      ...(options ? { custom_field_options: options } : {})
    })
    if (relationship_target_type) created.relationship_target_type = relationship_target_type
  }
  object.fields.forEach((field, position) => (field.position = position))
  store.customObjects.set(input.key, object)
  return definition
}

/** The object with this key; an unknown key answers 404. */
export function customObjectOf(store: Store, key: string): StoredCustomObject {
  const object = store.customObjects.get(key)
  if (!object) throw notFound()
  return object
}

/** The record as the API shows it: every field of the object listed, null when unset. */
export function presentRecord(object: StoredCustomObject, record: CustomRecord): CustomRecord {
  const values = Object.fromEntries(
    ownFields(object).map((field) => [field.key, record.custom_object_fields[field.key] ?? null])
  )
  return { ...record, custom_object_fields: values }
}

const ownFields = (object: StoredCustomObject) => object.fields.filter((field) => !field.key.startsWith('standard::'))

/** Record external_ids are compared with case (the documented filter says so). */
export function findRecordByExternalId(object: StoredCustomObject, externalId: unknown): CustomRecord | undefined {
  if (isBlank(externalId)) return undefined
  for (const record of object.records.values()) if (record.external_id === String(externalId)) return record
  return undefined
}

function numbering(object: StoredCustomObject): NameNumbering | undefined {
  const properties = object.fields.find((field) => field.key === NAME)?.properties
  return properties?.autoincrement_enabled ? properties : undefined
}

/** Why a value does not fit its field, or undefined. Lookups must point at a record the account has. */
function problemOf(store: Store, field: CustomObjectFieldRecord, value: unknown): string | undefined {
  if (value === null) return undefined
  const options = (field.custom_field_options ?? []).map((option) => option.value)
  switch (field.type) {
    case 'checkbox':
      return typeof value === 'boolean' ? undefined : 'must be true or false'
    case 'integer':
      return Number.isInteger(Number(value)) && !isBlank(value) ? undefined : 'must be a whole number'
    case 'decimal':
      return Number.isFinite(Number(value)) && !isBlank(value) ? undefined : 'must be a number'
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? undefined : 'must be a date (YYYY-MM-DD)'
    case 'dropdown':
      return options.includes(String(value)) ? undefined : 'is not one of its options'
    case 'multiselect':
      return Array.isArray(value) && value.every((v) => options.includes(String(v)))
        ? undefined
        : 'is not a list of its options'
    case 'lookup':
      return lookupTargetExists(store, field.relationship_target_type ?? '', value) ? undefined : 'points at no record'
    case 'regexp':
      if (typeof value !== 'string') return 'must be text'
      return !field.regexp_for_validation || new RegExp(field.regexp_for_validation).test(value)
        ? undefined
        : 'is invalid'
    default:
      return typeof value === 'string' ? undefined : 'must be text'
  }
}

function lookupTargetExists(store: Store, target: string, value: unknown): boolean {
  if (target === 'zen:user') return store.users.get(Number(value))?.active === true
  if (target === 'zen:organization') return store.organizations.has(Number(value))
  if (target === 'zen:ticket') return store.tickets.has(Number(value))
  const other = store.customObjects.get(target.replace(/^zen:custom_object:/, ''))
  return other?.records.has(String(value)) === true
}

/**
 * Checks a record's input as Zendesk would: a name for a new record unless names are numbered (then none may be
 * given), an external_id no other record of the object has, each known field's value fitting its type, and at most
 * 32 KB in all. Keys that are no field of the object are ignored.
 */
function validate(store: Store, object: StoredCustomObject, input: Input, existing?: CustomRecord): void {
  const details: Details = {}
  const numbered = numbering(object)
  if (numbered && 'name' in input) {
    details.name = [{ description: 'Name: is generated automatically and cannot be set', error: 'InvalidValue' }]
  } else if (!numbered && !existing && isBlank(input.name)) {
    details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }]
  }
  const owner = findRecordByExternalId(object, input.external_id)
  if (owner && owner.id !== existing?.id) {
    details.external_id = [
      { description: `External id: ${input.external_id} has already been taken`, error: 'DuplicateValue' }
    ]
  }
  const values = input.custom_object_fields
  if (values !== undefined && (values === null || typeof values !== 'object' || Array.isArray(values))) {
    details.custom_object_fields = [{ description: 'Custom object fields: must be an object', error: 'InvalidValue' }]
  } else {
    for (const field of ownFields(object)) {
      if (!values || !(field.key in values)) continue
      const problem = problemOf(store, field, values[field.key])
      if (problem) details[field.key] = [{ description: `${field.title}: ${problem}`, error: 'InvalidValue' }]
    }
  }
  if (Buffer.byteLength(JSON.stringify(input)) > MAX_RECORD_BYTES) {
    details.base = [{ description: `Record: is larger than ${MAX_RECORD_BYTES / 1024} KB`, error: 'TooLarge' }]
  }
  if (Object.keys(details).length > 0) throw new RecordInvalid(details)
}

function applyInput(object: StoredCustomObject, record: CustomRecord, input: Input): void {
  if (!isBlank(input.name)) record.name = String(input.name).trim()
  if ('external_id' in input) record.external_id = isBlank(input.external_id) ? null : String(input.external_id)
  for (const field of ownFields(object)) {
    if (input.custom_object_fields && field.key in input.custom_object_fields) {
      record.custom_object_fields[field.key] = input.custom_object_fields[field.key]
    }
  }
}

export function createRecord(store: Store, object: StoredCustomObject, input: Input): CustomRecord {
  validate(store, object, input)
  const id = recordId()
  const now = timestamp()
  const by = String(store.agentId)
  const numbered = numbering(object)
  const name = numbered
    ? `${numbered.autoincrement_prefix}${String(numbered.autoincrement_next_sequence++).padStart(numbered.autoincrement_padding, '0')}`
    : String(input.name).trim()
  const record: CustomRecord = {
    id,
    url: store.apiUrl(`custom_objects/${object.definition.key}/records/${id}`),
    custom_object_key: object.definition.key,
    name,
    external_id: null,
    custom_object_fields: {},
    photo: null,
    created_at: now,
    updated_at: now,
    created_by_user_id: by,
    updated_by_user_id: by
  }
  applyInput(object, record, input)
  object.records.set(id, record)
  return record
}

export function updateRecord(
  store: Store,
  object: StoredCustomObject,
  record: CustomRecord,
  input: Input
): CustomRecord {
  validate(store, object, input, record)
  applyInput(object, record, input)
  record.updated_at = timestamp()
  record.updated_by_user_id = String(store.agentId)
  return record
}

/** Set by external id: the record with it updated (only what is given), else created with it. */
export function upsertRecord(
  store: Store,
  object: StoredCustomObject,
  externalId: string,
  input: Input
): { record: CustomRecord; created: boolean } {
  const existing = findRecordByExternalId(object, externalId)
  const withId = { ...input, external_id: externalId }
  if (existing) return { record: updateRecord(store, object, existing, withId), created: false }
  return { record: createRecord(store, object, withId), created: true }
}

export function deleteRecord(object: StoredCustomObject, record: CustomRecord): void {
  object.records.delete(record.id)
}

/** A record with chosen values, for seeding (checked as a create is). */
export function insertRecord(store: Store, objectKey: string, input: Input): CustomRecord {
  const object = store.customObjects.get(objectKey)
  if (!object) throw new Error(`No custom object ${objectKey} to seed a record in`)
  return createRecord(store, object, input)
}
