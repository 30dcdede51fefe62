import { variantsOf, type Sim } from '../context'
import { idParam, json, notFound, wrapped, wrappedList, type ApiRequest, type Reply } from '../http'
import { asItem, CREATE_WITHOUT_INDEX, enqueueJob } from '../jobs'
import {
  addMembership,
  findMembership,
  presentMembership,
  removeMembership,
  userMemberships
} from '../model/memberships'
import { paginate } from '../pagination'
import { route } from '../router'
import type { MembershipRecord } from '../types'

function membershipList(req: ApiRequest, sim: Sim, memberships: MembershipRecord[]): Reply {
  const presented = memberships.map((m) => presentMembership(sim.store, m))
  return json(200, paginate(req, sim, 'organization_memberships', presented))
}

function create(req: ApiRequest, sim: Sim): Reply {
  const input = wrapped(req.body, 'organization_membership')
  const userId = req.params.user_id !== undefined ? idParam(req, 'user_id') : Number(input.user_id)
  const membership = addMembership(
    sim.store,
    userId,
    Number(input.organization_id),
    variantsOf(sim).duplicateMembership
  )
  return json(201, { organization_membership: presentMembership(sim.store, membership) }, { Location: membership.url })
}

/** Up to 100 memberships in one job; an item the single create refuses (a duplicate, a missing user) fails alone. */
function createMany(req: ApiRequest, sim: Sim): Reply {
  const items = wrappedList(req.body, 'organization_memberships')
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_create_organization_memberships',
    verb: 'Creating organization membership',
    total: items.length,
    shape: CREATE_WITHOUT_INDEX,
    run(index) {
      const { user_id, organization_id } = items[index]
      const membership = asItem('OrganizationMembershipCreateFailed', () =>
        addMembership(sim.store, Number(user_id), Number(organization_id), variantsOf(sim).duplicateMembership)
      )
      return { id: membership.id, action: 'create', status: 'Created', success: true }
    }
  })
  return json(200, { job_status: jobStatus })
}

function remove(membership: MembershipRecord | undefined, sim: Sim): Reply {
  if (!membership) throw notFound()
  removeMembership(sim.store, membership)
  return { status: 204 }
}

function forUser(req: ApiRequest, sim: Sim): Reply {
  const userId = idParam(req, 'user_id')
  if (!sim.store.users.has(userId)) throw notFound()
  return membershipList(req, sim, userMemberships(sim.store, userId))
}

function forOrganization(req: ApiRequest, sim: Sim): Reply {
  const orgId = idParam(req, 'organization_id')
  if (!sim.store.organizations.has(orgId)) throw notFound()
  return membershipList(
    req,
    sim,
    [...sim.store.memberships.values()].filter((m) => m.organization_id === orgId)
  )
}

export const membershipRoutes = [
  route('POST', 'organization_memberships', create),
  route('POST', 'organization_memberships/create_many', createMany),
  route('POST', 'users/:user_id/organization_memberships', create),
  route('GET', 'organization_memberships', (req, sim) => membershipList(req, sim, [...sim.store.memberships.values()])),
  route('GET', 'users/:user_id/organization_memberships', forUser),
  route('GET', 'organizations/:organization_id/organization_memberships', forOrganization),
  route('DELETE', 'organization_memberships/:id', (req, sim) => remove(sim.store.memberships.get(idParam(req)), sim)),
  route('DELETE', 'users/:user_id/organization_memberships/:id', (req, sim) => {
    const membership = sim.store.memberships.get(idParam(req))
    return remove(membership?.user_id === idParam(req, 'user_id') ? membership : undefined, sim)
  }),
  route('DELETE', 'users/:user_id/organizations/:organization_id', (req, sim) =>
    remove(findMembership(sim.store, idParam(req, 'user_id'), idParam(req, 'organization_id')), sim)
  )
]
