import { CustomObjectFieldCache } from './custom-objects'
import { FieldListCache } from './field-lists'
import type { ZendeskOrganization } from './organizations'
import type { Settled } from './settled'
import { SharedLookups } from './shared-lookups'
import { TtlCache } from './ttl-cache'

const USER_ID_CACHE_SIZE = 10000
const ORGANIZATION_ID_CACHE_SIZE = 5000
const ID_MAX_AGE_MS = 10 * 60 * 1000
const ACCOUNTS = 1000
/** How long an account's missing feature is remembered: enabling it (a request to Zendesk support) is rare. */
const FEATURE_MAX_AGE_MS = 30 * 60 * 1000

/**
 * What one destination instance remembers about the accounts it writes to, keyed by account inside: field lists
 * (of users, organizations and custom objects), the Zendesk ids of users and organizations found by external_id or
 * email (bounded size and age), the organization lookups under way, and which bulk endpoints an account refuses.
 */
export class Caches {
  readonly fieldLists = new FieldListCache()
  readonly customObjectFields = new CustomObjectFieldCache()
  readonly userIds = new TtlCache<string, number>(USER_ID_CACHE_SIZE, ID_MAX_AGE_MS)
  /** Organizations not found are not cached. */
  readonly organizationIds = new TtlCache<string, number>(ORGANIZATION_ID_CACHE_SIZE, ID_MAX_AGE_MS)
  /** Organization lookups by external_id under way, shared by concurrent batches of one credential. */
  readonly organizationLookups = new SharedLookups<Settled<ZendeskOrganization | undefined>>()
  /** Accounts whose bulk user import answered 403 (Zendesk's default until support enables it). */
  readonly bulkImportOff = new TtlCache<string, true>(ACCOUNTS, FEATURE_MAX_AGE_MS)
  /** Accounts whose `users/update_many` answered 403 too. */
  readonly userUpdateManyOff = new TtlCache<string, true>(ACCOUNTS, FEATURE_MAX_AGE_MS)

  clear(): void {
    this.fieldLists.clear()
    this.customObjectFields.clear()
    this.userIds.clear()
    this.organizationIds.clear()
    this.bulkImportOff.clear()
    this.userUpdateManyOff.clear()
  }
}
