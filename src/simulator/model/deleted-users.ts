import { omit } from 'lodash'
import type { Store } from '../state'
import type { DeletedUserRecord, UserRecord } from '../types'
import { userIdentities } from './users'

/** A soft-deleted user as `deleted_users` shows it; its `url` reads `…/deleted_users/{id}` without `.json`. */
function deletedUserRecord(store: Store, user: UserRecord): DeletedUserRecord {
  return {
    id: user.id,
    url: store.apiUrl(`deleted_users/${user.id}`).replace(/\.json$/, ''),
    name: user.name,
    email: user.email,
    created_at: user.created_at,
    updated_at: user.updated_at,
    time_zone: user.time_zone,
    phone: user.phone,
    shared_phone_number: user.shared_phone_number,
    photo: user.photo,
    locale_id: user.locale_id,
    locale: user.locale,
    organization_id: user.organization_id,
    role: user.role,
    active: user.active,
    external_id: user.external_id
  }
}

/** The user as an answer shows it: `external_id` only where the variant shows it. */
export function presentDeletedUser(user: DeletedUserRecord, showExternalId: boolean) {
  return showExternalId ? user : omit(user, 'external_id')
}

/** The soft-deleted user with this id (a permanently deleted or active one is not). */
export function softDeletedUser(store: Store, id: number): DeletedUserRecord | undefined {
  const user = store.users.get(id)
  return user && !user.active ? deletedUserRecord(store, user) : undefined
}

/**
 * Removes a soft-deleted user for good: its identities, memberships and events go with it. `deleted_users` keeps
 * listing it, as Zendesk documents, with its personal data null and the name "Permanently Deleted User".
 */
export function deletePermanently(store: Store, user: UserRecord): DeletedUserRecord {
  const deleted = deletedUserRecord(store, user)
  store.users.delete(user.id)
  store.usersByExternalId.delete(user)
  for (const identity of userIdentities(store, user.id)) store.deleteIdentity(identity)
  for (const m of store.membershipsOf(user.id)) store.deleteMembership(m)
  store.events = store.events.filter((e) => e.user_id !== user.id)
  store.permanentlyDeletedUsers.set(user.id, {
    ...deleted,
    name: 'Permanently Deleted User',
    email: null,
    phone: null,
    shared_phone_number: null,
    organization_id: null,
    external_id: null
  })
  return deleted
}

/** Every user `deleted_users` lists, soft-deleted or permanently deleted, in id order. */
export function deletedUsers(store: Store): DeletedUserRecord[] {
  const softDeleted = [...store.users.values()].filter((u) => !u.active).map((u) => deletedUserRecord(store, u))
  return [...softDeleted, ...store.permanentlyDeletedUsers.values()].sort((a, b) => a.id - b.id)
}
