import { omit } from 'lodash'
import { variantsOf, type Sim } from '../context'
import {
  ApiError,
  idParam,
  json,
  notFound,
  queryList,
  tooManyValues,
  queryValue,
  wrapped,
  wrappedList,
  type ApiRequest,
  type Input,
  type Reply
} from '../http'
import { asItem, CREATE_WITHOUT_INDEX, enqueueJob, ItemFailure, UPDATE_RESULTS } from '../jobs'
import {
  anonymousUser,
  createUser,
  deleteIdentity,
  findUserByExternalId,
  makeIdentityPrimary,
  matchUser,
  presentUser,
  updateUser,
  upsertUser,
  userIdentities,
  verifyIdentity
} from '../model/users'
import { paginate } from '../pagination'
import { destroyMany } from './destroy-many'
import { route } from '../router'
import type { UserRecord } from '../types'

/** The recorded 403 of an account whose API user may not do this (bulk import off answers it too: an assumption). */
const FORBIDDEN = json(403, {
  error: {
    title: 'Forbidden',
    message: 'You do not have access to this page. Please contact the account owner of this help desk for further help.'
  }
})

function userReply(sim: Sim, status: number, user: UserRecord, headers?: Record<string, string>): Reply {
  return json(status, { user: presentUser(sim.store, user) }, headers)
}

function bulkImportOff(sim: Sim): boolean {
  return !sim.settings.bulkImport || sim.faults.current.bulkImportDisabled === true
}

function findUser(sim: Sim, req: ApiRequest, name = 'id'): UserRecord {
  const user = sim.store.users.get(idParam(req, name))
  if (!user) throw notFound()
  return user
}

function activeUsers(sim: Sim): UserRecord[] {
  return [...sim.store.users.values()].filter((u) => u.active)
}

function userList(sim: Sim, req: ApiRequest, users: UserRecord[]): Reply {
  return json(
    200,
    paginate(
      req,
      sim,
      'users',
      users.map((u) => presentUser(sim.store, u)),
      'offset'
    )
  )
}

/** One term of the search syntax: `email:x`, `external_id:x`, `name:x`, `role:x`, or a bare value. */
function matchesTerm(sim: Sim, user: UserRecord, term: string): boolean {
  const [, key, rawValue] = /^(?:(\w+):)?(.*)$/.exec(term) as RegExpExecArray
  const value = rawValue.replace(/^"|"$/g, '').toLowerCase()
  const emails = userIdentities(sim.store, user.id)
    .filter((i) => i.type === 'email')
    .map((i) => i.value.toLowerCase())
  switch (key) {
    case 'email':
      return emails.includes(value)
    case 'external_id':
      return user.external_id?.toLowerCase() === value
    case 'name':
      return user.name.toLowerCase().includes(value)
    case 'role':
      return user.role === value
    case 'type':
      return value === 'user'
    case undefined:
      return (
        emails.includes(value) || user.name.toLowerCase().includes(value) || user.external_id?.toLowerCase() === value
      )
    default:
      return false
  }
}

/**
 * The users a lookup by external_id lists: the active user with each external_id, and, where the
 * `softDeletedUsers: 'listed'` variant says Zendesk lists them, the soft-deleted users with it (`active: false`).
 */
function byExternalIds(sim: Sim, externalIds: string[]): UserRecord[] {
  const wanted = new Set(externalIds.map((e) => e.toLowerCase()))
  const listed = (u: UserRecord) => u.active || variantsOf(sim).softDeletedUsers === 'listed'
  return [...sim.store.users.values()].filter(
    (u) => u.external_id && wanted.has(u.external_id.toLowerCase()) && listed(u)
  )
}

function search(req: ApiRequest, sim: Sim): Reply {
  const externalId = queryValue(req.query, 'external_id')
  if (externalId !== undefined) return userList(sim, req, byExternalIds(sim, [externalId]))
  const terms = (queryValue(req.query, 'query') ?? '').match(/(?:\w+:)?(?:"[^"]*"|\S+)/g) ?? []
  const users = terms.length === 0 ? [] : activeUsers(sim).filter((u) => terms.every((t) => matchesTerm(sim, u, t)))
  return userList(sim, req, users)
}

function list(req: ApiRequest, sim: Sim): Reply {
  const externalId = queryValue(req.query, 'external_id')
  const roles = [req.query['role[]'] ?? [], req.query.role ?? []].flat()
  const users = activeUsers(sim).filter(
    (u) =>
      (externalId === undefined || u.external_id?.toLowerCase() === externalId.toLowerCase()) &&
      (roles.length === 0 || roles.includes(u.role))
  )
  return json(
    200,
    paginate(
      req,
      sim,
      'users',
      users.map((u) => presentUser(sim.store, u))
    )
  )
}

function showMany(req: ApiRequest, sim: Sim): Reply {
  const ids = queryList(req.query, 'ids')
  const externalIds = queryList(req.query, 'external_ids')?.map((e) => e.toLowerCase())
  const users = ids ? ids.flatMap((id) => sim.store.users.get(Number(id)) ?? []) : byExternalIds(sim, externalIds ?? [])
  return userList(sim, req, users)
}

function createOrUpdate(req: ApiRequest, sim: Sim): Reply {
  const input = wrapped(req.body, 'user')
  const match = matchUser(sim.store, input)
  if (match) {
    const headers = sim.limits.takeUserWrite(match.id)
    return userReply(sim, 200, updateUser(sim.store, match, input), headers)
  }
  sim.limits.takeUserWrite()
  const user = createUser(sim.store, input)
  const headers = sim.limits.countNewUser(user.id)
  return userReply(sim, 201, user, { ...headers, Location: sim.store.apiUrl(`users/${user.id}`) })
}

/** users/create_many: a job creating each user; 403 while bulk user import is off. */
function createMany(req: ApiRequest, sim: Sim): Reply {
  if (bulkImportOff(sim)) return FORBIDDEN
  const users = req.body.users
  if (Array.isArray(users) && users.length > 100) {
    throw new ApiError(json(400, { error: 'TooManyValues', description: 'Maximum 100 users may be created per call' }))
  }
  const items = wrappedList(req.body, 'users')
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_create_users',
    verb: 'Creating User',
    total: items.length,
    shape: CREATE_WITHOUT_INDEX,
    run(index) {
      const user = asItem('UserCreateFailed', () => createUser(sim.store, items[index]))
      return { id: user.id, status: 'Created' }
    }
  })
  return json(200, { job_status: jobStatus })
}

/** users/create_or_update_many: results shaped like the recorded create_many ones, {id, status}. */
function createOrUpdateMany(req: ApiRequest, sim: Sim): Reply {
  if (bulkImportOff(sim)) return FORBIDDEN
  const items = wrappedList(req.body, 'users')
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_create_or_update_users',
    verb: 'Updating user',
    total: items.length,
    shape: CREATE_WITHOUT_INDEX,
    run(index) {
      const input = items[index]
      const code = matchUser(sim.store, input) ? 'UserUpdateFailed' : 'UserCreateFailed'
      const { user, created } = asItem(code, () => upsertUser(sim.store, input))
      return { id: user.id, status: created ? 'Created' : 'Updated' }
    }
  })
  return json(200, { job_status: jobStatus })
}

/** `POST users` (Create User): no endpoint limit of its own, only the account's. */
function create(req: ApiRequest, sim: Sim): Reply {
  const user = createUser(sim.store, wrapped(req.body, 'user'))
  return userReply(sim, 201, user, { Location: sim.store.apiUrl(`users/${user.id}`) })
}

/**
 * `PUT users/update_many`: `?ids=` / `?external_ids=` with one `{user}` for all, or the batch form
 * `{users: [{id, …}]}`; a job whose items update like `PUT users/{id}`. Zendesk documents the bulk-import gate on
 * create_many and create_or_update_many only, so it stays open without bulk import (an assumption; the
 * `userUpdateManyForbidden` fault answers 403).
 */
function updateMany(req: ApiRequest, sim: Sim): Reply {
  if (sim.faults.current.userUpdateManyForbidden) return FORBIDDEN
  const ids = queryList(req.query, 'ids')
  const externalIds = queryList(req.query, 'external_ids')
  let items: Input[]
  let target: (index: number) => UserRecord | undefined
  if (ids || externalIds) {
    const changes = wrapped(req.body, 'user')
    items = (ids ?? externalIds ?? []).map(() => changes)
    target = (index) =>
      ids ? activeUser(sim, Number(ids[index])) : findUserByExternalId(sim.store, externalIds?.[index])
  } else {
    items = wrappedList(req.body, 'users')
    target = (index) => activeUser(sim, Number(items[index].id))
  }
  if (items.length > 100) throw tooManyValues(ids ? 'ids' : externalIds ? 'external_ids' : 'users')
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_update_users',
    verb: 'Updating user',
    total: items.length,
    shape: UPDATE_RESULTS,
    run(index) {
      const user = target(index)
      if (!user) throw new ItemFailure('RecordNotFound', 'User not found')
      asItem('UserUpdateFailed', () => updateUser(sim.store, user, omit(items[index], 'id')))
      return { id: user.id, action: 'update', status: 'Updated', success: true }
    },
    failureFields: (index) => ({ id: target(index)?.id ?? items[index].id ?? null, action: 'update', success: false })
  })
  return json(200, { job_status: jobStatus })
}

function activeUser(sim: Sim, id: number): UserRecord | undefined {
  const user = sim.store.users.get(id)
  return user?.active ? user : undefined
}

function update(req: ApiRequest, sim: Sim): Reply {
  const user = findUser(sim, req)
  const input = wrapped(req.body, 'user')
  const headers = sim.limits.takeUserWrite(user.id)
  return userReply(sim, 200, updateUser(sim.store, user, input), headers)
}

/** Soft delete: the user stays readable with active:false but no longer matches searches or upserts. */
function softDelete(user: UserRecord): void {
  user.active = false
}

function remove(req: ApiRequest, sim: Sim): Reply {
  const user = findUser(sim, req)
  softDelete(user)
  return userReply(sim, 200, user)
}

/**
 * `DELETE users/destroy_many`: a job soft-deleting each user as `DELETE users/{id}` does. Zendesk documents no
 * bulk-import gate on it, so it stays open without bulk import (an assumption).
 */
function removeMany(req: ApiRequest, sim: Sim): Reply {
  return destroyMany(req, sim, {
    type: 'bulk_delete_users',
    verb: 'Deleting user',
    notFound: 'User not found',
    byId: (id) => sim.store.users.get(id),
    byExternalId: (externalId) => findUserByExternalId(sim.store, externalId),
    remove: softDelete
  })
}

function me(req: ApiRequest, sim: Sim): Reply {
  const agent = sim.store.users.get(sim.store.agentId)
  if (!req.authenticated || !agent) return json(200, { user: anonymousUser() })
  return userReply(sim, 200, agent)
}

function identities(req: ApiRequest, sim: Sim): Reply {
  const user = findUser(sim, req)
  return json(200, paginate(req, sim, 'identities', userIdentities(sim.store, user.id)))
}

function findIdentity(sim: Sim, req: ApiRequest, user: UserRecord) {
  const identity = sim.store.identities.get(idParam(req, 'identity_id'))
  if (!identity || identity.user_id !== user.id) throw notFound()
  return identity
}

/** Make Identity Primary: answers the user's identities, as the reference documents. */
function makePrimary(req: ApiRequest, sim: Sim): Reply {
  const user = findUser(sim, req)
  makeIdentityPrimary(sim.store, user, findIdentity(sim, req, user))
  return json(200, { identities: userIdentities(sim.store, user.id) })
}

/** Update Identity: `verified` (its `value` is not changed by the destination, so not modelled). */
function updateIdentity(req: ApiRequest, sim: Sim): Reply {
  const user = findUser(sim, req)
  const identity = findIdentity(sim, req, user)
  const input = wrapped(req.body, 'identity')
  if (typeof input.verified === 'boolean') verifyIdentity(sim.store, user, identity, input.verified)
  return json(200, { identity })
}

function removeIdentity(req: ApiRequest, sim: Sim): Reply {
  const user = findUser(sim, req)
  deleteIdentity(sim.store, user, findIdentity(sim, req, user))
  return { status: 204 }
}

export const userRoutes = [
  route('GET', 'users/me', me, true),
  route('GET', 'users/search', search),
  route('GET', 'users/show_many', showMany),
  route('GET', 'users', list),
  route('POST', 'users/create_or_update', createOrUpdate),
  route('POST', 'users/create_or_update_many', createOrUpdateMany),
  route('POST', 'users/create_many', createMany),
  route('POST', 'users', create),
  route('PUT', 'users/update_many', updateMany),
  route('GET', 'users/:id', (req, sim) => userReply(sim, 200, findUser(sim, req))),
  route('PUT', 'users/:id', update),
  route('DELETE', 'users/destroy_many', removeMany),
  route('DELETE', 'users/:id', remove),
  route('GET', 'users/:id/identities', identities),
  route('PUT', 'users/:id/identities/:identity_id/make_primary', makePrimary),
  route('PUT', 'users/:id/identities/:identity_id', updateIdentity),
  route('DELETE', 'users/:id/identities/:identity_id', removeIdentity)
]
