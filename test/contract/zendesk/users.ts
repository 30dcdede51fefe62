import { is, list } from '../shape'
import { ENDPOINT_LIMIT, RETRY_AFTER, type Contract } from './contract'
import {
  CREATED_ITEM,
  DELETED_ITEM,
  FAILED_CREATE_ITEM,
  FAILED_UPDATE_ITEM,
  JOB_QUEUED,
  jobDone,
  NOT_FOUND,
  cursorPage,
  IDENTITY,
  offsetPage,
  recordInvalid,
  TOO_MANY_VALUES,
  UPDATED_ITEM,
  USER
} from './shapes'

const ann = { name: 'Ann Lee', email: 'ann@example.com', external_id: 'ann-1' }

/** A deleted user: every key the reference requires (it documents no external_id). */
const DELETED_USER = {
  id: 'integer',
  url: /^https:\/\/acme\.zendesk\.com\/api\/v2\/deleted_users\/\d+$/,
  name: 'string',
  email: 'string|null',
  created_at: 'string',
  updated_at: 'string',
  time_zone: 'string',
  phone: 'string|null',
  shared_phone_number: 'boolean|null',
  photo: 'object|null',
  locale_id: 'integer',
  locale: 'string',
  organization_id: 'integer|null',
  role: 'string',
  active: false
}

export const userContracts: Contract[] = [
  {
    route: 'GET users/me',
    answer: 'the API user',
    source: 'documented',
    request: { method: 'GET', path: 'users/me' },
    status: 200,
    body: { user: USER }
  },
  {
    route: 'GET users/search',
    answer: 'wrong credentials: 401 with WWW-Authenticate',
    source: 'recorded',
    request: { method: 'GET', path: 'users/search?external_id=x', authorization: 'Basic d3Jvbmc6d3Jvbmc=' },
    status: 401,
    body: { error: is("Couldn't authenticate you") },
    headers: { 'www-authenticate': /^Basic realm="Web Password"$/ }
  },
  {
    route: 'POST users/create_or_update',
    answer: 'a new user: 201 with Location',
    source: 'recorded',
    request: { method: 'POST', path: 'users/create_or_update', body: { user: ann } },
    status: 201,
    body: { user: USER },
    headers: {
      location: /^https:\/\/acme\.zendesk\.com\/api\/v2\/users\/\d+\.json$/,
      'zendesk-ratelimit-create-update-user': ENDPOINT_LIMIT
    }
  },
  {
    route: 'POST users/create_or_update',
    answer: 'an existing user (matched by external_id): 200',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.user(ann),
    request: {
      method: 'POST',
      path: 'users/create_or_update',
      body: { user: { external_id: 'ANN-1', phone: '+15551234567' } }
    },
    status: 200,
    body: { user: { ...(USER as object), external_id: is('ANN-1') } }
  },
  {
    route: 'POST users/create_or_update',
    answer: 'a malformed email: 422 without an error code',
    source: 'recorded',
    request: { method: 'POST', path: 'users/create_or_update', body: { user: { name: 'Bad', email: 'badmail' } } },
    status: 422,
    body: recordInvalid('email')
  },
  {
    route: 'POST users/create_or_update',
    answer: 'the same user written too often: 429 text/plain with Retry-After',
    source: 'recorded',
    simulator: { account: 'default', endpointLimits: { userWritesPerAccount: false } },
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      for (let i = 0; i < 5; i++) await call('PUT', `users/${id}`, { user: { notes: `${i}` } })
      return { id }
    },
    request: { method: 'PUT', path: 'users/{id}', body: { user: { notes: 'once more' } } },
    status: 429,
    content: 'text',
    body: /^You have exceeded the rate limit for updating a single unique user\./,
    headers: { 'retry-after': RETRY_AFTER }
  },
  {
    route: 'POST users/create_many',
    answer: 'bulk import enabled: a queued job',
    source: 'recorded',
    request: { method: 'POST', path: 'users/create_many', body: { users: [ann] } },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'POST users/create_many',
    answer: 'a new account, bulk import off: 403',
    source: 'documented',
    simulator: { account: 'default' },
    request: { method: 'POST', path: 'users/create_many', body: { users: [ann] } },
    status: 403,
    body: { error: { title: is('Forbidden'), message: 'string' } }
  },
  {
    route: 'POST users/create_many',
    answer: 'more than 100 users: 400 TooManyValues, in its own words',
    source: 'recorded',
    request: {
      method: 'POST',
      path: 'users/create_many',
      body: { users: Array.from({ length: 101 }, (_, i) => ({ name: `u${i}`, external_id: `u${i}` })) }
    },
    status: 400,
    body: { error: is('TooManyValues'), description: is('Maximum 100 users may be created per call') }
  },
  {
    route: 'POST users/create_or_update_many',
    answer: 'bulk import enabled: a queued job',
    source: 'recorded',
    request: { method: 'POST', path: 'users/create_or_update_many', body: { users: [ann] } },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'POST users/create_or_update_many',
    answer: 'a new account, bulk import off: 403',
    source: 'documented',
    simulator: { account: 'default' },
    request: { method: 'POST', path: 'users/create_or_update_many', body: { users: [ann] } },
    status: 403,
    body: { error: { title: is('Forbidden'), message: 'string' } }
  },
  {
    route: 'POST users/create_or_update_many',
    answer: 'more than 100 users: 400 TooManyValues',
    source: 'recorded',
    request: {
      method: 'POST',
      path: 'users/create_or_update_many',
      body: { users: Array.from({ length: 101 }, (_, i) => ({ name: `u${i}`, external_id: `u${i}` })) }
    },
    status: 400,
    body: TOO_MANY_VALUES
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'users/create_many done: items are {id, status} without index',
    source: 'recorded',
    given: async ({ job }) => ({
      job: await job('POST', 'users/create_many', { users: [{ name: 'A' }, { name: 'B' }] })
    }),
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: jobDone(CREATED_ITEM) }
  },
  {
    route: 'GET job_statuses/:id',
    answer:
      'users/create_or_update_many done, one item refused: processed {id, status}, the refused one {index, error, details}',
    source: 'assumed',
    given: async ({ sim, job }) => {
      sim.seed.user(ann)
      return {
        job: await job('POST', 'users/create_or_update_many', {
          users: [
            { external_id: 'ann-1', notes: 'x' },
            { name: 'Bad', email: 'bad' }
          ]
        })
      }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: {
      job_status: {
        ...(jobDone('object') as object),
        results: [{ id: 'integer', status: is('Updated'), $absent: ['index'] }, FAILED_CREATE_ITEM]
      }
    }
  },
  {
    route: 'GET users/search',
    answer: '?external_id= that matches: offset page of one',
    source: 'recorded',
    given: async ({ sim }) => void sim.seed.user(ann),
    request: { method: 'GET', path: 'users/search?external_id=ann-1' },
    status: 200,
    body: { ...(offsetPage('users', USER, 1) as object), count: 1, next_page: 'null', previous_page: 'null' }
  },
  {
    route: 'GET users/search',
    answer: '?external_id= that matches nothing: empty page, count 0',
    source: 'recorded',
    request: { method: 'GET', path: 'users/search?external_id=nobody' },
    status: 200,
    body: { users: list('object'), next_page: 'null', previous_page: 'null', count: 0 }
  },
  {
    route: 'GET users/search',
    answer: '?query=email:"…": offset page',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.user(ann),
    request: { method: 'GET', path: 'users/search?query=email%3A%22ann%40example.com%22' },
    status: 200,
    body: offsetPage('users', USER, 1)
  },
  {
    route: 'GET users/:id/identities',
    answer: "a user's identities: cursor page",
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: { method: 'GET', path: 'users/{id}/identities?page[size]=100' },
    status: 200,
    body: cursorPage('identities', IDENTITY, 1)
  },
  {
    route: 'GET users/show_many',
    answer: '?external_ids=: the users found',
    source: 'documented',
    given: async ({ sim }) => void sim.seed.user(ann),
    request: { method: 'GET', path: 'users/show_many?external_ids=ann-1,nobody' },
    status: 200,
    body: offsetPage('users', USER, 1)
  },
  {
    route: 'PUT users/:id',
    answer: 'Update User: 200 with the user, and the per-user write limit',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: { method: 'PUT', path: 'users/{id}', body: { user: { name: 'Ann Renamed' } } },
    status: 200,
    body: { user: USER },
    headers: { 'zendesk-ratelimit-create-update-user': ENDPOINT_LIMIT }
  },
  {
    route: 'PUT users/:id',
    answer: 'no such user: 404 RecordNotFound',
    source: 'documented',
    request: { method: 'PUT', path: 'users/9223372036854775807', body: { user: { name: 'x' } } },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'DELETE users/:id',
    answer: 'soft delete: 200 with the user, active false',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: { method: 'DELETE', path: 'users/{id}' },
    status: 200,
    body: { user: { ...(USER as object), active: false } }
  },
  {
    route: 'DELETE users/:id',
    answer: 'no such user: 404 RecordNotFound',
    source: 'recorded',
    request: { method: 'DELETE', path: 'users/9223372036854775807' },
    status: 404,
    body: NOT_FOUND
  },
  {
    route: 'DELETE users/destroy_many',
    answer: '?ids=: a queued job',
    source: 'documented',
    given: async ({ sim }) => ({ a: sim.seed.user(ann).id, b: sim.seed.user({ name: 'Bo' }).id }),
    request: { method: 'DELETE', path: 'users/destroy_many?ids={a},{b}' },
    status: 200,
    body: { job_status: { ...(JOB_QUEUED as object), total: 2 } }
  },
  {
    route: 'DELETE users/destroy_many',
    answer: 'without bulk import: a queued job (no gate is documented on destroy_many)',
    source: 'assumed',
    simulator: { account: 'default' },
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: { method: 'DELETE', path: 'users/destroy_many?ids={id}' },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'DELETE users/destroy_many',
    answer: 'more than 100 ids: 400 TooManyValues',
    source: 'assumed',
    request: {
      method: 'DELETE',
      path: `users/destroy_many?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`
    },
    status: 400,
    body: { ...(TOO_MANY_VALUES as object), max_count: 100 }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'users/destroy_many done: items are {id, action delete, status Deleted, success}',
    source: 'documented',
    given: async ({ sim, job }) => {
      const ids = [sim.seed.user(ann).id, sim.seed.user({ name: 'Bo' }).id]
      return { job: await job('DELETE', `users/destroy_many?ids=${ids.join(',')}`, undefined) }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: { ...(jobDone('object') as object), results: [DELETED_ITEM, DELETED_ITEM] } }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'users/destroy_many of an id that names no user: that item fails RecordNotFound, with its id',
    source: 'assumed',
    given: async ({ sim, job }) => {
      const { id } = sim.seed.user(ann)
      return { job: await job('DELETE', `users/destroy_many?ids=${id},424242`, undefined) }
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
    route: 'DELETE deleted_users/:id',
    answer: 'permanent deletion: 200 with every key the reference requires',
    source: 'documented',
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      await call('DELETE', `users/${id}`)
      return { id }
    },
    request: { method: 'DELETE', path: 'deleted_users/{id}' },
    status: 200,
    body: { deleted_user: DELETED_USER }
  },
  {
    route: 'DELETE deleted_users/:id',
    answer: 'more than 700 permanent deletions in 10 minutes: 429 with Retry-After',
    source: 'documented',
    simulator: {
      account: 'bulk-import',
      endpointLimits: { permanentUserDeletions: { requests: 1, windowMs: 600_000 } }
    },
    given: async ({ sim, call }) => {
      const [first, second] = [
        sim.seed.user({ name: 'One', active: false }),
        sim.seed.user({ name: 'Two', active: false })
      ]
      await call('DELETE', `deleted_users/${first.id}`)
      return { id: second.id }
    },
    request: { method: 'DELETE', path: 'deleted_users/{id}' },
    status: 429,
    content: 'text',
    headers: { 'retry-after': RETRY_AFTER }
  },
  {
    route: 'GET deleted_users',
    answer: 'soft-deleted and permanently deleted users, a cursor page, without external_id (as documented)',
    source: 'documented',
    given: async ({ sim, call }) => {
      const [gone, deleted] = [sim.seed.user(ann), sim.seed.user({ name: 'Bo', external_id: 'bo-1' })]
      for (const { id } of [gone, deleted]) await call('DELETE', `users/${id}`)
      await call('DELETE', `deleted_users/${gone.id}`)
    },
    request: { method: 'GET', path: 'deleted_users?page[size]=100' },
    status: 200,
    body: cursorPage('deleted_users', { ...DELETED_USER, $absent: ['external_id'] }, 2)
  },
  {
    route: 'POST users/:id/events',
    answer: 'an event: 202 received',
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: {
      method: 'POST',
      path: 'users/{id}/events',
      body: { event: { source: 'segment', type: 'Order Completed', properties: { total: 10 } } }
    },
    status: 202,
    body: { profile_id: 'string', status: is('received'), user_id: /^\d+$/ }
  },
  {
    route: 'POST users/:id/events',
    answer: "reserved source 'zendesk': 400 with an errors list",
    source: 'documented',
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: {
      method: 'POST',
      path: 'users/{id}/events',
      body: { event: { source: 'zendesk', type: 'x', properties: {} } }
    },
    status: 400,
    body: { errors: list({ code: 'string', title: 'string', id: 'string' }, 1) }
  },
  {
    route: 'GET users/me',
    answer: 'over an enforced account limit: 429 text/plain with Retry-After',
    source: 'recorded',
    simulator: { account: 'default', accountRateLimit: { requests: 1, windowMs: 60_000 } },
    given: async ({ call }) => void (await call('GET', 'users/me')),
    request: { method: 'GET', path: 'users/me' },
    status: 429,
    content: 'text',
    body: is('Number of allowed API requests per minute exceeded'),
    headers: { 'retry-after': RETRY_AFTER }
  },
  {
    route: 'POST users/create_or_update',
    answer: 'a role Zendesk does not know: 422 InvalidValue on role',
    source: 'assumed',
    request: { method: 'POST', path: 'users/create_or_update', body: { user: { name: 'A', role: 'owner' } } },
    status: 422,
    body: recordInvalid('role', 'InvalidValue')
  },
  {
    route: 'POST users',
    answer: 'Create User: 201 with the user',
    source: 'recorded',
    simulator: { account: 'default' },
    request: { method: 'POST', path: 'users', body: { user: ann } },
    status: 201,
    body: { user: USER }
  },
  {
    route: 'POST users',
    answer: 'an email another user has: 422 DuplicateValue on email',
    source: 'recorded',
    simulator: { account: 'default' },
    given: async ({ sim }) => void sim.seed.user(ann),
    request: { method: 'POST', path: 'users', body: { user: { name: 'Other', email: 'ann@example.com' } } },
    status: 422,
    body: recordInvalid('email', 'DuplicateValue')
  },
  {
    route: 'POST users',
    answer: 'no name: 422 BlankValue on name',
    source: 'documented',
    simulator: { account: 'default' },
    request: { method: 'POST', path: 'users', body: { user: { email: 'new@example.com' } } },
    status: 422,
    body: recordInvalid('name', 'BlankValue')
  },
  {
    route: 'PUT users/update_many',
    answer: 'the batch form without bulk import: a queued job (no gate is documented on update_many)',
    source: 'assumed',
    simulator: { account: 'default' },
    given: async ({ sim }) => ({ id: sim.seed.user(ann).id }),
    request: { method: 'PUT', path: 'users/update_many', body: { users: [{ id: '{id}', notes: 'x' }] } },
    status: 200,
    body: { job_status: JOB_QUEUED }
  },
  {
    route: 'GET job_statuses/:id',
    answer: 'users/update_many done: items are {id, action, status, success}',
    source: 'documented',
    given: async ({ sim, job }) => {
      const { id } = sim.seed.user(ann)
      return { job: await job('PUT', 'users/update_many', { users: [{ id, notes: 'x' }] }) }
    },
    request: { method: 'GET', path: 'job_statuses/{job}' },
    status: 200,
    body: { job_status: jobDone(UPDATED_ITEM) }
  },
  {
    route: 'GET users/:id/identities',
    answer: "the user's identities",
    source: 'documented',
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      await call('PUT', `users/${id}`, { user: { email: 'ann.new@example.com' } })
      return { id }
    },
    request: { method: 'GET', path: 'users/{id}/identities' },
    status: 200,
    body: offsetPage('identities', IDENTITY, 2)
  },
  {
    route: 'PUT users/:id/identities/:id/make_primary',
    answer: "Make Identity Primary: 200 with the user's identities",
    source: 'documented',
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      await call('PUT', `users/${id}`, { user: { email: 'ann.new@example.com' } })
      const { body } = await call('GET', `users/${id}/identities`)
      return { id, identity: body.identities.find((i: any) => !i.primary).id }
    },
    request: { method: 'PUT', path: 'users/{id}/identities/{identity}/make_primary', body: {} },
    status: 200,
    body: { identities: list(IDENTITY, 2) }
  },
  {
    route: 'PUT users/:id/identities/:id',
    answer: 'Update Identity (verified): 200 with the identity',
    source: 'documented',
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      const { body } = await call('GET', `users/${id}/identities`)
      return { id, identity: body.identities[0].id }
    },
    request: { method: 'PUT', path: 'users/{id}/identities/{identity}', body: { identity: { verified: true } } },
    status: 200,
    body: { identity: { ...(IDENTITY as object), verified: true } }
  },
  {
    route: 'DELETE users/:id/identities/:id',
    answer: 'a secondary identity: 204',
    source: 'documented',
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      await call('PUT', `users/${id}`, { user: { email: 'ann.new@example.com' } })
      const { body } = await call('GET', `users/${id}/identities`)
      return { id, identity: body.identities.find((i: any) => !i.primary).id }
    },
    request: { method: 'DELETE', path: 'users/{id}/identities/{identity}' },
    status: 204,
    content: 'none'
  },
  {
    route: 'DELETE users/:id/identities/:id',
    answer: 'the primary identity: refused with 422 (the answer is not documented)',
    source: 'assumed',
    given: async ({ sim, call }) => {
      const { id } = sim.seed.user(ann)
      const { body } = await call('GET', `users/${id}/identities`)
      return { id, identity: body.identities[0].id }
    },
    request: { method: 'DELETE', path: 'users/{id}/identities/{identity}' },
    status: 422,
    body: recordInvalid('base')
  }
]
