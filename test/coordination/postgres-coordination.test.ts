import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import type { JobSlot } from '../../src/destinations/zendesk/client/job-slots'
import { Database } from '../../src/destinations/zendesk/client/postgres/database'
import { PostgresJobSlots } from '../../src/destinations/zendesk/client/postgres/job-slots'
import { PostgresJobStatuses } from '../../src/destinations/zendesk/client/postgres/job-statuses'
import type { JobStatus } from '../../src/destinations/zendesk/client/schemas'
import { PostgresRequestBudget } from '../../src/destinations/zendesk/client/postgres/request-budget'
import { PostgresRecordWrites, PostgresWritePacing } from '../../src/destinations/zendesk/client/postgres/write-turns'
import { realClock, realTimers, type Timers } from '../../src/destinations/zendesk/client/time'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'

const ACME = 'https://acme.zendesk.com'
const HOUR = 3_600_000

let postgres: RunningPostgres
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())

/** Each stands in for a process: a pool of its own on the same database. */
const processes = (url: string, count: number) => Array.from({ length: count }, () => new Database(url))

/** Settles every promise; the fulfilled ones and the reasons of the others. */
async function settle<T>(promises: Promise<T>[]): Promise<{ done: T[]; refused: unknown[] }> {
  const results = await Promise.allSettled(promises)
  return {
    done: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    refused: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
  }
}

describe('the request budget on PostgreSQL', () => {
  // Over an hour's window with no wait allowed, only the burst can go: what several processes let through together
  // says whether they share one budget, however slowly the machine runs.
  it('is one budget for the account across processes: together they let through what one would', async () => {
    const url = await postgres.database()
    const budgets = processes(url, 3).map((db) => new PostgresRequestBudget(db, HOUR, realClock, realTimers, 0))
    await budgets[0].answered(ACME, { limit: 100 })
    const { done, refused } = await settle(
      budgets.flatMap((budget) => Array.from({ length: 10 }, (_, i) => budget.spend(ACME, `request ${i}`)))
    )
    expect(done).toHaveLength(5)
    expect(refused).toHaveLength(25)
    expect(refused[0]).toBeInstanceOf(ZendeskRetryableError)
    expect(refused[0]).toMatchObject({ status: 429 })
    expect((refused[0] as ZendeskRetryableError).retryAfterSeconds).toBeGreaterThan(0)
    // Another account's budget is its own.
    await expect(budgets[1].spend('https://other.zendesk.com', 'a request')).resolves.toBeUndefined()
  })

  it("a limit one process reads in Zendesk's answers is every process's", async () => {
    const url = await postgres.database()
    const [first, second] = processes(url, 2).map((db) => new PostgresRequestBudget(db, HOUR, realClock, realTimers, 0))
    await first.answered(ACME, { limit: 400 })
    const { done } = await settle(Array.from({ length: 40 }, () => second.spend(ACME, 'a request')))
    // A twentieth of 400 goes at once (of the 200 assumed before, 10).
    expect(done).toHaveLength(20)
  })

  it("an answer that says the window is spent holds back every process's requests until it resets", async () => {
    const url = await postgres.database()
    const [first, second] = processes(url, 2).map((db) => new PostgresRequestBudget(db, HOUR, realClock, realTimers, 0))
    await first.spend(ACME, 'the first request')
    await first.answered(ACME, { limit: 700, remaining: 0, resetSeconds: 30 })
    const refused = await second.spend(ACME, 'a request').catch((error) => error)
    expect(refused).toBeInstanceOf(ZendeskRetryableError)
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(29)
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30)
  })
})

describe('job slots on PostgreSQL', () => {
  const timings = { maxWaitMs: 10_000, recheckMs: 100 }
  const noneEnded = async () => []
  const slotsOn = (
    db: Database,
    options: { timers?: Timers; leaseMs?: number; maxWaitMs?: number; unnotedJobMs?: number } = {}
  ) =>
    new PostgresJobSlots(
      db,
      30,
      { ...timings, maxWaitMs: options.maxWaitMs ?? timings.maxWaitMs },
      options.leaseMs ?? 30_000,
      options.unnotedJobMs ?? 0,
      realClock,
      options.timers ?? realTimers
    )
  /** Real timers until `die`: then nothing they were asked to wake (a heartbeat) wakes, as in a process that died. */
  const mortal = () => {
    let alive = true
    const timers: Timers = { after: (ms, wake) => realTimers.after(ms, () => alive && wake()) }
    return { timers, die: () => (alive = false) }
  }
  const take = (slots: PostgresJobSlots, count: number, ended = noneEnded) =>
    Promise.all(Array.from({ length: count }, () => slots.take(ACME, 'a bulk request', ended)))

  it('are 30 for the account across processes; a slot one process releases goes to another that waits', async () => {
    const url = await postgres.database()
    const [first, second] = processes(url, 2).map((db) => slotsOn(db))
    const held = [...(await take(first, 20)), ...(await take(second, 10))]
    let taken: JobSlot | undefined
    const waiting = first.take(ACME, 'a bulk request', noneEnded).then((slot) => (taken = slot))
    const refused = await slotsOn(new Database(url), { maxWaitMs: 300 })
      .take(ACME, 'bulk upsert of 100 users', noneEnded)
      .catch((error) => error)
    expect(refused).toBeInstanceOf(ZendeskRetryableError)
    expect(refused).toMatchObject({ status: 429 })
    expect(refused.message).toContain('All 30 of this Zendesk account')
    expect(taken).toBeUndefined()
    await held[25].release()
    await waiting
    expect(taken).toBeDefined()
    await Promise.all([...held, taken!].map((slot) => slot.release()))
  })

  it('a slot left to a running job is freed once Zendesk says the job ended, by whichever process next needs one', async () => {
    const url = await postgres.database()
    const [first, second] = processes(url, 2).map((db) => slotsOn(db))
    const held = await take(first, 30)
    await Promise.all(held.map((slot, i) => slot.submitted(`V3-job${i}`)))
    await held[7].leave()
    const asked: string[][] = []
    const ended = async (ids: string[]) => {
      asked.push(ids)
      return asked.length < 3 ? [] : ids
    }
    const slot = await second.take(ACME, 'a bulk request', ended)
    expect(asked).toEqual([['V3-job7'], ['V3-job7'], ['V3-job7']])
    await Promise.all([...held, slot].map((one) => one.release()))
  })

  it('the slots of a process gone silent are freed as their jobs end, and held while they run', async () => {
    const url = await postgres.database()
    const dying = mortal()
    const held = await take(slotsOn(new Database(url), { timers: dying.timers, leaseMs: 200 }), 30)
    await Promise.all(held.map((slot, i) => slot.submitted(`V3-job${i}`)))
    // No heartbeat from now on: it holds its slots as a dead process does.
    dying.die()
    const running = new Set(held.map((_, i) => `V3-job${i}`))
    const asked: string[][] = []
    const ended = async (ids: string[]) => {
      asked.push(ids)
      return ids.filter((id) => !running.has(id))
    }
    const survivor = slotsOn(new Database(url), { maxWaitMs: 1000 })
    const refused = await survivor.take(ACME, 'a bulk request', ended).catch((error) => error)
    expect(refused).toBeInstanceOf(ZendeskRetryableError)
    expect(asked.flat()).toEqual(expect.arrayContaining([...running]))
    running.delete('V3-job3')
    running.delete('V3-job4')
    const freed = await Promise.all([
      survivor.take(ACME, 'a bulk request', ended),
      survivor.take(ACME, 'a bulk request', ended)
    ])
    expect(freed).toHaveLength(2)
    await Promise.all(freed.map((slot) => slot.release()))
  })

  it('a holder that went silent without noting a job keeps its slot past its lease as long as a job is given to end', async () => {
    const url = await postgres.database()
    const dying = mortal()
    await take(slotsOn(new Database(url), { timers: dying.timers, leaseMs: 100 }), 30)
    dying.die()
    const refused = await slotsOn(new Database(url), { maxWaitMs: 500, unnotedJobMs: 60_000 })
      .take(ACME, 'a bulk request', noneEnded)
      .catch((error) => error)
    expect(refused).toBeInstanceOf(ZendeskRetryableError)
    const slot = await slotsOn(new Database(url), { unnotedJobMs: 300 }).take(ACME, 'a bulk request', noneEnded)
    await slot.release()
  })
})

describe('job statuses on PostgreSQL', () => {
  const timings = { maxWaitMs: 10_000, recheckMs: 100 }
  const slotsOn = (db: Database) => new PostgresJobSlots(db, 30, timings, 30_000, 0, realClock, realTimers)
  const working = (id: string): JobStatus => ({ id, status: 'working', total: 10, progress: 3 }) as JobStatus

  it("one process's poll reads the account's other jobs too: another that follows them reads them from it", async () => {
    const url = await postgres.database()
    const [first, second] = processes(url, 2)
    const mine = await slotsOn(first).take(ACME, 'a bulk request', async () => [])
    const theirs = await slotsOn(second).take(ACME, 'a bulk request', async () => [])
    await mine.submitted('V3-mine')
    await theirs.submitted('V3-theirs')
    const polls: string[][] = []
    const poll = async (ids: string[]) => {
      polls.push([...ids].sort())
      return new Map(ids.map((id) => [id, working(id)]))
    }
    // A freshness of an hour: what one process read is fresh for the other, however slowly the machine runs.
    const statuses = [first, second].map((db) => new PostgresJobStatuses(db, HOUR))
    expect(await statuses[0].read(ACME, ['V3-mine'], ['V3-mine'], poll)).toEqual({
      statuses: new Map([['V3-mine', working('V3-mine')]]),
      polled: true
    })
    expect(polls).toEqual([['V3-mine', 'V3-theirs']])
    expect(await statuses[1].read(ACME, ['V3-theirs', 'V3-new'], ['V3-theirs'], poll)).toEqual({
      statuses: new Map([['V3-theirs', working('V3-theirs')]]),
      polled: false
    })
    expect(polls).toHaveLength(1)
    // A due job nobody read lately is polled, with the others nobody read; a freed slot's job is read no more.
    await theirs.release()
    await new PostgresJobStatuses(first, 0).read(ACME, ['V3-mine'], ['V3-mine'], poll)
    expect(polls[1]).toEqual(['V3-mine'])
    await mine.release()
  })
})

describe('write turns on PostgreSQL', () => {
  it('single-user writes take one turn at a time for the account across processes', async () => {
    const url = await postgres.database()
    const pacings = processes(url, 2).map((db) => new PostgresWritePacing(db, HOUR, realTimers, 0))
    const { done, refused } = await settle(
      pacings.flatMap((pacing) => Array.from({ length: 5 }, () => pacing.slot(ACME, 'user with external_id "u1"')))
    )
    expect(done).toHaveLength(1)
    expect(refused).toHaveLength(9)
    expect(refused[0]).toMatchObject({ status: 429 })
    expect((refused[0] as Error).message).toContain('one single-user write a second per account')
  })

  it('writes of one record are counted across processes: 5 a window, each record apart', async () => {
    const url = await postgres.database()
    const counts = processes(url, 2).map(
      (db) => new PostgresRecordWrites(db, { limit: 5, windowMs: HOUR, what: 'user' }, realClock, realTimers, 0)
    )
    const writes = (record: string) =>
      counts.flatMap((count) => Array.from({ length: 6 }, () => count.turn(record, record)))
    const { done, refused } = await settle([...writes(`${ACME} u1`), ...writes(`${ACME} u2`)])
    expect(done).toHaveLength(10)
    expect(refused).toHaveLength(14)
    expect((refused[0] as Error).message).toContain('5 writes a minute per user')
  })
})
