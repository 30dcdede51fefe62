import { clearFieldCache } from '../client/fields'
import { clearUserIdCache } from './users'
import { clearOrganizationIdCache } from './organizations'

/** Empties every per-account cache: tests start clean, and the benchmark's naive path runs uncached. */
export function clearCaches(): void {
  clearFieldCache()
  clearUserIdCache()
  clearOrganizationIdCache()
}
