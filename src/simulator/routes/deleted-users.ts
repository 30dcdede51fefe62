import { variantsOf, type Sim } from '../context'
import { idParam, json, notFound, type ApiRequest, type Reply } from '../http'
import { deletedUsers, deletePermanently, presentDeletedUser, softDeletedUser } from '../model/deleted-users'
import { paginate } from '../pagination'
import { route } from '../router'

const showsExternalId = (sim: Sim) => variantsOf(sim).deletedUserExternalId === 'shown'

/** List Deleted Users: soft-deleted and permanently deleted users, cursor or offset paginated. */
function list(req: ApiRequest, sim: Sim): Reply {
  const users = deletedUsers(sim.store).map((u) => presentDeletedUser(u, showsExternalId(sim)))
  return json(200, paginate(req, sim, 'deleted_users', users))
}

/** Show Deleted User: only a user deleted but not permanently yet. */
function show(req: ApiRequest, sim: Sim): Reply {
  const user = softDeletedUser(sim.store, idParam(req))
  if (!user) throw notFound()
  return json(200, { deleted_user: presentDeletedUser(user, showsExternalId(sim)) })
}

/**
 * Permanently Delete User: only a soft-deleted user (an active or permanently deleted one answers 404), under
 * Zendesk's limit of 700 a 10 minutes per account.
 */
function remove(req: ApiRequest, sim: Sim): Reply {
  sim.limits.takePermanentUserDeletion()
  const user = sim.store.users.get(idParam(req))
  if (!user || user.active) throw notFound()
  return json(200, { deleted_user: presentDeletedUser(deletePermanently(sim.store, user), showsExternalId(sim)) })
}

export const deletedUserRoutes = [
  route('GET', 'deleted_users', list),
  route('GET', 'deleted_users/:id', show),
  route('DELETE', 'deleted_users/:id', remove)
]
