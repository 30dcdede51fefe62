export type UserRole = 'end-user' | 'agent' | 'admin'

export interface UserRecord {
  id: number
  url: string
  name: string
  email: string | null
  created_at: string
  updated_at: string
  time_zone: string
  iana_time_zone: string
  phone: string | null
  shared_phone_number: boolean | null
  photo: null
  locale_id: number
  locale: string
  organization_id: number | null
  role: UserRole
  verified: boolean
  external_id: string | null
  tags: string[]
  alias: string | null
  active: boolean
  shared: boolean
  shared_agent: boolean
  last_login_at: string | null
  two_factor_auth_enabled: boolean
  signature: string | null
  details: string | null
  notes: string | null
  role_type: number | null
  custom_role_id: number | null
  moderator: boolean
  ticket_restriction: string | null
  only_private_comments: boolean
  restricted_agent: boolean
  suspended: boolean
  default_group_id: number | null
  report_csv: boolean
  user_fields: Record<string, unknown>
  /** Simulator-only (never in API responses): a verification email would have been sent to this user. */
  verification_email_sent: boolean
}

export interface IdentityRecord {
  id: number
  url: string
  user_id: number
  type: string
  value: string
  verified: boolean
  primary: boolean
  deliverable_state: string
  undeliverable_count: number
  created_at: string
  updated_at: string
}

export interface OrganizationRecord {
  id: number
  url: string
  name: string
  shared_tickets: boolean
  shared_comments: boolean
  external_id: string | null
  created_at: string
  updated_at: string
  domain_names: string[]
  details: string | null
  notes: string | null
  group_id: number | null
  tags: string[]
  organization_fields: Record<string, unknown>
}

export interface MembershipRecord {
  id: number
  url: string
  user_id: number
  organization_id: number
  /** true for the user's default organization, null otherwise (never false, as in Zendesk) */
  default: true | null
  view_tickets: boolean
  created_at: string
  updated_at: string
}

export interface CommentRecord {
  id: number
  type: 'Comment'
  author_id: number
  body: string
  html_body: string
  plain_body: string
  public: boolean
  attachments: unknown[]
  created_at: string
}

export interface CustomFieldValue {
  id: number
  value: unknown
}

export interface TicketRecord {
  id: number
  url: string
  external_id: string | null
  via: { channel: string; source: Record<string, unknown> }
  created_at: string
  updated_at: string
  type: string | null
  subject: string | null
  raw_subject: string | null
  description: string
  priority: string | null
  status: string
  recipient: string | null
  requester_id: number
  submitter_id: number
  assignee_id: number | null
  organization_id: number | null
  group_id: number | null
  collaborator_ids: number[]
  follower_ids: number[]
  email_cc_ids: number[]
  has_incidents: boolean
  is_public: boolean
  due_at: string | null
  tags: string[]
  custom_fields: CustomFieldValue[]
  ticket_form_id: number | null
  brand_id: number | null
  comments: CommentRecord[]
}

export interface UserEventRecord {
  id: string
  user_id: number
  profile_id: string
  source: string
  type: string
  description: string | null
  properties: Record<string, unknown>
  created_at: string
  received_at: string
}

export interface FieldOption {
  id: number
  name: string
  raw_name: string
  value: string
  default: boolean
}

export interface FieldRecord {
  id: number
  url: string
  type: string
  key: string
  title: string
  description: string
  raw_title: string
  raw_description: string
  position: number
  active: boolean
  system: boolean
  regexp_for_validation: string | null
  custom_field_options?: FieldOption[]
  created_at: string
  updated_at: string
}

export interface TicketFieldRecord {
  id: number
  url: string
  type: string
  title: string
  raw_title: string
  description: string
  active: boolean
  required: boolean
  custom_field_options?: FieldOption[]
  created_at: string
  updated_at: string
}

export interface NamedRecord {
  id: number
  url: string
  name: string
  active: boolean
  default: boolean
  created_at: string
  updated_at: string
}

export type JobState = 'queued' | 'working' | 'completed' | 'failed'

export interface JobStatusRecord {
  id: string
  url: string
  job_type: string
  total: number
  progress: number | null
  status: JobState
  message: string | null
  results: Record<string, unknown>[] | null
}

export interface SimulatorState {
  users: UserRecord[]
  identities: IdentityRecord[]
  organizations: OrganizationRecord[]
  memberships: MembershipRecord[]
  tickets: TicketRecord[]
  events: UserEventRecord[]
  userFields: FieldRecord[]
  organizationFields: FieldRecord[]
  jobs: JobStatusRecord[]
  ticketFields: TicketFieldRecord[]
  groups: NamedRecord[]
  brands: NamedRecord[]
  ticketForms: NamedRecord[]
}

export interface RateLimitOption {
  requests: number
  windowMs: number
}

export type Credentials = { email: string; apiToken: string } | { oauthToken: string }

export interface SimulatorOptions {
  /** default 0: an ephemeral port on 127.0.0.1 */
  port?: number
  /** default 'acme'; record `url` fields read https://<subdomain>.zendesk.com/api/v2/... */
  subdomain?: string
  /** default { email: 'agent@example.com', apiToken: 'test-token' } */
  credentials?: Credentials
  /** account-wide limit with X-Rate-Limit headers; none by default */
  accountRateLimit?: RateLimitOption
  /** per-user limit on users/create_or_update and PUT users/{id}; off (false) by default */
  perUserWriteLimit?: RateLimitOption | false
  /** GETs of a job status until it completes (earlier ones answer `working`); default 2 */
  jobPollsToComplete?: number
  /** delay added to every /api answer (not to /__simulator routes); default 0 */
  latencyMs?: number
}

/** Injected failures. Counted ones apply to the next `count` requests whose path contains `path` (any if unset). */
export interface Faults {
  /** 429 text/plain with Retry-After */
  rateLimit?: { count: number; retryAfter: number; path?: string }
  /** 5xx (500 unless given), text/plain, optionally with Retry-After */
  serverError?: { count: number; status?: 500 | 502 | 503 | 504; path?: string; retryAfter?: number }
  /** processed at once, answered after the delay */
  slow?: { count: number; delayMs: number; path?: string }
  /** socket destroyed without an answer; the request is not processed */
  connectionReset?: { count: number; path?: string }
  /** items at these indexes of jobs submitted while set fail with {index, error, details} */
  failJobItems?: { indexes: number[] }
  /** jobs stay queued (and unapplied) while set */
  stuckJobs?: boolean
  /** users/create_or_update_many answers 403, as when data imports are off */
  bulkImportDisabled?: boolean
}

export interface RecordedRequest {
  method: string
  /** URL path as sent, e.g. /api/v2/users/create_or_update.json */
  path: string
  query: Record<string, string | string[]>
  body: unknown
  /** 0 when the connection was reset without an answer */
  status: number
  /** Date.now() when the request arrived */
  at: number
}

export interface SimulatorSeed {
  userField(f: { key: string; type?: string; title?: string }): FieldRecord
  organizationField(f: { key: string; type?: string; title?: string }): FieldRecord
  user(u: Partial<UserRecord> & { name: string }): UserRecord
  organization(o: Partial<OrganizationRecord> & { name: string }): OrganizationRecord
  ticket(t: Partial<TicketRecord>): TicketRecord
  ticketField(f: { title: string; type: string; options?: { name: string; value: string }[] }): TicketFieldRecord
  group(name: string): NamedRecord
  brand(name: string): NamedRecord
  ticketForm(name: string): NamedRecord
}

export interface RunningSimulator {
  url: string
  state(): SimulatorState
  reset(): void
  setFaults(faults: Faults): void
  requests: RecordedRequest[]
  seed: SimulatorSeed
  close(): Promise<void>
}
