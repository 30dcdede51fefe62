import type { Sim } from '../context'
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
import { asItem, enqueueJob, ItemFailure } from '../jobs'
import {
  createOrganization,
  deleteOrganization,
  findOrganizationByExternalId,
  findOrganizationByName,
  presentOrganization,
  updateOrganization,
  upsertOrganization
} from '../model/organizations'
import { paginate } from '../pagination'
import { route } from '../router'
import type { OrganizationRecord } from '../types'

function orgReply(sim: Sim, status: number, org: OrganizationRecord, headers?: Record<string, string>): Reply {
  return json(status, { organization: presentOrganization(sim.store, org) }, headers)
}

function orgList(sim: Sim, req: ApiRequest, orgs: OrganizationRecord[]): Reply {
  return json(
    200,
    paginate(
      req,
      sim,
      'organizations',
      orgs.map((o) => presentOrganization(sim.store, o)),
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
  const { organization, created } = upsertOrganization(sim.store, wrapped(req.body, 'organization'))
  const headers = created ? { Location: sim.store.apiUrl(`organizations/${organization.id}`) } : undefined
  return orgReply(sim, created ? 201 : 200, organization, headers)
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
    run(index) {
      const org = asItem('OrganizationCreateFailed', () => createOrganization(sim.store, items[index]))
      return { index, id: org.id, status: 'Created' }
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
    run(index) {
      const org = target(index)
      if (!org) throw new ItemFailure('RecordNotFound', 'Organization not found')
      asItem('OrganizationUpdateFailed', () => updateOrganization(sim.store, org, items[index]))
      return { index, id: org.id, action: 'update', status: 'Updated', success: true }
    },
    failureFields: (index) => ({ id: target(index)?.id ?? items[index].id ?? null, action: 'update', success: false })
  })
  return json(200, { job_status: jobStatus })
}

export const organizationRoutes = [
  route('POST', 'organizations', create),
  route('POST', 'organizations/create_or_update', createOrUpdate),
  route('GET', 'organizations/search', search),
  route('GET', 'organizations/show_many', showMany),
  route('POST', 'organizations/create_many', createMany),
  route('PUT', 'organizations/update_many', updateMany),
  route('GET', 'organizations/:id', (req, sim) => orgReply(sim, 200, findOrganization(sim, req))),
  route('PUT', 'organizations/:id', (req, sim) => {
    const org = findOrganization(sim, req)
    return orgReply(sim, 200, updateOrganization(sim.store, org, wrapped(req.body, 'organization')))
  }),
  route('DELETE', 'organizations/:id', (req, sim) => {
    deleteOrganization(sim.store, findOrganization(sim, req))
    return { status: 204 }
  })
]
