import { ApiError, type Reply } from './http'
import { WindowLimiter, type LimitOutcome } from './rate-limit'
import type { EndpointLimits, RateLimitOption, ReportedLimit } from './types'

/** Zendesk's text for the account-wide limit (recorded); also used where an endpoint's own text is unknown. */
export const RATE_LIMIT_MESSAGE = 'Number of allowed API requests per minute exceeded'
/** Recorded from PUT users/{id} over the per-user limit (text/plain, the identifiers left blank). */
export const PER_USER_LIMIT_MESSAGE =
  'You have exceeded the rate limit for updating a single unique user. user email:  id:  external_id: '

/** What the account-wide headers report when no accountRateLimit is set (the Enterprise figure seen in recordings). */
export const REPORTED_ACCOUNT_LIMIT: ReportedLimit = { requests: 700, windowMs: 60_000, enforce: false }

type Headers = Record<string, string>

function endpointHeader(name: string, outcome: LimitOutcome): Headers {
  return { [name]: `total=${outcome.limit}; remaining=${outcome.remaining}; resets=${outcome.resetsIn}` }
}

function tooMany(text: string, outcome: LimitOutcome, headers: Headers = {}): ApiError {
  return new ApiError({ status: 429, text, headers: { ...headers, 'Retry-After': String(outcome.resetsIn) } })
}

function limiter(option: RateLimitOption | false): WindowLimiter | undefined {
  return option ? new WindowLimiter(option) : undefined
}

/**
 * The account's rate limits: the account-wide one (headers on every answer) and Zendesk's endpoint limits.
 * Each check counts one request; a refused one throws the 429 Zendesk answers (text/plain with Retry-After),
 * before the request changes anything.
 */
export class Limits {
  private readonly account: WindowLimiter
  private readonly userWritesPerUser?: WindowLimiter
  private readonly userWritesPerAccount?: WindowLimiter
  private readonly organizationUpdates?: WindowLimiter
  private readonly ticketUpdatesPerAccount?: WindowLimiter
  private readonly ticketUpdatesPerTicket?: WindowLimiter
  private readonly ticketsIndex?: WindowLimiter
  private readonly permanentUserDeletions?: WindowLimiter

  constructor(
    readonly endpoints: EndpointLimits,
    private readonly accountLimit: ReportedLimit,
    private readonly clock: () => number
  ) {
    this.account = new WindowLimiter(accountLimit)
    this.userWritesPerUser = limiter(endpoints.userWritesPerUser)
    this.userWritesPerAccount = limiter(endpoints.userWritesPerAccount)
    this.organizationUpdates = limiter(endpoints.organizationUpdates)
    this.ticketUpdatesPerAccount = limiter(endpoints.ticketUpdatesPerAccount)
    this.ticketUpdatesPerTicket = limiter(endpoints.ticketUpdatesPerTicket)
    this.ticketsIndex = limiter(endpoints.ticketsIndex)
    this.permanentUserDeletions = limiter(endpoints.permanentUserDeletions)
  }

  reset(): void {
    for (const l of [
      this.account,
      this.userWritesPerUser,
      this.userWritesPerAccount,
      this.organizationUpdates,
      this.ticketUpdatesPerAccount,
      this.ticketUpdatesPerTicket,
      this.ticketsIndex,
      this.permanentUserDeletions
    ]) {
      l?.reset()
    }
  }

  /**
   * Counts an /api request against the account limit: the headers Zendesk puts on every answer (both spellings
   * seen: X-Rate-Limit* and rate-limit* recorded, ratelimit-* documented), and a 429 once an enforced limit is used up.
   */
  takeAccount(): { headers: Headers; refused?: Reply } {
    const outcome = this.account.take('account', this.clock())
    const limit = String(outcome.limit)
    const remaining = String(outcome.remaining)
    const reset = String(outcome.resetsIn)
    const headers: Headers = {
      'X-Rate-Limit': limit,
      'X-Rate-Limit-Remaining': remaining,
      'rate-limit': limit,
      'rate-limit-remaining': remaining,
      'rate-limit-reset': reset,
      'ratelimit-limit': limit,
      'ratelimit-remaining': remaining,
      'ratelimit-reset': reset
    }
    if (outcome.allowed || this.accountLimit.enforce === false) return { headers }
    return { headers, refused: { status: 429, text: RATE_LIMIT_MESSAGE, headers: { 'Retry-After': reset } } }
  }

  /**
   * users/create_or_update and PUT users/{id}, before anything changes: 1 per second for the account, then 5 per
   * minute for an existing user. Returns the Zendesk-RateLimit-create-update-user header.
   */
  takeUserWrite(existingUserId?: number): Headers {
    const now = this.clock()
    const perAccount = this.userWritesPerAccount?.take('account', now)
    if (perAccount && !perAccount.allowed) throw tooMany(RATE_LIMIT_MESSAGE, perAccount)
    return existingUserId === undefined ? {} : this.takePerUser(existingUserId, now)
  }

  /** The first write of a user create_or_update just created (never refused: the user had none before). */
  countNewUser(userId: number): Headers {
    return this.takePerUser(userId, this.clock())
  }

  private takePerUser(userId: number, now: number): Headers {
    if (!this.userWritesPerUser) return {}
    const outcome = this.userWritesPerUser.take(`user:${userId}`, now)
    const headers = endpointHeader('Zendesk-RateLimit-create-update-user', outcome)
    if (!outcome.allowed) throw tooMany(PER_USER_LIMIT_MESSAGE, outcome, headers)
    return headers
  }

  /** An organization update: 5 per minute per organization (Zendesk names no header for it). */
  takeOrganizationUpdate(organizationId: number, viaCreateOrUpdate = false): void {
    const option = this.endpoints.organizationUpdates
    if (!this.organizationUpdates || !option || (viaCreateOrUpdate && !option.includeCreateOrUpdate)) return
    const outcome = this.organizationUpdates.take(`organization:${organizationId}`, this.clock())
    if (!outcome.allowed) throw tooMany(RATE_LIMIT_MESSAGE, outcome)
  }

  /** PUT tickets/{id}: 100 per minute for the account, 30 per 10 minutes per (API user, ticket). */
  takeTicketUpdate(ticketId: number): Headers {
    const now = this.clock()
    const perAccount = this.ticketUpdatesPerAccount?.take('account', now)
    // Recorded spelling of this one header: zendesk-rate-limit-tickets-update (documented form: Zendesk-RateLimit-…).
    const headers = perAccount ? endpointHeader('Zendesk-Rate-Limit-tickets-update', perAccount) : {}
    if (perAccount && !perAccount.allowed) throw tooMany(RATE_LIMIT_MESSAGE, perAccount, headers)
    const perTicket = this.ticketUpdatesPerTicket?.take(`ticket:${ticketId}`, now)
    if (perTicket && !perTicket.allowed) throw tooMany(RATE_LIMIT_MESSAGE, perTicket, headers)
    return headers
  }

  /**
   * DELETE deleted_users/{id}: 700 per 10 minutes for the account. Zendesk names no header for it, and its 429
   * text is not recorded (the account text is assumed).
   */
  takePermanentUserDeletion(): void {
    const outcome = this.permanentUserDeletions?.take('account', this.clock())
    if (outcome && !outcome.allowed) throw tooMany(RATE_LIMIT_MESSAGE, outcome)
  }

  /** GET tickets: the documented Zendesk-RateLimit-tickets-index header; a 429 only when enforced. */
  takeTicketsIndex(): Headers {
    const option = this.endpoints.ticketsIndex
    if (!this.ticketsIndex || !option) return {}
    const outcome = this.ticketsIndex.take('account', this.clock())
    const headers = endpointHeader('Zendesk-RateLimit-tickets-index', outcome)
    if (!outcome.allowed && option.enforce) throw tooMany(RATE_LIMIT_MESSAGE, outcome, headers)
    return headers
  }
}
