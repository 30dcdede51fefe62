import { is } from '../shape'
import type { Contract } from './contract'
import {
  CREATED_ITEM,
  CUSTOM_FIELD,
  cursorPage,
  DELETED_ITEM,
  FAILED_UPDATE_ITEM,
  JOB_QUEUED,
  jobDone,
  MEMBERSHIP,
  NOT_FOUND,
  offsetPage,
  ORGANIZATION,
  recordInvalid,
  TOO_MANY_VALUES,
  UPDATED_ITEM
} from './shapes'

const acme = { name: 'Acme', external_id: 'acme-1' }

export const organizationContracts: Contract[] = [
  {
    route: 'POST organizations/create_or_update',
    answer: 'a new organization: 201 with Location',
    source: 'documented',
    request: { method: 'POST', path: 'organizations/create_or_update', body: { organization: acme } },
    status: 201,
    body: { organization: ORGANIZATION },
    headers: { location: /^https:\/\/acme\.zendesk\.com\/api\/v2\/organizations\/\d+\.json$/ }
  },
  {
    route: 'POST organizations/create_or_update',
    answer: 'matched by external_id, whatever its case: 200',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.organization(acme),
    request: {
      method: 'POST',
      path: 'organizations/create_or_update',
      body: { organization: { external_id: 'ACME-1', notes: 'key account' } }
    },
    status: 200,
    body: { organization: ORGANIZATION }
  },
  {
    route: 'POST organizations/create_or_update',
    answer: 'a name another organization has: 422 DuplicateValue on name',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.organization(acme),
    request: { method: 'POST', path: 'organizations/create_or_update', body: { organization: { name: 'acme' } } },
    status: 422,
    body: recordInvalid('name', 'DuplicateValue')
  },
  {
    route: 'POST organizations',
    answer: 'Create Organization: 201 with the organization',
    source: 'documented',
    request: { method: 'POST', path: 'organizations', body: { organization: acme } },
    status: 201,
    body: { organization: ORGANIZATION }
  },
  {
    route: 'POST organizations',
    answer: 'an external_id another organization has: 422 DuplicateValue on external_id',
    source: 'assumed',
    given: async ({ sim }) => void sim.seed.organization(acme),
    request: {
      method: 'POST',
      path: 'organizations',
      body: { organization: { name: 'Other', external_id: 'ACME-1' } }
    },
    status: 422,
    body: recordInvalid('external_id', 'DuplicateValue')
  },
  {
    route: 'PUT organizations/:id',
    answer: 'Update Organization: 200 with the organization',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.organization(acme).id }),
    request: { method: 'PUT', path: 'organizations/{id}', body: { organization: { notes: 'key account' } } },
    status: 200,
    body: { organization: ORGANIZATION }
  },
  {
    route: 'PUT organizations/:id',
    answer: 'no such organization: 404 RecordNotFound',
    source: 'documented',
    request: { method: 'PUT', path: 'organizations/9223372036854775807', body: { organization: { notes: 'x' } } },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'GET organizations/search',
    answer: '?external_id=: offset page',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.organization(acme),
    request: { method: 'GET', path: 'organizations/search?external_id=acme-1' },
    status: 200,
    body: offsetPage('organizations', ORGANIZATION, 1)
  },
  {
    route: 'GET organizations/show_many',
    answer: '?external_ids=: the organizations found',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.organization(acme),
    request: { method: 'GET', path: 'organizations/show_many?external_ids=acme-1,nope' },
    status: 200,
    body: offsetPage('organizations', ORGANIZATION, 1)
  },
  {
    route: 'POST organizations/create_many',
    answer: 'a queued job',
    source: 'documented',
    request: { method: 'POST', path: 'organizations/create_many', body: { organizations: [acme] } },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'POST organizations/create_many',
    answer: 'more than 100: 400 TooManyValues with max_count',
    source: 'recorded',
    request: {
      method: 'POST',
      path: 'organizations/create_many',
      body: { organizations: Array.from({ length: 101 }, (_, i) => ({ name: `o${i}` })) }
    },
    status: 400,
    body: { ...(TOO_MANY_VALUES as object), max_count: 100 }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'organizations/create_many done: {id, status} without index',
    source: 'recorded',
    given: async ({ job }) => ({ job: await job('POST', 'organizations/create_many', { organizations: [acme] }) }),
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: jobDone(CREATED_ITEM) }
  },
  {
    route: 'PUT organizations/update_many',
    answer: 'a queued job',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.organization(acme).id }),
    request: {
      method: 'PUT',
      path: 'organizations/update_many',
      body: { organizations: [{ id: '{id}', notes: 'x' }] }
    },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'organizations/update_many done: {id, action, status, success} without index; a failure names its id',
    source: 'recorded',
    given: async ({ sim, job }) => {
      const { id } = sim.seed.organization(acme)
      const organizations = [
        { id, notes: 'x' },
        { id: 999999, notes: 'y' }
      ]
      return { job: await job('PUT', 'organizations/update_many', { organizations }) }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: { ...(jobDone('object') as object), results: [UPDATED_ITEM, FAILED_UPDATE_ITEM] } }
  },
  {
    route: 'DELETE organizations/:id',
    answer: '204 without a body',
    source: 'recorded',
    given: async ({ sim }) => ({ id: sim.seed.organization(acme).id }),
    request: { method: 'DELETE', path: 'organizations/{id}' },
    status: 204,
    content: 'none'
  },
  {
    route: 'DELETE organizations/:id',
    answer: 'already gone: 404 RecordNotFound',
    source: 'assumed',
    request: { method: 'DELETE', path: 'organizations/424242' },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'DELETE organizations/destroy_many',
    answer: '?ids=: a queued job',
    source: 'documented',
    given: async ({ sim }) => ({
      a: sim.seed.organization(acme).id,
      b: sim.seed.organization({ name: 'Beta', external_id: 'beta-1' }).id
    }),
    request: { method: 'DELETE', path: 'organizations/destroy_many?ids={a},{b}' },
    status: 200,
    body: { job_status: { ...(JOB_QUEUED as object), total: 2 } }
  },
  {
    route: 'DELETE organizations/destroy_many',
    answer: 'more than 100 ids: 400 TooManyValues with max_count',
    source: 'assumed',
    request: {
      method: 'DELETE',
      path: `organizations/destroy_many?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`
    },
    status: 400,
    body: { ...(TOO_MANY_VALUES as object), max_count: 100 }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'organizations/destroy_many done: items are {id, action delete, status Deleted, success}',
    source: 'documented',
    given: async ({ sim, job }) => {
      const ids = [sim.seed.organization(acme).id, sim.seed.organization({ name: 'Beta', external_id: 'beta-1' }).id]
      return { job: await job('DELETE', `organizations/destroy_many?ids=${ids.join(',')}`, undefined) }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: { ...(jobDone('object') as object), results: [DELETED_ITEM, DELETED_ITEM] } }
  },
  {
    route: 'GET job_statuses/:id',
    answer:
      'organizations/destroy_many of an id that names no organization: that item fails RecordNotFound, with its id',
    source: 'assumed',
    given: async ({ sim, job }) => {
      const { id } = sim.seed.organization(acme)
      return { job: await job('DELETE', `organizations/destroy_many?ids=${id},424242`, undefined) }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: {
      job_status: {
        ...(jobDone('object') as object),
        results: [
          DELETED_ITEM,
          { ...(FAILED_UPDATE_ITEM as object), action: is('delete'), error: is('RecordNotFound') }
        ]
      }
    }
  },
  {
    route: 'POST organization_fields',
    answer: 'a new field: 201 with Location, type text by default',
    source: 'recorded',
    request: {
      method: 'POST',
      path: 'organization_fields',
      body: { organization_field: { key: 'website', title: 'Website' } }
    },
    status: 201,
    body: { organization_field: { ...(CUSTOM_FIELD as object), type: is('text') } },
    headers: { location: /^https:\/\/acme\.zendesk\.com\/api\/v2\/organization_fields\/\d+\.json$/ }
  },
  {
    route: 'POST organization_fields',
    answer: 'a key already used: 422 DuplicateValue on key',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.organizationField({ key: 'website' }),
    request: {
      method: 'POST',
      path: 'organization_fields',
      body: { organization_field: { key: 'website', title: 'W' } }
    },
    status: 422,
    body: recordInvalid('key', 'DuplicateValue')
  },
  {
    route: 'POST organization_memberships',
    answer: 'a new membership: 201',
    source: 'documented',
    given: async ({ sim }) => ({ user: sim.seed.user({ name: 'Ann' }).id, org: sim.seed.organization(acme).id }),
    request: {
      method: 'POST',
      path: 'organization_memberships',
      body: { organization_membership: { user_id: '{user}', organization_id: '{org}' } }
    },
    status: 201,
    body: { organization_membership: MEMBERSHIP }
  },
  {
    route: 'POST organization_memberships',
    answer: 'already a member: 422 RecordInvalid (its details were never captured)',
    source: 'documented',
    given: async ({ sim }) => {
      const org = sim.seed.organization(acme).id
      return { org, user: sim.seed.user({ name: 'Ann', organization_id: org }).id }
    },
    request: {
      method: 'POST',
      path: 'organization_memberships',
      body: { organization_membership: { user_id: '{user}', organization_id: '{org}' } }
    },
    status: 422,
    body: { error: is('RecordInvalid'), description: 'string' }
  },
  {
    route: 'POST organization_memberships',
    answer: 'an organization that does not exist: 422 BlankValue on organization',
    source: 'recorded',
    given: async ({ sim }) => ({ user: sim.seed.user({ name: 'Ann' }).id }),
    request: {
      method: 'POST',
      path: 'organization_memberships',
      body: { organization_membership: { user_id: '{user}', organization_id: 424242 } }
    },
    status: 422,
    body: recordInvalid('organization', 'BlankValue')
  },
  {
    route: 'POST organization_memberships/create_many',
    answer: 'a queued job',
    source: 'documented',
    given: async ({ sim }) => ({ user: sim.seed.user({ name: 'Ann' }).id, org: sim.seed.organization(acme).id }),
    request: {
      method: 'POST',
      path: 'organization_memberships/create_many',
      body: { organization_memberships: [{ user_id: '{user}', organization_id: '{org}' }] }
    },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'organization_memberships/create_many done: {id, action create, status, success}',
    source: 'documented',
    given: async ({ sim, job }) => {
      const [user, org] = [sim.seed.user({ name: 'Ann' }).id, sim.seed.organization(acme).id]
      return {
        job: await job('POST', 'organization_memberships/create_many', {
          organization_memberships: [{ user_id: user, organization_id: org }]
        })
      }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: {
      job_status: jobDone({
        id: 'integer',
        action: is('create'),
        status: is('Created'),
        success: true,
        $absent: ['index']
      })
    }
  },
  {
    route: 'DELETE users/:id/organizations/:id',
    answer: 'unassign: 204',
    source: 'documented',
    given: async ({ sim }) => {
      const org = sim.seed.organization(acme).id
      return { org, user: sim.seed.user({ name: 'Ann', organization_id: org }).id }
    },
    request: { method: 'DELETE', path: 'users/{user}/organizations/{org}' },
    status: 204,
    content: 'none'
  },
  {
    route: 'DELETE users/:id/organizations/:id',
    answer: 'not a member: 404',
    source: 'assumed',
    given: async ({ sim }) => ({ user: sim.seed.user({ name: 'Ann' }).id, org: sim.seed.organization(acme).id }),
    request: { method: 'DELETE', path: 'users/{user}/organizations/{org}' },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'GET users/:id/organization_memberships',
    answer: 'cursor page, the default membership first',
    source: 'documented',
    given: async ({ sim }) => {
      const org = sim.seed.organization(acme).id
      return { user: sim.seed.user({ name: 'Ann', organization_id: org }).id }
    },
    request: { method: 'GET', path: 'users/{user}/organization_memberships?page[size]=100' },
    status: 200,
    body: cursorPage('organization_memberships', MEMBERSHIP, 1)
  },
  {
    route: 'POST organization_fields',
    answer: 'a body without the wrapping key: 400',
    source: 'assumed',
    request: { method: 'POST', path: 'organization_fields', body: { key: 'website' } },
    status: 400,
    body: { error: 'string', description: 'string' }
  },
  {
    route: 'GET organizations/:id/organization_memberships',
    answer: "cursor page of the organization's memberships",
    source: 'documented',
    given: async ({ sim }) => {
      const org = sim.seed.organization(acme).id
      sim.seed.user({ name: 'Ann', organization_id: org })
      sim.seed.user({ name: 'Bob', organization_id: org })
      return { org }
    },
    request: { method: 'GET', path: 'organizations/{org}/organization_memberships?page[size]=100' },
    status: 200,
    body: cursorPage('organization_memberships', MEMBERSHIP, 2)
  }
]
