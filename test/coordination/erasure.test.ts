import { Destination, RetryableError } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testDefinition } from '../helpers/destination-state'
import { presetSubscriptions, simulatorSettings } from '../helpers/harness'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'

/**
 * A deletion request retried by another process than the one whose permanent deletion failed, where Zendesk's
 * lookups show soft-deleted users to none (the simulator's default): the processes sharing a database remember
 * the users soft-deleted on the way, so any of them finishes the erasure.
 */
let postgres: RunningPostgres
let simulator: RunningSimulator
beforeAll(async () => {
  postgres = await startPostgres()
  simulator = await startSimulator({ account: 'default' })
}, 60_000)
afterAll(async () => {
  await simulator?.close()
  await postgres?.stop()
})
beforeEach(() => simulator.reset())

/** One process's destination; on the database at `url` when given. */
function processOn(url?: string) {
  const destination = new Destination<Settings>(
    testDefinition({ origin: simulator.url, ...(url && { coordination: { postgres: url } }) })
  )
  return {
    erase: (userId: string) => destination.onDelete!({ type: 'delete', userId } as any, simulatorSettings as any),
    identify: (userId: string, mapping: Record<string, unknown>) =>
      destination.onEvent(
        { type: 'identify', userId } as any,
        {
          ...simulatorSettings,
          subscriptions: presetSubscriptions
            .filter((s) => s.partnerAction === 'upsertUser')
            .map((s) => ({ ...s, mapping: { ...s.mapping, ...mapping } }))
        } as any
      )
  }
}

const userNamed = (externalId: string) => simulator.seed.user({ name: `User ${externalId}`, external_id: externalId })
const stateOf = (id: number) => simulator.state().users.find((user) => user.id === id)

describe('erasure across processes', () => {
  it('the permanent deletion failed in one process; another, on the same database, finishes it', async () => {
    const url = await postgres.database()
    const { id } = userNamed('gone-1')
    simulator.setFaults({ serverError: { count: 1, status: 500, path: 'deleted_users' } })
    await expect(processOn(url).erase('gone-1')).rejects.toBeInstanceOf(RetryableError)
    expect(stateOf(id)).toMatchObject({ active: false })

    expect(await processOn(url).erase('GONE-1')).toEqual({
      deleted: true,
      outcome: 'permanently_deleted',
      users: [{ id, found: 'soft_deleted', outcome: 'permanently_deleted' }]
    })
    expect(stateOf(id)).toBeUndefined()
    // Forgotten once deleted for good: a third asks and finds nothing to finish.
    expect(await processOn(url).erase('gone-1')).toMatchObject({ deleted: false, outcome: 'not_found' })
  })

  it("a user one process soft-deleted in sync mode delete is erased by another's deletion request", async () => {
    const url = await postgres.database()
    const { id } = userNamed('gone-2')
    await processOn(url).identify('gone-2', { __segment_internal_sync_mode: 'delete' })
    expect(stateOf(id)).toMatchObject({ active: false })

    expect(await processOn(url).erase('gone-2')).toMatchObject({ deleted: true, outcome: 'permanently_deleted' })
    expect(stateOf(id)).toBeUndefined()
  })

  it('without a shared database another process cannot find the soft-deleted user, and says where it looked', async () => {
    const { id } = userNamed('gone-3')
    simulator.setFaults({ serverError: { count: 1, status: 500, path: 'deleted_users' } })
    await expect(processOn().erase('gone-3')).rejects.toBeInstanceOf(RetryableError)
    expect(await processOn().erase('gone-3')).toMatchObject({ deleted: false, outcome: 'not_found' })
    expect(stateOf(id)).toMatchObject({ active: false })
  })
})
