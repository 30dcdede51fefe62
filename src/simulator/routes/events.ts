import type { Sim } from '../context'
import { idParam, json, notFound, queryValue, type ApiRequest, type Reply } from '../http'
import { checkEvent, recordEvent, resolveProfileUser } from '../model/events'
import { paginate } from '../pagination'
import { route } from '../router'
import type { UserEventRecord, UserRecord } from '../types'

function activeUser(sim: Sim, req: ApiRequest): UserRecord {
  const user = sim.store.users.get(idParam(req))
  if (!user?.active) throw notFound()
  return user
}

function received(event: UserEventRecord): Reply {
  return json(202, { profile_id: event.profile_id, status: 'received', user_id: String(event.user_id) })
}

function trackForUser(req: ApiRequest, sim: Sim): Reply {
  const user = activeUser(sim, req)
  const event = checkEvent(req.body)
  // No profile in this body: the event lands on the user's profile for its source.
  return received(recordEvent(sim.store, user, event, { source: event.source, type: 'user' }))
}

function trackForProfile(req: ApiRequest, sim: Sim): Reply {
  const { user, event, profile } = resolveProfileUser(sim.store, req.body)
  return received(recordEvent(sim.store, user, event, { source: profile.source, type: profile.type }))
}

/** GET /users/{id}/events with optional filter[source] / filter[type]; cursor-paginated under `data`. */
function list(req: ApiRequest, sim: Sim): Reply {
  const user = activeUser(sim, req)
  const source = queryValue(req.query, 'filter[source]')
  const type = queryValue(req.query, 'filter[type]')
  const events = sim.store.events.filter(
    (e) =>
      e.user_id === user.id && (source === undefined || e.source === source) && (type === undefined || e.type === type)
  )
  return json(200, paginate(req, sim, 'data', events, 'cursor'))
}

export const eventRoutes = [
  route('POST', 'users/:id/events', trackForUser),
  route('GET', 'users/:id/events', list),
  route('POST', 'user_profiles/events', trackForProfile)
]
