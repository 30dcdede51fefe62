import { Destination } from '@segment/actions-core'
import { createDestination, type DestinationOptions } from '../../src/destinations/zendesk'
import type { Settings } from '../../src/destinations/zendesk/generated-types'

/** Settings for Zendesk at acme (nock) or the simulator's default agent. Short fake token: never a real one. */
export const testSettings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

/** Near-instant job polling, so tests are fast. */
export const TEST_JOB_POLLING = { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 2000 }

/**
 * A destination definition of its own (empty caches) with test job polling, against https://acme.zendesk.com.
 * Single-record writes are neither paced nor counted unless asked: nock and a simulator without endpoint limits do
 * not limit them, and a long-lived test instance writes the same user for many tests against a reset simulator.
 * Nor are requests counted against the account's limit unless asked: nock and the simulator enforce none.
 */
export function testDefinition(options: DestinationOptions = {}) {
  return createDestination({
    jobPolling: TEST_JOB_POLLING,
    singleUserWriteIntervalMs: 0,
    writesPerRecordPerMinute: 0,
    requestWindowMs: false,
    ...options
  })
}

let current = new Destination<Settings>(testDefinition())

/** A fresh destination instance (so fresh caches) for the nock tests: each test starts independent. */
export function resetDestinationState(): void {
  current = new Destination<Settings>(testDefinition())
}

/** The nock tests' destination instance, renewed by `resetDestinationState`. */
export function testDestination(): Destination<Settings> {
  return current
}
