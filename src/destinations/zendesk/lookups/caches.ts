import { FieldListCache } from '../client/field-lists'
import { TtlCache } from './ttl-cache'

const USER_ID_CACHE_SIZE = 10000
const ORGANIZATION_ID_CACHE_SIZE = 5000
const ID_MAX_AGE_MS = 10 * 60 * 1000

/**
 * What one destination instance remembers about the accounts it writes to, keyed by account inside: field lists,
 * and the Zendesk ids of users and organizations found by external_id or email (bounded size and age).
 */
export class Caches {
  readonly fieldLists = new FieldListCache()
  readonly userIds = new TtlCache<string, number>(USER_ID_CACHE_SIZE, ID_MAX_AGE_MS)
  /** Organizations not found are not cached. */
  readonly organizationIds = new TtlCache<string, number>(ORGANIZATION_ID_CACHE_SIZE, ID_MAX_AGE_MS)

  clear(): void {
    this.fieldLists.clear()
    this.userIds.clear()
    this.organizationIds.clear()
  }
}
