import { PayloadValidationError } from '@segment/actions-core'
import { objectKeySegment, type CustomObjectField, type RecordInput } from '../client/custom-objects'
import { matchFieldKey, sameFieldAs } from '../fields/keys'
import { text } from '../fields/text'
import { checkedValue, type LookupTarget } from './field-values'
import type { Payload } from './generated-types'

/** Zendesk's limit on the size of one record. */
export const MAX_RECORD_BYTES = 32 * 1024

/** Which record an event writes: its object and external_id. */
export interface RecordTarget {
  objectKey: string
  externalId: string
}

/** A lookup field whose user or organization is still to be found. */
export interface PendingLookup {
  fieldKey: string
  target: LookupTarget
  reference: string
}

/** An event's record, checked against its object's fields: what to send, and what to resolve first. */
export interface RecordDraft extends RecordTarget {
  record: RecordInput
  lookups: PendingLookup[]
  /** Mapped keys the object has no field for (the field list may be read again for them). */
  unmatched: string[]
  /** What was mapped and is not sent, and why. */
  notSent: string[]
}

const STANDARD_FIELD = 'standard::'

/**
 * The record an event names, checked before any request: the object's key, the external_id, and a record no larger
 * than Zendesk takes.
 */
export function targetOf(payload: Payload): RecordTarget {
  const objectKey = text(payload.custom_object_key)
  if (objectKey === undefined) {
    throw new PayloadValidationError('custom_object_key is empty: choose the custom object the records belong to.')
  }
  const externalId = text(payload.external_id)
  if (externalId === undefined) {
    throw new PayloadValidationError(
      "external_id is empty: map the record's external ID (by default properties.id, else the event's messageId)."
    )
  }
  const bytes = Buffer.byteLength(JSON.stringify({ name: payload.name, fields: payload.custom_object_fields }))
  if (bytes > MAX_RECORD_BYTES) {
    throw new PayloadValidationError(
      `The record is ${Math.ceil(bytes / 1024)} KB; Zendesk takes at most ${MAX_RECORD_BYTES / 1024} KB per custom object record.`
    )
  }
  return { objectKey: objectKeySegment(objectKey), externalId }
}

/**
 * The event's record for an object with these fields: its name (unless the object numbers names itself) and each
 * mapped value under the field it belongs to (its key as given, in snake_case or in camelCase), checked against
 * the field's type. A key the object has no field for is not sent and is reported, never an error.
 */
export function draftOf(payload: Payload, target: RecordTarget, objectFields: CustomObjectField[]): RecordDraft {
  const draft: RecordDraft = {
    ...target,
    record: { custom_object_fields: {} },
    lookups: [],
    unmatched: [],
    notSent: []
  }
  const name = text(payload.name)
  const numbered = objectFields.some((f) => f.key === `${STANDARD_FIELD}name` && f.properties?.autoincrement_enabled)
  if (name !== undefined && numbered) draft.notSent.push(`name (${target.objectKey} numbers its records itself)`)
  else if (name !== undefined) draft.record.name = name

  const fields = new Map(
    objectFields.filter((f) => !f.key.startsWith(STANDARD_FIELD) && f.active !== false).map((f) => [f.key, f])
  )
  const fieldKeys = new Set(fields.keys())
  const keyOf = new Map<string, string>()
  const values: [string, unknown][] = []
  for (const [key, value] of Object.entries(payload.custom_object_fields ?? {})) {
    if (value === undefined) continue
    const fieldKey = matchFieldKey(key, fieldKeys)
    const earlier = fieldKey === undefined ? undefined : keyOf.get(fieldKey)
    if (fieldKey === undefined) {
      draft.unmatched.push(key)
      draft.notSent.push(`${key} (no field of ${target.objectKey})`)
    } else if (earlier !== undefined) draft.notSent.push(`${key} (${sameFieldAs(fieldKey, earlier)})`)
    else {
      keyOf.set(fieldKey, key)
      const checked = checkedValue(fields.get(fieldKey)!, value)
      if ('lookup' in checked) draft.lookups.push({ fieldKey, target: checked.lookup, reference: checked.reference })
      else values.push([fieldKey, checked.value])
    }
  }
  // fromEntries defines own properties, so even a key like "__proto__" stays plain data.
  draft.record.custom_object_fields = Object.fromEntries(values)
  return draft
}
