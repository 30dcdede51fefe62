import { omit } from 'lodash'
import { isBlank, RecordInvalid, sameText, toTags, type Details, type Input } from '../http'
import { timestamp, type Store } from '../state'
import { firstInOrder } from '../text-index'
import type { IdentityRecord, UserRecord, UserRole } from '../types'
import { mergeFieldValues, presentFieldValues } from './fields'
import { replaceMemberships } from './memberships'

const EMAIL_RULE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const ROLES: UserRole[] = ['end-user', 'agent', 'admin']
const COPIED_ATTRIBUTES = [
  'alias',
  'details',
  'notes',
  'phone',
  'shared_phone_number',
  'locale',
  'signature',
  'moderator',
  'ticket_restriction',
  'only_private_comments',
  'restricted_agent',
  'suspended',
  'default_group_id',
  'custom_role_id'
] as const

// A few Rails (ActiveSupport) zone names; anything else (e.g. an IANA id) is mirrored as given.
const IANA_BY_RAILS_NAME: Record<string, string> = {
  'Eastern Time (US & Canada)': 'America/New_York',
  'Central Time (US & Canada)': 'America/Chicago',
  'Mountain Time (US & Canada)': 'America/Denver',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  Arizona: 'America/Phoenix',
  London: 'Europe/London',
  Paris: 'Europe/Paris',
  Berlin: 'Europe/Berlin',
  Amsterdam: 'Europe/Amsterdam',
  Copenhagen: 'Europe/Copenhagen',
  Tokyo: 'Asia/Tokyo',
  Sydney: 'Australia/Sydney',
  UTC: 'Etc/UTC'
}

export const isEmail = (value: string) => EMAIL_RULE.test(value)

export function findUserByExternalId(store: Store, externalId: unknown): UserRecord | undefined {
  if (isBlank(externalId)) return undefined
  return firstInOrder(store.users, store.usersByExternalId.get(String(externalId)), (u) => u.active)
}

export function findUserByEmail(store: Store, email: unknown): UserRecord | undefined {
  if (isBlank(email)) return undefined
  const identities = store.emailIdentities.get(String(email).trim())
  const identity = firstInOrder(store.identities, identities, (i) => store.users.get(i.user_id)?.active === true)
  return identity && store.users.get(identity.user_id)
}

/** The only way a user's external_id changes: the index of external ids follows. */
function setExternalId(store: Store, user: UserRecord, externalId: string | null): void {
  user.external_id = externalId
  store.usersByExternalId.set(user, externalId)
}

/** create_or_update matching: external_id (case-insensitive) first, then an email identity. Deleted users never match. */
export function matchUser(store: Store, input: Input): UserRecord | undefined {
  return findUserByExternalId(store, input.external_id) ?? findUserByEmail(store, input.email)
}

export function userIdentities(store: Store, userId: number): IdentityRecord[] {
  return store.identitiesOf(userId)
}

/** The user as the simulator's state shows it: every defined user field listed. */
export function userView(store: Store, user: UserRecord): UserRecord {
  return { ...user, user_fields: presentFieldValues(store.userFields, user.user_fields) }
}

export function presentUser(store: Store, user: UserRecord) {
  return omit(userView(store, user), 'verification_email_sent')
}

export function anonymousUser() {
  return {
    id: null,
    url: null,
    name: 'Anonymous user',
    email: 'invalid@example.com',
    created_at: null,
    updated_at: null,
    time_zone: 'Eastern Time (US & Canada)',
    iana_time_zone: 'America/New_York',
    phone: null,
    locale_id: 1,
    locale: 'en-US',
    organization_id: null,
    role: 'end-user',
    verified: false
  }
}

function blankUser(store: Store, id: number, name: string): UserRecord {
  const now = timestamp()
  return {
    id,
    url: store.apiUrl(`users/${id}`),
    name,
    email: null,
    created_at: now,
    updated_at: now,
    time_zone: 'Eastern Time (US & Canada)',
    iana_time_zone: 'America/New_York',
    phone: null,
    shared_phone_number: null,
    photo: null,
    locale_id: 1,
    locale: 'en-US',
    organization_id: null,
    role: 'end-user',
    verified: false,
    external_id: null,
    tags: [],
    alias: null,
    active: true,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: false,
    signature: null,
    details: null,
    notes: null,
    role_type: null,
    custom_role_id: null,
    moderator: false,
    ticket_restriction: 'requested',
    only_private_comments: false,
    restricted_agent: true,
    suspended: false,
    default_group_id: null,
    report_csv: false,
    user_fields: {},
    verification_email_sent: false
  }
}

function validate(store: Store, input: Input, existing?: UserRecord): void {
  const details: Details = {}
  if ((!existing || 'name' in input) && isBlank(input.name)) {
    details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }]
  }
  if (!isBlank(input.email)) {
    const email = String(input.email).trim()
    const owner = findUserByEmail(store, email)
    if (!isEmail(email)) details.email = [{ description: `Email: ${email} is not properly formatted` }]
    else if (owner && owner.id !== existing?.id) {
      details.email = [
        { description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' }
      ]
    }
  }
  const externalOwner = findUserByExternalId(store, input.external_id)
  if (externalOwner && externalOwner.id !== existing?.id) {
    details.external_id = [
      { description: `External: ${input.external_id} has already been taken`, error: 'DuplicateValue' }
    ]
  }
  if (input.role !== undefined && !ROLES.includes(input.role)) {
    details.role = [{ description: `Role: ${input.role} is not valid`, error: 'InvalidValue' }]
  }
  if (!isBlank(input.organization_id) && !store.organizations.has(Number(input.organization_id))) {
    details.organization = [{ description: 'Organization cannot be blank', error: 'BlankValue' }]
  }
  if (Object.keys(details).length > 0) throw new RecordInvalid(details)
}

function applyAttributes(store: Store, user: UserRecord, input: Input): void {
  const target = user as unknown as Record<string, unknown>
  for (const key of COPIED_ATTRIBUTES) if (key in input) target[key] = input[key]
  if (!isBlank(input.name)) user.name = String(input.name).trim()
  if (input.role !== undefined) user.role = input.role
  if ('tags' in input) user.tags = toTags(input.tags)
  if ('external_id' in input) setExternalId(store, user, isBlank(input.external_id) ? null : String(input.external_id))
  if (!isBlank(input.time_zone)) {
    user.time_zone = String(input.time_zone)
    user.iana_time_zone = IANA_BY_RAILS_NAME[user.time_zone] ?? user.time_zone
  }
  mergeFieldValues(store.userFields, user.user_fields, input.user_fields)
  if ('organization_id' in input) {
    replaceMemberships(store, user.id, isBlank(input.organization_id) ? null : Number(input.organization_id))
  }
}

function addIdentity(store: Store, user: UserRecord, type: string, value: string, verified: boolean): void {
  const id = store.nextId()
  const now = timestamp()
  store.addIdentity({
    id,
    url: store.apiUrl(`users/${user.id}/identities/${id}`),
    user_id: user.id,
    type,
    value,
    verified,
    primary: !userIdentities(store, user.id).some((i) => i.type === type && i.primary),
    deliverable_state: 'deliverable',
    undeliverable_count: 0,
    created_at: now,
    updated_at: now
  })
  syncIdentities(store, user)
}

/** A new email identity; Zendesk mails an unverified one unless skip_verify_email is set. */
function addEmail(store: Store, user: UserRecord, input: Input): void {
  const verified = input.verified === true
  addIdentity(store, user, 'email', String(input.email).trim(), verified)
  if (!verified && input.skip_verify_email !== true) user.verification_email_sent = true
}

/** Makes the identity the primary one of its type; the user's email follows. */
export function makeIdentityPrimary(store: Store, user: UserRecord, identity: IdentityRecord): void {
  for (const other of userIdentities(store, user.id)) {
    if (other.type === identity.type) other.primary = other.id === identity.id
  }
  syncIdentities(store, user)
}

/** Sets an identity's verified state (Update Identity). */
export function verifyIdentity(store: Store, user: UserRecord, identity: IdentityRecord, verified: boolean): void {
  identity.verified = verified
  identity.updated_at = timestamp()
  syncIdentities(store, user)
}

/** Deletes a secondary identity; the primary one is refused (Zendesk's answer is assumed). */
export function deleteIdentity(store: Store, user: UserRecord, identity: IdentityRecord): void {
  if (identity.primary) {
    throw new RecordInvalid({
      base: [{ description: 'The primary identity cannot be deleted; make another identity primary first' }]
    })
  }
  store.deleteIdentity(identity)
  syncIdentities(store, user)
}

/** user.email is the primary email identity; user.verified is true when any identity is. */
function syncIdentities(store: Store, user: UserRecord): void {
  const identities = userIdentities(store, user.id)
  user.email = identities.find((i) => i.type === 'email' && i.primary)?.value ?? null
  if (identities.length > 0) user.verified = identities.some((i) => i.verified)
}

export function createUser(store: Store, input: Input): UserRecord {
  validate(store, input)
  const user = blankUser(store, store.nextId(), String(input.name).trim())
  store.users.set(user.id, user)
  user.verified = input.verified === true
  applyAttributes(store, user, input)
  if (!isBlank(input.email)) addEmail(store, user, input)
  for (const identity of Array.isArray(input.identities) ? input.identities : []) {
    if (!isBlank(identity?.type) && !isBlank(identity?.value)) {
      addIdentity(store, user, String(identity.type), String(identity.value), input.verified === true)
    }
  }
  return user
}

/** An update: a new email becomes a secondary identity; `verified` alone applies to the primary one. */
export function updateUser(store: Store, user: UserRecord, input: Input): UserRecord {
  validate(store, input, user)
  applyAttributes(store, user, input)
  const email = isBlank(input.email) ? undefined : String(input.email).trim()
  const identities = userIdentities(store, user.id)
  const target = email
    ? identities.find((i) => i.type === 'email' && sameText(i.value, email))
    : identities.find((i) => i.primary && i.type === 'email')
  if (email && !target) addEmail(store, user, input)
  else if (typeof input.verified === 'boolean') {
    if (target) target.verified = input.verified
    else if (identities.length === 0) user.verified = input.verified
  }
  syncIdentities(store, user)
  user.updated_at = timestamp()
  return user
}

export function upsertUser(store: Store, input: Input): { user: UserRecord; created: boolean } {
  const match = matchUser(store, input)
  if (match) return { user: updateUser(store, match, input), created: false }
  return { user: createUser(store, input), created: true }
}

/** Adds identities the user lacks (as the Events API does for profile identifiers). */
export function addMissingIdentifiers(store: Store, user: UserRecord, email?: string, externalId?: string): void {
  if (email && !userIdentities(store, user.id).some((i) => i.type === 'email' && sameText(i.value, email))) {
    addIdentity(store, user, 'email', email, false)
  }
  if (externalId && user.external_id === null) setExternalId(store, user, externalId)
}

/** A user with chosen fields, for seeding tests; no validation beyond referential checks. */
export function insertUser(store: Store, seed: Partial<UserRecord> & { name: string }): UserRecord {
  const id = seed.id ?? store.nextId()
  store.claimId(id)
  const user: UserRecord = {
    ...blankUser(store, id, seed.name),
    ...omit(seed, ['email', 'organization_id']),
    id,
    url: store.apiUrl(`users/${id}`)
  }
  if (seed.time_zone && !seed.iana_time_zone) user.iana_time_zone = IANA_BY_RAILS_NAME[seed.time_zone] ?? seed.time_zone
  store.users.set(id, user)
  store.usersByExternalId.set(user, user.external_id)
  if (seed.email) addIdentity(store, user, 'email', seed.email, seed.verified ?? false)
  if (seed.organization_id) {
    if (!store.organizations.has(seed.organization_id)) {
      throw new Error(`seed.user: organization ${seed.organization_id} does not exist`)
    }
    replaceMemberships(store, id, seed.organization_id)
  }
  return user
}
