import { isBlank, RecordInvalid, toTags, type Details, type Input } from '../http'
import { timestamp, type Store } from '../state'
import { firstInOrder } from '../text-index'
import type { OrganizationRecord } from '../types'
import { mergeFieldValues, presentFieldValues } from './fields'
import { removeMembership } from './memberships'

export function findOrganizationByExternalId(store: Store, externalId: unknown): OrganizationRecord | undefined {
  if (isBlank(externalId)) return undefined
  return firstInOrder(store.organizations, store.organizationsByExternalId.get(String(externalId)))
}

export function findOrganizationByName(store: Store, name: unknown): OrganizationRecord | undefined {
  if (isBlank(name)) return undefined
  return firstInOrder(store.organizations, store.organizationsByName.get(String(name).trim()))
}

/** create_or_update matching: id, then external_id (case-insensitive); never by name. */
export function matchOrganization(store: Store, input: Input): OrganizationRecord | undefined {
  return store.organizations.get(Number(input.id)) ?? findOrganizationByExternalId(store, input.external_id)
}

/**
 * The organization as Zendesk answers it. `fieldValues`: every defined organization field listed (null when
 * unset, false for an unset checkbox, as recorded for user_fields), or only the fields that have a value.
 */
export function presentOrganization(
  store: Store,
  org: OrganizationRecord,
  fieldValues: 'every-key' | 'set-only' = 'every-key'
): OrganizationRecord {
  const organization_fields =
    fieldValues === 'every-key'
      ? presentFieldValues(store.organizationFields, org.organization_fields)
      : Object.fromEntries(Object.entries(org.organization_fields).filter(([, value]) => value !== null))
  return { ...org, organization_fields }
}

function validate(store: Store, input: Input, existing?: OrganizationRecord): void {
  const details: Details = {}
  if (!existing || 'name' in input) {
    const namesake = findOrganizationByName(store, input.name)
    if (isBlank(input.name)) details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }]
    else if (namesake && namesake.id !== existing?.id) {
      details.name = [
        { description: `Name: ${String(input.name).trim()} has already been taken`, error: 'DuplicateValue' }
      ]
    }
  }
  const externalOwner = findOrganizationByExternalId(store, input.external_id)
  if (externalOwner && externalOwner.id !== existing?.id) {
    details.external_id = [
      { description: `External: ${input.external_id} has already been taken`, error: 'DuplicateValue' }
    ]
  }
  if (Object.keys(details).length > 0) throw new RecordInvalid(details)
}

/** Writable attributes only: `url` and other read-only keys in the body are ignored. */
function applyAttributes(store: Store, org: OrganizationRecord, input: Input): void {
  if (!isBlank(input.name)) org.name = String(input.name).trim()
  if ('external_id' in input) org.external_id = isBlank(input.external_id) ? null : String(input.external_id)
  if ('details' in input) org.details = input.details
  if ('notes' in input) org.notes = input.notes
  if ('group_id' in input) org.group_id = input.group_id
  if (typeof input.shared_tickets === 'boolean') org.shared_tickets = input.shared_tickets
  if (typeof input.shared_comments === 'boolean') org.shared_comments = input.shared_comments
  if ('tags' in input) org.tags = toTags(input.tags)
  if ('domain_names' in input) org.domain_names = toTags(input.domain_names)
  mergeFieldValues(store.organizationFields, org.organization_fields, input.organization_fields)
  index(store, org)
}

/** The organization is looked up by its name and external_id as they are now. */
function index(store: Store, org: OrganizationRecord): void {
  store.organizationsByName.set(org, org.name)
  store.organizationsByExternalId.set(org, org.external_id)
}

function blankOrganization(store: Store, id: number, name: string): OrganizationRecord {
  const now = timestamp()
  return {
    url: store.apiUrl(`organizations/${id}`),
    id,
    name,
    shared_tickets: false,
    shared_comments: false,
    external_id: null,
    created_at: now,
    updated_at: now,
    domain_names: [],
    details: null,
    notes: null,
    group_id: null,
    tags: [],
    organization_fields: {}
  }
}

export function createOrganization(store: Store, input: Input): OrganizationRecord {
  validate(store, input)
  const org = blankOrganization(store, store.nextId(), String(input.name).trim())
  applyAttributes(store, org, input)
  store.organizations.set(org.id, org)
  return org
}

export function updateOrganization(store: Store, org: OrganizationRecord, input: Input): OrganizationRecord {
  validate(store, input, org)
  applyAttributes(store, org, input)
  org.updated_at = timestamp()
  return org
}

export function deleteOrganization(store: Store, org: OrganizationRecord): void {
  for (const m of [...store.memberships.values()]) if (m.organization_id === org.id) removeMembership(store, m)
  store.organizations.delete(org.id)
  store.organizationsByName.delete(org)
  store.organizationsByExternalId.delete(org)
}

/** An organization with chosen fields, for seeding tests. */
export function insertOrganization(
  store: Store,
  seed: Partial<OrganizationRecord> & { name: string }
): OrganizationRecord {
  const id = seed.id ?? store.nextId()
  store.claimId(id)
  const org: OrganizationRecord = {
    ...blankOrganization(store, id, seed.name),
    ...seed,
    id,
    url: store.apiUrl(`organizations/${id}`)
  }
  store.organizations.set(id, org)
  index(store, org)
  return org
}
