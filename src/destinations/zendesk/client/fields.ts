import { TtlCache } from '../lookups/ttl-cache'
import type { ZendeskHttp } from './http'

export interface CustomField {
  id: number
  key: string
  type: string
  title?: string
  active?: boolean
}

export type FieldKind = 'user_fields' | 'organization_fields'

const FIELD_LIST_MAX_AGE_MS = 5 * 60 * 1000
const REFRESH_AT_MOST_EVERY_MS = 60 * 1000

interface CachedFieldList {
  fields: CustomField[]
  loadedAt: number
}

const fieldLists = new TtlCache<string, CachedFieldList>(500, FIELD_LIST_MAX_AGE_MS)
const inFlight = new Map<string, Promise<CachedFieldList>>()
/** Accounts whose list was re-read (or tried) within the last minute, so a failing refresh is not retried per event. */
const recentRefreshes = new TtlCache<string, true>(500, REFRESH_AT_MOST_EVERY_MS)
/** Fields Zendesk refused to create (e.g. 403 for a non-admin token), with the reason, so no event asks again soon. */
const refusedCreations = new TtlCache<string, string>(5000, FIELD_LIST_MAX_AGE_MS)

/** Tests start each case with an empty cache. */
export function clearFieldCache(): void {
  fieldLists.clear()
  inFlight.clear()
  recentRefreshes.clear()
  refusedCreations.clear()
}

/**
 * The account's user or organization fields, read with pagination and cached for a few minutes.
 * Concurrent callers share one request.
 */
export async function customFields(http: ZendeskHttp, kind: FieldKind): Promise<CustomField[]> {
  const key = `${http.origin}|${kind}`
  const cached = fieldLists.get(key)
  if (cached) return cached.fields
  return (await load(http, kind, key)).fields
}

/**
 * Re-reads the field list when a trait matched nothing, at most once a minute per account,
 * so a field an admin just created is picked up without a request per event.
 */
export async function refreshCustomFields(http: ZendeskHttp, kind: FieldKind): Promise<CustomField[] | undefined> {
  const key = `${http.origin}|${kind}`
  const cached = fieldLists.get(key)
  if (cached && (Date.now() - cached.loadedAt < REFRESH_AT_MOST_EVERY_MS || recentRefreshes.get(key))) return undefined
  recentRefreshes.set(key, true)
  return (await load(http, kind, key)).fields
}

/** Records a field this destination just created so the next event sees it without a refresh. */
export function rememberCreatedField(http: ZendeskHttp, kind: FieldKind, field: CustomField): void {
  const key = `${http.origin}|${kind}`
  const cached = fieldLists.get(key)
  if (cached && !cached.fields.some((f) => f.key === field.key)) {
    fieldLists.set(key, { fields: [...cached.fields, field], loadedAt: cached.loadedAt })
  }
}

/** Remembers for a few minutes that Zendesk refused to create this field, and why. */
export function rememberRefusedField(http: ZendeskHttp, kind: FieldKind, fieldKey: string, reason: string): void {
  refusedCreations.set(`${http.origin}|${kind}|${fieldKey}`, reason)
}

/** Why Zendesk recently refused to create this field, if it did. */
export function refusedField(http: ZendeskHttp, kind: FieldKind, fieldKey: string): string | undefined {
  return refusedCreations.get(`${http.origin}|${kind}|${fieldKey}`)
}

function load(http: ZendeskHttp, kind: FieldKind, key: string): Promise<CachedFieldList> {
  let pending = inFlight.get(key)
  if (!pending) {
    pending = http
      .listAll<CustomField>(kind, kind, kind === 'user_fields' ? 'user fields' : 'organization fields')
      .then((fields) => {
        const list = { fields, loadedAt: Date.now() }
        fieldLists.set(key, list)
        return list
      })
      .finally(() => inFlight.delete(key))
    inFlight.set(key, pending)
  }
  return pending
}

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
