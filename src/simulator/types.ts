import type { OAuthIssueOptions, OAuthTokenAnswer, SimulatorOAuthClient } from './oauth/types'

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

/**
 * A user as `deleted_users` shows it: the keys Zendesk's OpenAPI file requires, and `external_id`, which only the
 * `deletedUserExternalId: 'shown'` variant sends.
 */
export type DeletedUserRecord = Pick<
  UserRecord,
  | 'id'
  | 'url'
  | 'name'
  | 'email'
  | 'created_at'
  | 'updated_at'
  | 'time_zone'
  | 'phone'
  | 'shared_phone_number'
  | 'photo'
  | 'locale_id'
  | 'locale'
  | 'organization_id'
  | 'role'
  | 'active'
  | 'external_id'
>

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

/** A custom object, as `GET custom_objects` lists it. */
export interface CustomObjectDefinition {
  key: string
  url: string
  title: string
  title_pluralized: string
  raw_title: string
  raw_title_pluralized: string
  description: string
  raw_description: string
  include_in_list_view: boolean
  allows_photos: boolean
  created_at: string
  updated_at: string
  created_by_user_id: string
  updated_by_user_id: string
}

/** How an object's `standard::name` field numbers the names of new records, when it does. */
export interface NameNumbering {
  autoincrement_enabled: boolean
  autoincrement_prefix: string
  autoincrement_padding: number
  autoincrement_next_sequence: number
  is_unique: boolean
}

/** A field of a custom object: its own (`amount`), or standard (`standard::name`, `standard::external_id`). */
export interface CustomObjectFieldRecord extends FieldRecord {
  /** a lookup field's target: `zen:user`, `zen:organization`, `zen:ticket` or `zen:custom_object:<key>` */
  relationship_target_type?: string
  /** `standard::name` only */
  properties?: NameNumbering
}

/** A custom object to seed: its fields (a lookup names its `relationship_target_type`) and, optionally, numbered names. */
export interface NewCustomObject {
  key: string
  title?: string
  fields?: {
    key: string
    type: string
    title?: string
    options?: { name: string; value: string }[]
    relationship_target_type?: string
  }[]
  numberedNames?: { prefix: string; padding: number }
}

/** A record of a custom object; its id is text (`01GDXYEY1FQYN066VHF49YHJ21`), as Zendesk's are. */
export interface CustomRecord {
  id: string
  url: string
  custom_object_key: string
  name: string
  external_id: string | null
  custom_object_fields: Record<string, unknown>
  photo: null
  created_at: string
  updated_at: string
  created_by_user_id: string
  updated_by_user_id: string
}

export interface TicketFieldRecord {
  id: number
  url: string
  type: string
  title: string
  raw_title: string
  description: string
  raw_description: string
  position: number
  active: boolean
  required: boolean
  /** false for Zendesk's system fields (subject, status, group, ...), true for custom ones */
  removable: boolean
  regexp_for_validation: string | null
  tag: string | null
  custom_field_options?: FieldOption[]
  /** the fixed choices of a system field (status, priority, ticket type) */
  system_field_options?: { name: string; value: string }[]
  created_at: string
  updated_at: string
}

/** What groups, brands and ticket forms share. */
export interface NamedRecord {
  id: number
  url: string
  name: string
  default: boolean
  created_at: string
  updated_at: string
}

export interface GroupRecord extends NamedRecord {
  description: string
  deleted: boolean
  is_public: boolean
}

export interface BrandRecord extends NamedRecord {
  active: boolean
  subdomain: string
  brand_url: string
  host_mapping: string | null
  has_help_center: boolean
  help_center_state: string
  is_deleted: boolean
  logo: null
  signature_template: string
  ticket_form_ids: number[]
}

export interface TicketFormRecord extends NamedRecord {
  active: boolean
  raw_name: string
  display_name: string
  raw_display_name: string
  end_user_visible: boolean
  position: number
  ticket_field_ids: number[]
  in_all_brands: boolean
  restricted_brand_ids: number[]
  agent_conditions: unknown[]
  end_user_conditions: unknown[]
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

/** What one item of a job gave, as its result entry (without `index`). */
export type JobResult = Record<string, unknown>

/**
 * The shape of one endpoint's result items, as recorded from Zendesk: whether a processed item carries its
 * `index` (ticket create_many does; user and organization create_many, every update_many and every destroy_many do
 * not), and whether a failed one does (failed creations do; failed updates and deletes carry the record's id
 * instead).
 */
export interface ResultShape {
  indexOnSuccess: boolean
  indexOnFailure: boolean
}

export interface JobSpec {
  type: string
  /** progress message while working, e.g. 'Creating ticket' -> "Creating ticket #3" */
  verb: string
  total: number
  shape: ResultShape
  /** applies item `index` and returns its result (without index); throws ItemFailure when the item fails */
  run(index: number): JobResult
  /** fields every failure result of this job carries besides index/error/details */
  failureFields?(index: number): JobResult
  /** the finished job says nothing of its items: `results` stays null */
  unreported?: boolean
}

export interface Job {
  record: JobStatusRecord
  spec: JobSpec
  polls: number
  /** timed jobs: when it starts working (a worker is free); it completes `durationMs` later */
  startsAt: number
  durationMs: number
  /** failJobItems in force when the job was submitted */
  failIndexes: number[]
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
  groups: GroupRecord[]
  brands: BrandRecord[]
  ticketForms: TicketFormRecord[]
  customObjects: CustomObjectDefinition[]
  /** each custom object's fields, by object key, standard ones first */
  customObjectFields: Record<string, CustomObjectFieldRecord[]>
  /** the records of every custom object, as the API shows them */
  customObjectRecords: CustomRecord[]
}

export interface RateLimitOption {
  requests: number
  windowMs: number
}

/** A window that is counted and reported in headers; `enforce: false` reports it without ever answering 429. */
export interface ReportedLimit extends RateLimitOption {
  enforce?: boolean
}

/**
 * Zendesk's documented endpoint limits. `false` turns one off (no header, no 429). Windows may be shrunk for tests,
 * or a `clock` injected (SimulatorOptions.clock).
 */
export interface EndpointLimits {
  /** users/create_or_update and PUT users/{id}, per user: 5 per minute */
  userWritesPerUser: RateLimitOption | false
  /** the same endpoints, for the whole account: 1 per second */
  userWritesPerAccount: RateLimitOption | false
  /** PUT organizations/{id}, per organization: 5 per minute (`includeCreateOrUpdate` also counts an update made by organizations/create_or_update) */
  organizationUpdates: (RateLimitOption & { includeCreateOrUpdate?: boolean }) | false
  /** PUT tickets/{id} for the whole account: 100 per minute */
  ticketUpdatesPerAccount: RateLimitOption | false
  /** PUT tickets/{id} per (API user, ticket): 30 per 10 minutes */
  ticketUpdatesPerTicket: RateLimitOption | false
  /** GET tickets: reported in Zendesk-RateLimit-tickets-index (100 per minute), not enforced unless `enforce` */
  ticketsIndex: ReportedLimit | false
  /** queued or working jobs at once: 30; one more bulk request answers 429 TooManyJobs */
  activeJobs: number | false
  /** DELETE deleted_users/{id} for the whole account: 700 per 10 minutes */
  permanentUserDeletions: RateLimitOption | false
}

/** The kinds of account the simulator starts as (see account.ts). */
export type AccountKind = 'default' | 'bulk-import' | 'demo'

/** The 422 a duplicate organization membership gets; Zendesk's real body was never captured. */
export type DuplicateMembershipAnswer =
  /** details.user_id DuplicateValue "User has already been taken" (the simulator's first guess) */
  | 'user-taken'
  /** details.organization_membership DuplicateValue with other wording */
  | 'duplicate-value'
  /** details.user_id "User has already been taken" without an error code */
  | 'taken-without-code'
  /** {error: RecordInvalid, description} with no details at all */
  | 'bare'

/** How the simulator answers where Zendesk's answer is unknown or differs between recordings. */
export interface Variants {
  /**
   * `index` in job result items: 'recorded' follows each endpoint's recorded shape (ticket create_many and
   * failed creations carry it; user and organization create results and every update result do not), 'always'
   * puts it on every item, 'never' on none.
   */
  jobResultIndex: 'recorded' | 'always' | 'never'
  duplicateMembership: DuplicateMembershipAnswer
  /** organization_fields in answers: every defined key (null when unset, false for an unset checkbox), or only the keys that have a value */
  organizationFieldValues: 'every-key' | 'set-only'
  /** the status of a granted `POST /oauth/tokens`: 200 as RFC 6749 says, or 201 as Zendesk's OpenAPI file says */
  tokenAnswerStatus: 200 | 201
  /**
   * Soft-deleted users in `users/search?external_id=` and `users/show_many?external_ids=`: left out (active users
   * only), or listed with `active: false`.
   */
  softDeletedUsers: 'left-out' | 'listed'
  /** `external_id` on the users of `deleted_users` (list and show): absent, as the reference documents them, or shown */
  deletedUserExternalId: 'absent' | 'shown'
  /**
   * The results of a finished custom object record job, never documented: 'records' (the records written, as the
   * OpenAPI file types them: no index, no status), 'indexed' (`{index, id, external_id, status, success}`, as other
   * jobs report), or 'unreported' (`results: null`, as the OpenAPI example shows for a queued job).
   */
  customObjectJobResults: 'records' | 'indexed' | 'unreported'
}

export type Credentials = { email: string; apiToken: string } | { oauthToken: string }

export interface SimulatorOptions {
  /** default 0: an ephemeral port on 127.0.0.1 */
  port?: number
  /** default SIMULATOR_SUBDOMAIN ('acme'); record `url` fields read https://<subdomain>.zendesk.com/api/v2/... */
  subdomain?: string
  /** the admin's legacy credential; default SIMULATOR_API_TOKEN's (agent@example.com and test-token) */
  credentials?: Credentials
  /**
   * What the account holds and allows (account.ts): 'default' is what Zendesk gives a new account, 'bulk-import'
   * the same with bulk user import enabled, 'demo' a default account with a catalog for a mapping editor.
   * Default 'default' (NEW_ACCOUNT).
   */
  account?: AccountKind
  /** overrides the account's bulk user import switch (off for a new account; Zendesk enables it on request) */
  bulkImport?: boolean
  /** overrides the account's endpoint limits: false for none, or some of them (the rest keep the account's) */
  endpointLimits?: false | Partial<EndpointLimits>
  /** account-wide limit, enforced with 429; unset: 700 per minute reported in the headers, never enforced */
  accountRateLimit?: RateLimitOption
  /** @deprecated use endpointLimits.userWritesPerUser */
  perUserWriteLimit?: RateLimitOption | false
  /** answers where Zendesk's is unknown (Faults.variants overrides these while set) */
  variants?: Partial<Variants>
  /** milliseconds now, for every rate-limit window, job timing and Idempotency-Key lifetime; default Date.now */
  clock?: () => number
  /**
   * How long a job works: milliseconds per 100 items (default 1500, about what Zendesk takes); it completes that
   * long after it was queued, polled or not. Ignored when `jobPollsToComplete` is given.
   */
  jobMsPer100Items?: number
  /**
   * How many of the account's timed jobs are worked at once, in the order they were queued; the others wait
   * `queued`. Unset: every job works from the moment it is queued.
   */
  jobWorkers?: number
  /** Jobs advance on polls instead of with time: GETs of a job status until it completes (earlier ones answer `working`) */
  jobPollsToComplete?: number
  /** delay added to every /api answer (not to /__simulator routes); default 0 */
  latencyMs?: number
  /**
   * The account's OAuth clients (ASSUMPTIONS.md, "OAuth"): tokens they get through /oauth/tokens authenticate every
   * /api/v2 route, besides `credentials`. More can be added with `oauth.addClient()`. The published confidential
   * client SIMULATOR_OAUTH_CLIENT is always there too, unless one of these takes its identifier.
   */
  oauthClients?: SimulatorOAuthClient[]
}

/** Injected failures. Counted ones apply to the next `count` requests whose path contains `path` (any if unset). */
export interface Faults {
  /** 429 text/plain, with Retry-After unless `retryAfter` is left out */
  rateLimit?: { count: number; retryAfter?: number; path?: string }
  /** 5xx (500 unless given), text/plain, optionally with Retry-After */
  serverError?: { count: number; status?: 500 | 502 | 503 | 504; path?: string; retryAfter?: number }
  /**
   * an HTML page with this status (default 200) instead of the answer, as a proxy or maintenance page gives; the
   * request is not processed
   */
  htmlPage?: { count: number; status?: number; path?: string }
  /** processed at once, answered after the delay */
  slow?: { count: number; delayMs: number; path?: string }
  /**
   * processed at once, answered only once all `count` have arrived: racing requests (duplicate checks) all pass
   * before any of them is answered, however far apart they are sent
   */
  answeredTogether?: { count: number; path?: string }
  /** socket destroyed without an answer; the request is not processed */
  connectionReset?: { count: number; path?: string }
  /** items at these indexes of jobs submitted while set fail with an error and details */
  failJobItems?: { indexes: number[] }
  /** jobs stay queued (and unapplied) while set */
  stuckJobs?: boolean
  /** bulk user import answers 403 while set, whatever the account allows */
  bulkImportDisabled?: boolean
  /** `users/update_many` answers 403 while set (Zendesk does not document a bulk-import gate on it) */
  userUpdateManyForbidden?: boolean
  /** answer variants while set, over SimulatorOptions.variants */
  variants?: Partial<Variants>
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
  /** a ticket create's `x-idempotency-lookup` answer: `miss` (first use of its key) or `hit` (replayed) */
  idempotencyLookup?: 'miss' | 'hit'
  /** the scheme of the Authorization header (`Basic`, `Bearer`), when there was one; its value is never recorded */
  authorizationScheme?: string
}

export interface SimulatorSeed {
  userField(f: { key: string; type?: string; title?: string; options?: { name: string; value: string }[] }): FieldRecord
  organizationField(f: {
    key: string
    type?: string
    title?: string
    options?: { name: string; value: string }[]
  }): FieldRecord
  user(u: Partial<UserRecord> & { name: string }): UserRecord
  organization(o: Partial<OrganizationRecord> & { name: string }): OrganizationRecord
  ticket(t: Partial<TicketRecord>): TicketRecord
  ticketField(f: {
    title: string
    type: string
    options?: { name: string; value: string }[]
    active?: boolean
  }): TicketFieldRecord
  group(name: string, more?: Partial<GroupRecord>): GroupRecord
  brand(name: string, more?: Partial<BrandRecord>): BrandRecord
  ticketForm(name: string, more?: Partial<TicketFormRecord>): TicketFormRecord
  customObject(o: NewCustomObject): CustomObjectDefinition
  customRecord(
    objectKey: string,
    r: { name?: string; external_id?: string; custom_object_fields?: Record<string, unknown> }
  ): CustomRecord
}

/** Control of the simulated account's OAuth server (`RunningSimulator.oauth`). */
export interface SimulatorOAuth {
  /** registers a client (or replaces the one with its identifier); clients survive reset() */
  addClient(client: SimulatorOAuthClient): void
  /** a token pair for the client, as an authorization code grant by the admin would give, without the consent page */
  issue(clientIdentifier: string, options?: OAuthIssueOptions): OAuthTokenAnswer
  /** revokes every access and refresh token and forgets every authorization code */
  revokeAll(): void
  /** the recorded `POST /oauth/tokens` requests (their secret parameters redacted) */
  tokenRequests(): RecordedRequest[]
}

export interface RunningSimulator {
  url: string
  /** the kind of account this simulator started as ('default' when `account` was not given) */
  account: AccountKind
  state(): SimulatorState
  /**
   * empties the account back to what its kind starts with; faults are cleared, limits and jobs forgotten, OAuth
   * tokens and codes revoked (OAuth clients stay)
   */
  reset(): void
  setFaults(faults: Faults): void
  /** Zendesk's switch for bulk user import (users/create_many, users/create_or_update_many); survives reset() */
  setBulkImport(enabled: boolean): void
  /** every /api and /oauth request, in order of arrival */
  requests: RecordedRequest[]
  seed: SimulatorSeed
  /** the account's OAuth server: clients, tokens without the consent page, revocation */
  oauth: SimulatorOAuth
  close(): Promise<void>
}
