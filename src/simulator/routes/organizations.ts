import { variantsOf, type Sim } from '../context'
import {
  idParam,
  json,
  notFound,
  queryList,
  queryValue,
  wrapped,
  wrappedList,
  type ApiRequest,
  type Input,
  type Reply
} from '../http'
import { asItem, CREATE_WITHOUT_INDEX, enqueueJob, ItemFailure, UPDATE_RESULTS } from '../jobs'
import {
  createOrganization,
  deleteOrganization,
  findOrganizationByExternalId,
  findOrganizationByName,
  matchOrganization,
  presentOrganization,
  updateOrganization
} from '../model/organizations'
import { paginate } from '../pagination'
import { destroyMany } from './destroy-many'
import { route } from '../router'
import type { OrganizationRecord } from '../types'

function orgReply(sim: Sim, status: number, org: OrganizationRecord, headers?: Record<string, string>): Reply {
  return json(status, { organization: present(sim, org) }, headers)
}

function present(sim: Sim, org: OrganizationRecord): OrganizationRecord {
  return presentOrganization(sim.store, org, variantsOf(sim).organizationFieldValues)
}

function orgList(sim: Sim, req: ApiRequest, orgs: OrganizationRecord[]): Reply {
  return json(
    200,
    paginate(
      req,
      sim,
      'organizations',
      orgs.map((o) => present(sim, o)),
      'offset'
    )
  )
}

function findOrganization(sim: Sim, req: ApiRequest): OrganizationRecord {
  const org = sim.store.organizations.get(idParam(req))
  if (!org) throw notFound()
  return org
}

function create(req: ApiRequest, sim: Sim): Reply {
  const org = createOrganization(sim.store, wrapped(req.body, 'organization'))
  return orgReply(sim, 201, org, { Location: sim.store.apiUrl(`organizations/${org.id}`) })
}

function createOrUpdate(req: ApiRequest, sim: Sim): Reply {
  const input = wrapped(req.body, 'organization')
  const match = matchOrganization(sim.store, input)
  if (match) {
    sim.limits.takeOrganizationUpdate(match.id, true)
    return orgReply(sim, 200, updateOrganization(sim.store, match, input))
  }
  const organization = createOrganization(sim.store, input)
  return orgReply(sim, 201, organization, { Location: sim.store.apiUrl(`organizations/${organization.id}`) })
}

/** Exact, case-insensitive lookup by external_id or name. */
function search(req: ApiRequest, sim: Sim): Reply {
  const externalId = queryValue(req.query, 'external_id')
  const org =
    externalId !== undefined
      ? findOrganizationByExternalId(sim.store, externalId)
      : findOrganizationByName(sim.store, queryValue(req.query, 'name'))
  return orgList(sim, req, org ? [org] : [])
}

function showMany(req: ApiRequest, sim: Sim): Reply {
  const ids = queryList(req.query, 'ids')
  const orgs = ids
    ? ids.flatMap((id) => sim.store.organizations.get(Number(id)) ?? [])
    : (queryList(req.query, 'external_ids') ?? []).flatMap((e) => findOrganizationByExternalId(sim.store, e) ?? [])
  return orgList(sim, req, orgs)
}

function createMany(req: ApiRequest, sim: Sim): Reply {
  const items = wrappedList(req.body, 'organizations')
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_create_organizations',
    verb: 'Creating organization',
    total: items.length,
    shape: CREATE_WITHOUT_INDEX,
    run(index) {
      const org = asItem('OrganizationCreateFailed', () => createOrganization(sim.store, items[index]))
      return { id: org.id, status: 'Created' }
    }
  })
  return json(200, { job_status: jobStatus })
}

/** Batch form {"organizations":[{id,...}]} or bulk form ?ids=|?external_ids= with {"organization":{...}}. */
function updateMany(req: ApiRequest, sim: Sim): Reply {
  const ids = queryList(req.query, 'ids')
  const externalIds = queryList(req.query, 'external_ids')
  let items: Input[]
  let target: (index: number) => OrganizationRecord | undefined
  if (ids || externalIds) {
    const changes = wrapped(req.body, 'organization')
    items = (ids ?? externalIds ?? []).map(() => changes)
    target = (index) =>
      ids
        ? sim.store.organizations.get(Number(ids[index]))
        : findOrganizationByExternalId(sim.store, externalIds?.[index])
  } else {
    items = wrappedList(req.body, 'organizations')
    target = (index) => sim.store.organizations.get(Number(items[index].id))
  }
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_update_organizations',
    verb: 'Updating organization',
    total: items.length,
    shape: UPDATE_RESULTS,
    run(index) {
      const org = target(index)
      if (!org) throw new ItemFailure('RecordNotFound', 'Organization not found')
      asItem('OrganizationUpdateFailed', () => updateOrganization(sim.store, org, items[index]))
      return { id: org.id, action: 'update', status: 'Updated', success: true }
    },
    failureFields: (index) => ({ id: target(index)?.id ?? items[index].id ?? null, action: 'update', success: false })
  })
  return json(200, { job_status: jobStatus })
}

/** `DELETE organizations/destroy_many`: a job deleting each organization as `DELETE organizations/{id}` does. */
function removeMany(req: ApiRequest, sim: Sim): Reply {
  return destroyMany(req, sim, {
    type: 'bulk_delete_organizations',
    verb: 'Deleting organization',
    notFound: 'Organization not found',
    byId: (id) => sim.store.organizations.get(id),
    byExternalId: (externalId) => findOrganizationByExternalId(sim.store, externalId),
    remove: (org) => deleteOrganization(sim.store, org)
  })
}

export const organizationRoutes = [
  route('POST', 'organizations', create),
  route('POST', 'organizations/create_or_update', createOrUpdate),
  route('GET', 'organizations/search', search),
  route('GET', 'organizations/show_many', showMany),
  route('POST', 'organizations/create_many', createMany),
  route('PUT', 'organizations/update_many', updateMany),
  route('DELETE', 'organizations/destroy_many', removeMany),
  route('GET', 'organizations/:id', (req, sim) => orgReply(sim, 200, findOrganization(sim, req))),
  route('PUT', 'organizations/:id', (req, sim) => {
    const org = findOrganization(sim, req)
    const input = wrapped(req.body, 'organization')
    sim.limits.takeOrganizationUpdate(org.id)
    return orgReply(sim, 200, updateOrganization(sim.store, org, input))
  }),
  route('DELETE', 'organizations/:id', (req, sim) => {
    deleteOrganization(sim.store, findOrganization(sim, req))
    return { status: 204 }
  })
]
