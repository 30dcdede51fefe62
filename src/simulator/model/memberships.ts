import { RecordInvalid, type Details } from '../http'
import { timestamp, type Store } from '../state'
import type { DuplicateMembershipAnswer, MembershipRecord } from '../types'

const WORKING_STATUSES = ['new', 'open', 'pending', 'hold']

/** The user's memberships, default first, then by organization name (Zendesk's order). */
export function userMemberships(store: Store, userId: number): MembershipRecord[] {
  const name = (m: MembershipRecord) => store.organizations.get(m.organization_id)?.name ?? ''
  return store
    .membershipsOf(userId)
    .sort((a, b) => Number(b.default === true) - Number(a.default === true) || name(a).localeCompare(name(b)))
}

export function findMembership(store: Store, userId: number, organizationId: number): MembershipRecord | undefined {
  return store.membershipsOf(userId).find((m) => m.organization_id === organizationId)
}

export function presentMembership(store: Store, m: MembershipRecord) {
  return { ...m, organization_name: store.organizations.get(m.organization_id)?.name ?? null }
}

/**
 * The 422 for a user who already is a member. Zendesk documents the 422 but no real body was ever captured,
 * so each plausible shape can be asked for; a client must recognise the case by its structure, not its words.
 */
export function duplicateMembership(answer: DuplicateMembershipAnswer): RecordInvalid {
  switch (answer) {
    case 'duplicate-value':
      return new RecordInvalid({
        organization_membership: [
          {
            description: 'Organization membership: user is already assigned to this organization',
            error: 'DuplicateValue'
          }
        ]
      })
    case 'taken-without-code':
      return new RecordInvalid({ user_id: [{ description: 'User has already been taken' }] })
    case 'bare':
      return new RecordInvalid({}, { withoutDetails: true })
    case 'user-taken':
    default:
      return new RecordInvalid({ user_id: [{ description: 'User has already been taken', error: 'DuplicateValue' }] })
  }
}

export function addMembership(
  store: Store,
  userId: number,
  organizationId: number,
  duplicate: DuplicateMembershipAnswer = 'user-taken'
): MembershipRecord {
  const details: Details = {}
  if (!store.users.get(userId)?.active) details.user = [{ description: 'User cannot be blank', error: 'BlankValue' }]
  if (!store.organizations.has(organizationId)) {
    details.organization = [{ description: 'Organization cannot be blank', error: 'BlankValue' }]
  }
  if (Object.keys(details).length > 0) throw new RecordInvalid(details)
  if (findMembership(store, userId, organizationId)) throw duplicateMembership(duplicate)
  return insertMembership(store, userId, organizationId)
}

function insertMembership(store: Store, userId: number, organizationId: number): MembershipRecord {
  const id = store.nextId()
  const now = timestamp()
  const membership: MembershipRecord = {
    id,
    url: store.apiUrl(`organization_memberships/${id}`),
    user_id: userId,
    organization_id: organizationId,
    default: null,
    view_tickets: true,
    created_at: now,
    updated_at: now
  }
  store.addMembership(membership)
  syncDefault(store, userId)
  return membership
}

/** Removes a membership; like Zendesk, the user's working tickets in that organization lose it. */
export function removeMembership(store: Store, membership: MembershipRecord): void {
  store.deleteMembership(membership)
  for (const ticket of store.tickets.values()) {
    if (
      ticket.requester_id === membership.user_id &&
      ticket.organization_id === membership.organization_id &&
      WORKING_STATUSES.includes(ticket.status)
    ) {
      ticket.organization_id = null
    }
  }
  syncDefault(store, membership.user_id)
}

/** Writing user.organization_id: that organization becomes the user's only one (none for null). */
export function replaceMemberships(store: Store, userId: number, organizationId: number | null): void {
  for (const m of userMemberships(store, userId)) {
    if (m.organization_id !== organizationId) removeMembership(store, m)
  }
  if (organizationId !== null && !findMembership(store, userId, organizationId)) {
    insertMembership(store, userId, organizationId)
  }
}

/** Keeps exactly one default membership per user (the oldest when none is) and mirrors it on user.organization_id. */
export function syncDefault(store: Store, userId: number): void {
  const memberships = store.membershipsOf(userId)
  const chosen = memberships.find((m) => m.default === true) ?? memberships[0]
  for (const m of memberships) m.default = m === chosen ? true : null
  const user = store.users.get(userId)
  if (user) user.organization_id = chosen?.organization_id ?? null
}
