import { clearCaches } from '../../src/destinations/zendesk/lookups/caches'
import { configureJobPolling } from '../../src/destinations/zendesk/client/jobs'

/** Settings for Zendesk at acme (nock) or the simulator's default agent. Short fake token: never a real one. */
export const testSettings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

/** Fresh caches and near-instant job polling, so tests are independent and fast. */
export function resetDestinationState(): void {
  clearCaches()
  configureJobPolling({ firstWaitMs: 1, maxWaitMs: 5, budgetMs: 2000 })
}
