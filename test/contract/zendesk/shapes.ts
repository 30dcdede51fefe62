/**
 * The shapes of Zendesk's records and envelopes, as its API reference documents them and as answers recorded
 * from real accounts show them. Written in our words: the keys a client may rely on and their types.
 */
import { is, list, oneOf, type Shape } from '../shape'

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const API_URL = (resource: string) => new RegExp(`^https://[a-z0-9-]+\\.zendesk\\.com/api/v2/${resource}/\\d+\\.json$`)

/** A user as admins see it (recorded from POST users, PUT users/{id}). */
export const USER: Shape = {
  id: 'integer',
  url: API_URL('users'),
  name: 'string',
  email: 'string|null',
  created_at: ISO_TIME,
  updated_at: ISO_TIME,
  time_zone: 'string',
  iana_time_zone: 'string',
  phone: 'string|null',
  shared_phone_number: 'boolean|null',
  photo: 'object|null',
  locale_id: 'integer',
  locale: 'string',
  organization_id: 'integer|null',
  role: oneOf(is('end-user'), is('agent'), is('admin')),
  verified: 'boolean',
  external_id: 'string|null',
  tags: list('string'),
  alias: 'string|null',
  active: 'boolean',
  shared: 'boolean',
  shared_agent: 'boolean',
  last_login_at: 'string|null',
  two_factor_auth_enabled: 'boolean|null',
  signature: 'string|null',
  details: 'string|null',
  notes: 'string|null',
  role_type: 'integer|null',
  custom_role_id: 'integer|null',
  moderator: 'boolean',
  ticket_restriction: 'string|null',
  only_private_comments: 'boolean',
  restricted_agent: 'boolean',
  suspended: 'boolean',
  default_group_id: 'integer|null',
  report_csv: 'boolean',
  user_fields: 'object',
  $absent: ['identities', 'password']
}

/** An organization (recorded from POST organizations). */
/** One of a user's identities (documented): the keys the destination reads and the ones Zendesk always sends. */
export const IDENTITY: Shape = {
  id: 'integer',
  user_id: 'integer',
  type: 'string',
  value: 'string',
  primary: 'boolean',
  verified: 'boolean'
}

export const ORGANIZATION: Shape = {
  url: API_URL('organizations'),
  id: 'integer',
  name: 'string',
  shared_tickets: 'boolean',
  shared_comments: 'boolean',
  external_id: 'string|null',
  created_at: ISO_TIME,
  updated_at: ISO_TIME,
  domain_names: list('string'),
  details: 'string|null',
  notes: 'string|null',
  group_id: 'integer|null',
  tags: list('string'),
  organization_fields: 'object|null'
}

/** A membership: `default` is true or null, never false (documented). */
export const MEMBERSHIP: Shape = {
  id: 'integer',
  url: API_URL('organization_memberships'),
  user_id: 'integer',
  organization_id: 'integer',
  default: oneOf(true, 'null'),
  organization_name: 'string',
  view_tickets: 'boolean',
  created_at: ISO_TIME,
  updated_at: ISO_TIME
}

/** A user or organization field (recorded from POST user_fields / organization_fields). */
export const CUSTOM_FIELD: Shape = {
  url: /^https:\/\/[a-z0-9-]+\.zendesk\.com\/api\/v2\/(user|organization)_fields\/\d+\.json$/,
  id: 'integer',
  type: 'string',
  key: 'string',
  title: 'string',
  description: 'string',
  raw_title: 'string',
  raw_description: 'string',
  position: 'integer',
  active: 'boolean',
  system: 'boolean',
  regexp_for_validation: 'string|null',
  created_at: ISO_TIME,
  updated_at: ISO_TIME
}

/** A ticket (recorded from POST tickets): a real account always gives it a brand and a form. */
export const TICKET: Shape = {
  url: API_URL('tickets'),
  id: 'integer',
  external_id: 'string|null',
  via: { channel: 'string', source: 'object' },
  created_at: ISO_TIME,
  updated_at: ISO_TIME,
  type: 'string|null',
  subject: 'string|null',
  raw_subject: 'string|null',
  description: 'string',
  priority: 'string|null',
  status: 'string',
  recipient: 'string|null',
  requester_id: 'integer',
  submitter_id: 'integer',
  assignee_id: 'integer|null',
  organization_id: 'integer|null',
  group_id: 'integer|null',
  collaborator_ids: list('integer'),
  follower_ids: list('integer'),
  email_cc_ids: list('integer'),
  has_incidents: 'boolean',
  is_public: 'boolean',
  due_at: 'string|null',
  tags: list('string'),
  custom_fields: list({ id: 'integer', value: 'any|null' }),
  ticket_form_id: 'integer',
  brand_id: 'integer',
  $absent: ['comments']
}

/** The audit a ticket write returns: the comment first, then one event per changed field. */
export const AUDIT: Shape = {
  id: 'integer',
  ticket_id: 'integer',
  created_at: ISO_TIME,
  author_id: 'integer',
  metadata: { system: 'object', custom: 'object' },
  events: list({ id: 'integer', type: 'string' }, 1)
}

const JOB_ID = /^[A-Za-z0-9-]+$/
const JOB_URL = /^https:\/\/[a-z0-9-]+\.zendesk\.com\/api\/v2\/job_statuses\/[A-Za-z0-9-]+\.json$/

/** A job just queued (recorded): nothing done yet, progress and results null. */
export const JOB_QUEUED: Shape = {
  id: JOB_ID,
  url: JOB_URL,
  total: 'integer',
  progress: 'null',
  status: is('queued'),
  message: 'null',
  results: 'null'
}

/** A job under way (recorded): "Creating User #53"-style message, still no results. */
export const JOB_WORKING: Shape = {
  id: JOB_ID,
  url: JOB_URL,
  total: 'integer',
  progress: 'integer',
  status: is('working'),
  message: 'string',
  results: 'null'
}

/** A finished job (recorded): "Completed at 2023-09-18 23:26:10 +0000" and one result per item. */
export const jobDone = (item: Shape, status: 'completed' | 'failed' = 'completed'): Shape => ({
  id: JOB_ID,
  url: JOB_URL,
  total: 'integer',
  progress: 'integer',
  status: is(status),
  message: new RegExp(
    `^${status === 'completed' ? 'Completed' : 'Failed'} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000$`
  ),
  results: list(item, 1)
})

/** Recorded user (and organization) create_many item: just the id and "Created", no index. */
export const CREATED_ITEM: Shape = { id: 'integer', status: is('Created'), $absent: ['index', 'error'] }
/** Recorded ticket create_many item. */
export const TICKET_CREATED_ITEM: Shape = { index: 'integer', id: 'integer', account_id: 'integer', $absent: ['error'] }
/** Recorded update_many item (documented as the update shape too), no index. */
export const UPDATED_ITEM: Shape = {
  id: 'integer',
  action: is('update'),
  status: is('Updated'),
  success: true,
  $absent: ['index', 'error']
}
/** A bulk delete item (documented: the OpenAPI example of users and organizations destroy_many), no index. */
export const DELETED_ITEM: Shape = {
  id: 'integer',
  action: is('delete'),
  status: is('Deleted'),
  success: true,
  $absent: ['index', 'error']
}
/** A failed item (recorded for ticket create_many): its index, an error code and the message. */
export const FAILED_CREATE_ITEM: Shape = { index: 'integer', error: 'string', details: 'string' }
/** A failed update item (documented FailedResult: id, action, success false, error, details). */
export const FAILED_UPDATE_ITEM: Shape = {
  id: 'integer',
  action: 'string',
  success: false,
  error: 'string',
  details: 'string'
}

/** Offset pagination, the only kind search endpoints have (recorded for users/search). */
export const offsetPage = (key: string, item: Shape, min = 0): Shape => ({
  [key]: list(item, min),
  next_page: 'string|null',
  previous_page: 'string|null',
  count: 'integer'
})

/** Cursor pagination (documented): meta.has_more and the cursors, links.next/prev. */
export const cursorPage = (key: string, item: Shape, min = 0): Shape => ({
  [key]: list(item, min),
  meta: { has_more: 'boolean', after_cursor: 'string|null', before_cursor: 'string|null' },
  links: { next: 'string|null', prev: 'string|null' }
})

/** Rails' validation failure (recorded): a details map of field -> [{description, error?}]. */
export const recordInvalid = (field: string, error?: string): Shape => ({
  error: is('RecordInvalid'),
  description: is('Record validation errors'),
  details: { [field]: list(error ? { description: 'string', error: is(error) } : { description: 'string' }, 1) }
})

/** Recorded 404 of a record that does not exist. */
export const NOT_FOUND: Shape = { error: is('RecordNotFound'), description: is('Not found') }
/** Recorded (zenpy, grouparoo) 400 for more than 100 items. */
export const TOO_MANY_VALUES: Shape = { error: is('TooManyValues'), description: 'string' }
