import { is, list } from '../shape'
import { ENDPOINT_LIMIT, RETRY_AFTER, type Contract } from './contract'
import {
  AUDIT,
  CUSTOM_FIELD,
  cursorPage,
  FAILED_CREATE_ITEM,
  FAILED_UPDATE_ITEM,
  JOB_QUEUED,
  JOB_WORKING,
  jobDone,
  NOT_FOUND,
  TICKET,
  TICKET_CREATED_ITEM,
  UPDATED_ITEM
} from './shapes'

const NAMED = { id: 'integer', url: 'string', name: 'string', created_at: 'string', updated_at: 'string' }

const TICKET_FIELD = {
  id: 'integer',
  url: 'string',
  type: 'string',
  title: 'string',
  active: 'boolean',
  required: 'boolean',
  removable: 'boolean'
}

export const ticketContracts: Contract[] = [
  {
    route: 'POST tickets',
    answer: 'a new ticket: 201 with Location, the ticket (default brand and form) and its audit',
    source: 'recorded',
    request: { method: 'POST', path: 'tickets', body: { ticket: { subject: 'Hello', comment: { body: 'Hi there' } } } },
    status: 201,
    body: { ticket: TICKET, audit: AUDIT },
    headers: { location: /^https:\/\/acme\.zendesk\.com\/api\/v2\/tickets\/\d+\.json$/ }
  },
  {
    route: 'POST tickets',
    answer: 'with an Idempotency-Key used for the first time: 201, x-idempotency-lookup miss',
    source: 'documented',
    request: {
      method: 'POST',
      path: 'tickets',
      body: { ticket: { subject: 'Hello', comment: { body: 'Hi there' }, external_id: 'order-1' } },
      idempotencyKey: 'contract-key-1'
    },
    status: 201,
    body: { ticket: TICKET, audit: AUDIT },
    headers: { 'x-idempotency-lookup': /^miss$/ }
  },
  {
    route: 'POST tickets',
    answer: 'no comment: 422 RecordInvalid',
    source: 'documented',
    request: { method: 'POST', path: 'tickets', body: { ticket: { subject: 'Hello' } } },
    status: 422,
    body: { error: is('RecordInvalid'), description: 'string', details: 'object' }
  },
  {
    route: 'GET tickets',
    answer: '?external_id=: cursor page with the tickets-index limit header',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.ticket({ description: 'x', external_id: 'order-1' }),
    request: { method: 'GET', path: 'tickets?external_id=order-1&page[size]=100' },
    status: 200,
    body: cursorPage('tickets', TICKET, 1),
    headers: { 'zendesk-ratelimit-tickets-index': ENDPOINT_LIMIT }
  },
  {
    route: 'PUT tickets/:id',
    answer: 'an update: 200, ticket and audit, with the tickets-update limit header',
    source: 'recorded',
    given: async ({ sim }) => ({ id: sim.seed.ticket({ description: 'x' }).id }),
    request: { method: 'PUT', path: 'tickets/{id}', body: { ticket: { subject: 'Changed' } } },
    status: 200,
    body: { ticket: TICKET, audit: AUDIT },
    headers: { 'zendesk-rate-limit-tickets-update': ENDPOINT_LIMIT }
  },
  {
    route: 'PUT tickets/:id',
    answer: 'no such ticket: 404',
    source: 'documented',
    request: { method: 'PUT', path: 'tickets/424242', body: { ticket: { status: 'open' } } },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'PUT tickets/:id',
    answer: 'a stale safe_update stamp: 409 DatabaseConflict',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.ticket({ description: 'x' }).id }),
    request: {
      method: 'PUT',
      path: 'tickets/{id}',
      body: { ticket: { status: 'open', safe_update: true, updated_stamp: '2001-01-01T00:00:00Z' } }
    },
    status: 409,
    body: { error: is('DatabaseConflict'), description: 'string' }
  },
  {
    route: 'PUT tickets/:id',
    answer: 'over the account limit: 429 text/plain with Retry-After',
    source: 'documented',
    simulator: { account: 'default', endpointLimits: { ticketUpdatesPerAccount: { requests: 1, windowMs: 60_000 } } },
    given: async ({ sim, call }) => {
      const { id } = sim.seed.ticket({ description: 'x' })
      await call('PUT', `tickets/${id}`, { ticket: { status: 'open' } })
      return { id }
    },
    request: { method: 'PUT', path: 'tickets/{id}', body: { ticket: { status: 'pending' } } },
    status: 429,
    content: 'text',
    body: 'string',
    headers: { 'retry-after': RETRY_AFTER }
  },
  {
    route: 'POST tickets/create_many',
    answer: 'a queued job',
    source: 'recorded',
    request: { method: 'POST', path: 'tickets/create_many', body: { tickets: [{ comment: { body: 'a' } }] } },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'tickets/create_many done: {index, id, account_id}; a refused ticket {index, error, details}',
    source: 'recorded',
    given: async ({ job }) => ({
      job: await job('POST', 'tickets/create_many', {
        tickets: [{ comment: { body: 'a' } }, { subject: 'no comment' }]
      })
    }),
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: { ...(jobDone('object') as object), results: [TICKET_CREATED_ITEM, FAILED_CREATE_ITEM] } }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'every item refused: the job ends failed',
    source: 'recorded',
    given: async ({ job }) => ({ job: await job('POST', 'tickets/create_many', { tickets: [{ subject: 'x' }] }) }),
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: jobDone(FAILED_CREATE_ITEM, 'failed') }
  },
  {
    route: 'PUT tickets/update_many',
    answer: 'a queued job',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.ticket({ description: 'x' }).id }),
    request: { method: 'PUT', path: 'tickets/update_many', body: { tickets: [{ id: '{id}', status: 'open' }] } },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'tickets/update_many done: {id, action, status, success} without index; a failure names its id',
    source: 'recorded',
    given: async ({ sim, job }) => {
      const { id } = sim.seed.ticket({ description: 'x' })
      return {
        job: await job('PUT', 'tickets/update_many', {
          tickets: [
            { id, status: 'open' },
            { id: 424242, status: 'open' }
          ]
        })
      }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: { ...(jobDone('object') as object), results: [UPDATED_ITEM, FAILED_UPDATE_ITEM] } }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'a job under way: working, a progress message, no results',
    source: 'recorded',
    given: async ({ job }) => ({
      job: await job('POST', 'tickets/create_many', { tickets: [{ comment: { body: 'a' } }] }, 0)
    }),
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: JOB_WORKING }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'an unknown job: 404',
    source: 'assumed',
    request: { method: 'GET', path: 'job_statuses/V3-0123456789abcdef0123456789abcdef' },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'GET job_statuses/show_many',
    answer: '?ids=: the jobs found, under job_statuses',
    source: 'documented',
    given: async ({ job }) => ({
      a: await job('POST', 'tickets/create_many', { tickets: [{ comment: { body: 'a' } }] }, 0),
      b: await job('POST', 'organizations/create_many', { organizations: [{ name: 'Acme' }] }, 0)
    }),
    request: { method: 'GET', path: 'job_statuses/show_many?ids={a},{b}' },
    status: 200,
    body: { job_statuses: list(JOB_WORKING, 2) }
  },
  {
    route: 'POST tickets/create_many',
    answer: 'more than 30 jobs queued or working: 429 naming TooManyJobs',
    source: 'assumed',
    simulator: { account: 'default', endpointLimits: { activeJobs: 1 } },
    given: async ({ job }) =>
      void (await job('POST', 'tickets/create_many', { tickets: [{ comment: { body: 'a' } }] }, 0)),
    request: { method: 'POST', path: 'tickets/create_many', body: { tickets: [{ comment: { body: 'b' } }] } },
    status: 429,
    body: { error: is('TooManyJobs') },
    headers: { 'retry-after': RETRY_AFTER }
  },
  {
    route: 'GET ticket_fields',
    answer: 'a new account: cursor page of the system fields, not removable',
    source: 'documented',
    request: { method: 'GET', path: 'ticket_fields?page[size]=100' },
    status: 200,
    body: cursorPage('ticket_fields', { ...TICKET_FIELD, removable: false }, 7)
  },
  {
    route: 'GET ticket_fields/:id',
    answer: 'one field',
    source: 'documented',
    given: async ({ sim }) => ({
      id: sim.seed.ticketField({ title: 'Plan', type: 'tagger', options: [{ name: 'Gold', value: 'gold' }] }).id
    }),
    request: { method: 'GET', path: 'ticket_fields/{id}' },
    status: 200,
    body: {
      ticket_field: {
        ...TICKET_FIELD,
        removable: true,
        custom_field_options: list({ id: 'integer', name: 'string', value: 'string' }, 1)
      }
    }
  },
  {
    route: 'GET groups',
    answer: 'cursor page with the default group',
    source: 'documented',
    request: { method: 'GET', path: 'groups?page[size]=100' },
    status: 200,
    body: cursorPage('groups', { ...NAMED, default: 'boolean', deleted: false }, 1)
  },
  {
    route: 'GET brands',
    answer: 'cursor page with the default brand',
    source: 'documented',
    request: { method: 'GET', path: 'brands?page[size]=100' },
    status: 200,
    body: cursorPage('brands', { ...NAMED, active: 'boolean', default: 'boolean', subdomain: 'string' }, 1)
  },
  {
    route: 'GET ticket_forms',
    answer: '?active=true: cursor page with the default form',
    source: 'documented',
    request: { method: 'GET', path: 'ticket_forms?active=true&page[size]=100' },
    status: 200,
    body: cursorPage(
      'ticket_forms',
      { ...NAMED, active: true, default: 'boolean', ticket_field_ids: list('integer') },
      1
    )
  },
  {
    route: 'GET users',
    answer: '?role[]=agent&role[]=admin: cursor page of agents',
    source: 'documented',
    request: { method: 'GET', path: 'users?role[]=agent&role[]=admin&page[size]=100' },
    status: 200,
    body: cursorPage('users', { id: 'integer', name: 'string', email: 'string|null', role: /^(agent|admin)$/ }, 1)
  },
  {
    route: 'GET user_fields',
    answer: 'cursor page',
    source: 'documented',
    given: async ({ sim }) =>
      void sim.seed.userField({ key: 'plan', type: 'dropdown', options: [{ name: 'Pro', value: 'pro' }] }),
    request: { method: 'GET', path: 'user_fields?page[size]=100' },
    status: 200,
    body: cursorPage('user_fields', CUSTOM_FIELD, 1)
  },
  {
    route: 'GET organization_fields',
    answer: 'cursor page',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.organizationField({ key: 'website' }),
    request: { method: 'GET', path: 'organization_fields?page[size]=100' },
    status: 200,
    body: cursorPage('organization_fields', CUSTOM_FIELD, 1)
  }
]
