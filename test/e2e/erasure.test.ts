import { Destination, RetryableError } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import type { Faults, RunningSimulator, Variants } from '../../src/simulator'
import { testDefinition } from '../helpers/destination-state'
import {
  anotherWriter,
  presetSubscriptions,
  simulatorSettings,
  startHarness,
  type SimulatorHarness
} from '../helpers/harness'

/**
 * Deletion requests (onDelete) against the simulator: the erasure is finished whatever failed between the soft
 * delete and the permanent deletion, and the result says what was done.
 */

const START = Date.UTC(2026, 0, 1)
const TEN_MINUTES_MS = 10 * 60_000

/** The clock the simulator's limits and every destination instance here read; tests move it. */
let now = START

let h: SimulatorHarness
const sim = (): RunningSimulator => h.simulator
beforeAll(async () => {
  h = await startHarness({ account: 'default', clock: () => now })
})
afterAll(() => h.close())
beforeEach(() => {
  now = START
  sim().reset()
})

/** The deletion requests of one destination instance (with its own memory of the users it soft-deleted). */
function instance() {
  const destination = new Destination<Settings>(testDefinition({ origin: sim().url, clock: () => now }))
  return (userId: string) => destination.onDelete!({ type: 'delete', userId } as any, simulatorSettings as any)
}

const userNamed = (externalId: string) => sim().seed.user({ name: `User ${externalId}`, external_id: externalId })
const stateOf = (id: number) =>
  sim()
    .state()
    .users.find((user) => user.id === id)
/** The requests since `from`, as `METHOD path status`. */
const requestsSince = (from: number) =>
  sim()
    .requests.slice(from)
    .map((r) => `${r.method} ${r.path.replace(/\.json$/, '')} ${r.status}`)

const permanentlyDeleted = (id: number, found: 'active' | 'soft_deleted') => ({
  deleted: true,
  outcome: 'permanently_deleted',
  users: [{ id, found, outcome: 'permanently_deleted' }]
})

/** Fails the permanent deletion once (the soft delete before it goes through). */
const PERMANENT_DELETION_FAILURES: [string, Faults, number][] = [
  ['a 500', { serverError: { count: 1, status: 500, path: 'deleted_users' } }, 500],
  ['a 503', { serverError: { count: 1, status: 503, path: 'deleted_users' } }, 503],
  ['a connection reset', { connectionReset: { count: 1, path: 'deleted_users' } }, 502],
  ['an HTML page answered 200', { htmlPage: { count: 1, path: 'deleted_users' } }, 502]
]

describe('the permanent deletion fails after the soft delete; the retried deletion request finishes it', () => {
  it.each(PERMANENT_DELETION_FAILURES)('%s', async (_, faults, status) => {
    const deleteUser = instance()
    const { id } = userNamed('del-2')
    sim().setFaults(faults)
    const failure = await deleteUser('del-2').catch((error) => error)
    expect(failure).toBeInstanceOf(RetryableError)
    expect(failure.status).toBe(status)
    expect(stateOf(id)).toMatchObject({ active: false, external_id: 'del-2' })

    const retry = sim().requests.length
    expect(await deleteUser('del-2')).toEqual(permanentlyDeleted(id, 'soft_deleted'))
    expect(stateOf(id)).toBeUndefined()
    // Zendesk's search leaves the soft-deleted user out (the simulator's assumption): the instance remembers it.
    expect(requestsSince(retry)).toEqual(['GET /api/v2/users/search 200', `DELETE /api/v2/deleted_users/${id} 200`])
  })
})

describe('a retry resumes either way: by this instance, or by what Zendesk lists of soft-deleted users', () => {
  const failedOnce = async (): Promise<number> => {
    const { id } = userNamed('del-2')
    sim().setFaults({ serverError: { count: 1, status: 500, path: 'deleted_users' } })
    await expect(instance()('del-2')).rejects.toBeInstanceOf(RetryableError)
    return id
  }

  it.each([
    ['users/search lists soft-deleted users', { softDeletedUsers: 'listed' }, 'GET /api/v2/users/search 200'],
    ['deleted_users shows external_ids', { deletedUserExternalId: 'shown' }, 'GET /api/v2/deleted_users 200']
  ] as [string, Partial<Variants>, string][])('another instance, where %s', async (_, variants, lookup) => {
    const id = await failedOnce()
    sim().setFaults({ variants })
    const retry = sim().requests.length
    expect(await instance()('del-2')).toEqual(permanentlyDeleted(id, 'soft_deleted'))
    expect(stateOf(id)).toBeUndefined()
    expect(requestsSince(retry)).toContain(lookup)
    expect(requestsSince(retry)).toContain(`DELETE /api/v2/deleted_users/${id} 200`)
  })

  it('another instance, where Zendesk shows soft-deleted users to no lookup: not found, and the result says where it looked', async () => {
    const id = await failedOnce()
    const result: any = await instance()('del-2')
    expect(result).toMatchObject({ deleted: false, outcome: 'not_found' })
    expect(result.reason).toContain('deleted_users shows no external_ids to search by')
    expect(stateOf(id)).toMatchObject({ active: false })
  })
})

describe('sync mode delete stays a soft delete; a deletion request then completes the erasure', () => {
  it('the deletion request through the same instance finds the user the sync-mode delete soft-deleted', async () => {
    const destination = new Destination<Settings>(testDefinition({ origin: sim().url, clock: () => now }))
    const { id } = userNamed('del-6')
    const inDeleteMode = presetSubscriptions
      .filter((s) => s.partnerAction === 'upsertUser')
      .map((s) => ({ ...s, mapping: { ...s.mapping, __segment_internal_sync_mode: 'delete' } }))
    await destination.onEvent(
      { type: 'identify', userId: 'del-6' } as any,
      {
        ...simulatorSettings,
        subscriptions: inDeleteMode
      } as any
    )
    expect(stateOf(id)).toMatchObject({ active: false })

    const request = { type: 'delete', userId: 'del-6' } as any
    expect(await destination.onDelete!(request, simulatorSettings as any)).toEqual(
      permanentlyDeleted(id, 'soft_deleted')
    )
    expect(stateOf(id)).toBeUndefined()
  })
})

describe('a user an agent deleted meanwhile', () => {
  it('soft-deleted before the request: deleted for good where deleted_users shows its external_id', async () => {
    const { id } = userNamed('del-3')
    await anotherWriter(sim(), 'DELETE', `users/${id}`)
    sim().setFaults({ variants: { deletedUserExternalId: 'shown' } })
    expect(await instance()('del-3')).toEqual(permanentlyDeleted(id, 'soft_deleted'))
    expect(stateOf(id)).toBeUndefined()
  })

  it('deleted for good between a failed request and its retry: already gone, a success', async () => {
    const deleteUser = instance()
    const { id } = userNamed('del-4')
    sim().setFaults({ serverError: { count: 1, status: 503, path: 'deleted_users' } })
    await expect(deleteUser('del-4')).rejects.toBeInstanceOf(RetryableError)
    expect((await anotherWriter(sim(), 'DELETE', `deleted_users/${id}`)).status).toBe(200)

    expect(await deleteUser('del-4')).toEqual({
      deleted: true,
      outcome: 'already_gone',
      users: [{ id, found: 'soft_deleted', outcome: 'already_gone' }]
    })
  })
})

describe("Zendesk's limit of 700 permanent deletions every 10 minutes, on a test clock", () => {
  const LIMIT = 700

  async function deleteAll(deleteUser: (userId: string) => Promise<unknown>, externalIds: string[]) {
    const results: unknown[] = []
    for (let i = 0; i < externalIds.length; i += 20) {
      results.push(...(await Promise.all(externalIds.slice(i, i + 20).map(deleteUser))))
    }
    return results
  }

  it('the 701st deletion request is retryable with the wait and sends no delete; after the wait it goes through', async () => {
    const deleteUser = instance()
    const externalIds = Array.from({ length: LIMIT + 1 }, (_, i) => `gdpr-${i}`)
    const ids = externalIds.map((externalId) => userNamed(externalId).id)
    const results = await deleteAll(deleteUser, externalIds.slice(0, LIMIT))
    expect(results).toEqual(ids.slice(0, LIMIT).map((id) => permanentlyDeleted(id, 'active')))

    now += 4 * 60_000
    const before = sim().requests.length
    const refused = await deleteUser(externalIds[LIMIT]).catch((error) => error)
    expect(refused).toBeInstanceOf(RetryableError)
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 6 * 60 })
    expect(refused.message).toMatch(/^Zendesk allows 700 permanent user deletions every 10 minutes per account/)
    // Refused before any delete: the user is still as it was.
    expect(requestsSince(before)).toEqual(['GET /api/v2/users/search 200'])
    expect(stateOf(ids[LIMIT])).toMatchObject({ active: true })

    now += 6 * 60_000
    expect(await deleteUser(externalIds[LIMIT])).toEqual(permanentlyDeleted(ids[LIMIT], 'active'))
  })

  it("another instance, whose own count is empty, meets the simulator's 429 with Retry-After; its retry finishes the erasure", async () => {
    const externalIds = Array.from({ length: LIMIT }, (_, i) => `gdpr-${i}`)
    externalIds.forEach(userNamed)
    await deleteAll(instance(), externalIds)

    const other = instance()
    const { id } = userNamed('late')
    now += 60_000
    const refused = await other('late').catch((error) => error)
    expect(refused).toBeInstanceOf(RetryableError)
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 9 * 60 })
    expect(stateOf(id)).toMatchObject({ active: false })

    now += TEN_MINUTES_MS
    expect(await other('late')).toEqual(permanentlyDeleted(id, 'soft_deleted'))
  })
})

describe('a 429 without Retry-After on each request of a deletion request: retryable with the default wait', () => {
  it.each([
    ['users/search', () => 'users/search'],
    ['DELETE users/{id}', (id: number) => `users/${id}`],
    ['DELETE deleted_users/{id}', (id: number) => `deleted_users/${id}`]
  ])('%s', async (_, path) => {
    const { id } = userNamed('del-5')
    const deleteUser = instance()
    // A counted fault applies to the next request whose path contains `path`: the route named, the first time.
    sim().setFaults({ rateLimit: { count: 1, path: `/api/v2/${path(id)}` } })
    const failure = await deleteUser('del-5').catch((error) => error)
    expect(failure).toBeInstanceOf(RetryableError)
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 60 })
    expect(requestsSince(0).filter((request) => request.endsWith(' 429'))).toEqual([
      `${path(id) === 'users/search' ? 'GET' : 'DELETE'} /api/v2/${path(id)} 429`
    ])
    expect(await deleteUser('del-5')).toMatchObject({ deleted: true, outcome: 'permanently_deleted' })
  })

  it('GET deleted_users', async () => {
    sim().setFaults({ rateLimit: { count: 1, path: '/api/v2/deleted_users' } })
    const failure = await instance()('nobody').catch((error) => error)
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 60 })
  })
})
