import nock from 'nock'
import { createRequestClient } from '@segment/actions-core'
import { ACTIVE_JOB_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { JobWatcher, JobWatchers, type JobPolling } from '../../src/destinations/zendesk/client/job-watcher'
import { Jobs } from '../../src/destinations/zendesk/client/jobs'
import { TestClock, until } from '../helpers/test-clock'
import { BASE_URL } from './support'

const POLLING: JobPolling = { firstWaitMs: 20, maxWaitMs: 80, budgetMs: 3000 }

interface Poll {
  ids: string[]
  caller: string
  at: number
}

/**
 * A nock Zendesk whose bulk submissions queue jobs V3-job0, V3-job1, …; a job stays working until the test
 * finishes it. Polls (by id or show_many) are recorded with the caller whose client sent them and the time of
 * `clock`.
 */
function fakeZendesk(clock: TestClock) {
  const finished = new Set<string>()
  const polls: Poll[] = []
  let submitted = 0
  const status = (id: string) =>
    finished.has(id)
      ? {
          id,
          status: 'completed',
          results: [{ index: 0, id: Number(id.replace('V3-job', '')) + 1, status: 'Created' }]
        }
      : { id, status: 'working', results: null }
  const authorizations: string[] = []
  const callerOf = (req: { headers: Record<string, string | string[] | undefined> }) => {
    if (req.headers.authorization) authorizations.push(String(req.headers.authorization))
    return String(req.headers['x-caller'])
  }
  nock(BASE_URL)
    .persist()
    .post('/api/v2/users/create_or_update_many')
    .reply(200, () => ({ job_status: { id: `V3-job${submitted++}`, status: 'queued', results: null } }))
    .get('/api/v2/job_statuses/show_many')
    .query(true)
    .reply(function (uri) {
      const ids = new URL(uri, BASE_URL).searchParams.get('ids')!.split(',')
      polls.push({ ids, caller: callerOf(this.req), at: clock.now() })
      return [200, { job_statuses: ids.map(status) }]
    })
    .get(/\/api\/v2\/job_statuses\/V3-job\d+$/)
    .reply(function (uri) {
      const id = uri.split('/').pop()!
      polls.push({ ids: [id], caller: callerOf(this.req), at: clock.now() })
      return [200, { job_status: status(id) }]
    })
  return {
    polls,
    /** The Authorization header of each poll that carried one. */
    authorizations,
    submitted: () => submitted,
    finish: (...ids: string[]) => ids.forEach((id) => finished.add(id)),
    /** Moves the clock to each tick in turn until `count` polls have been answered. */
    async pollsUntil(count: number) {
      while (polls.length < count) {
        await until(() => clock.waiting > 0)
        await clock.next()
      }
    }
  }
}

/** A watcher on a clock the test moves, and how many jobs it has been given to follow. */
function watcherOnClock(polling: JobPolling = POLLING) {
  const clock = new TestClock()
  const watcher = new JobWatcher(polling, clock.now, clock)
  const follows = jest.spyOn(watcher, 'follow')
  return { clock, watcher, followed: () => follows.mock.calls.length }
}

/** One action call's client, recognisable in the polls it sends. */
const callerHttp = (caller: string) =>
  new ZendeskHttp(createRequestClient({ headers: { 'x-caller': caller } }), BASE_URL, [])

const bulkOfOne = (jobs: Jobs) =>
  jobs.bulk('POST', 'users/create_or_update_many', 'bulk upsert of 1 user', { users: [{ external_id: 'u' }] })

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe('the job watcher of an account', () => {
  it('reads every in-flight job in one show_many request per tick', async () => {
    const { clock, watcher, followed } = watcherOnClock()
    const zendesk = fakeZendesk(clock)
    const calls = ['a', 'b', 'c'].map((caller) => bulkOfOne(new Jobs(callerHttp(caller), watcher)))
    await until(() => followed() === 3)
    await zendesk.pollsUntil(2)
    zendesk.finish('V3-job0', 'V3-job1', 'V3-job2')
    const outcomes = await clock.runUntilSettled(Promise.all(calls))
    expect(outcomes.map(([one]) => one)).toEqual([
      { ok: true, id: 1, status: 'Created' },
      { ok: true, id: 2, status: 'Created' },
      { ok: true, id: 3, status: 'Created' }
    ])
    for (const poll of zendesk.polls) expect([...poll.ids].sort()).toEqual(['V3-job0', 'V3-job1', 'V3-job2'])
  })

  it('backs off: the waits between ticks double up to the cap', async () => {
    const { clock, watcher } = watcherOnClock()
    const zendesk = fakeZendesk(clock)
    const startedAt = clock.now()
    const call = bulkOfOne(new Jobs(callerHttp('a'), watcher))
    await zendesk.pollsUntil(6)
    zendesk.finish('V3-job0')
    await clock.runUntilSettled(call)
    // Waits of 20, 40, then 80 ms (the cap); without backoff the third poll would be at 60 ms.
    expect(zendesk.polls.map((poll) => poll.at - startedAt)).toEqual([20, 60, 140, 220, 300, 380, 460])
  })

  it('reads a working job again when its reported progress says it ends, not before', async () => {
    const { clock, watcher } = watcherOnClock({ firstWaitMs: 20, maxWaitMs: 1000, budgetMs: 3000 })
    const startedAt = clock.now()
    const polls: number[] = []
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .reply(200, { job_status: { id: 'V3-slow', status: 'queued', total: 100, progress: null } })
      .get('/api/v2/job_statuses/V3-slow')
      .times(2)
      .reply(() => {
        polls.push(clock.now() - startedAt)
        return polls.length === 1
          ? [200, { job_status: { id: 'V3-slow', status: 'working', total: 100, progress: 10 } }]
          : [200, { job_status: { id: 'V3-slow', status: 'completed', results: [{ index: 0, id: 9 }] } }]
      })
    expect(await clock.runUntilSettled(bulkOfOne(new Jobs(callerHttp('a'), watcher)))).toEqual([{ ok: true, id: 9 }])
    // 10% done 20 ms after submission: read again when 100% is due, a tenth later (220 ms); the backoff says 60.
    expect(polls).toEqual([20, 220])
  })

  it('reads a new job first when the account’s last job of that size ended, a little before', async () => {
    const { clock, watcher } = watcherOnClock({ firstWaitMs: 20, maxWaitMs: 1000, budgetMs: 3000 })
    const startedAt = clock.now()
    const times: Record<string, number[]> = { submitted: [], polled: [] }
    const answers = [
      { status: 'working', total: 100, progress: 10 },
      { status: 'completed', total: 100, results: [{ index: 0, id: 1 }] },
      { status: 'completed', total: 100, results: [{ index: 0, id: 2 }] }
    ]
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .times(2)
      .reply(() => {
        times.submitted.push(clock.now() - startedAt)
        return [200, { job_status: { id: `V3-n${times.submitted.length}`, status: 'queued', total: 100 } }]
      })
      .get(/\/api\/v2\/job_statuses\/V3-n\d$/)
      .times(3)
      .reply((uri) => {
        times.polled.push(clock.now() - startedAt)
        return [200, { job_status: { id: uri.split('/').pop(), ...answers[times.polled.length - 1] } }]
      })
    await clock.runUntilSettled(bulkOfOne(new Jobs(callerHttp('a'), watcher)))
    expect(await clock.runUntilSettled(bulkOfOne(new Jobs(callerHttp('a'), watcher)))).toEqual([{ ok: true, id: 2 }])
    // The first job took 220 ms; the second is read once, at nine tenths of that (198 ms); the backoff says 20.
    expect(times).toEqual({ submitted: [0, 220], polled: [20, 220, 418] })
  })

  it(`holds at most ${ACTIVE_JOB_LIMIT} jobs queued or running: the next submission waits for a slot`, async () => {
    const { clock, watcher } = watcherOnClock()
    const zendesk = fakeZendesk(clock)
    const calls = Array.from({ length: ACTIVE_JOB_LIMIT + 2 }, () => bulkOfOne(new Jobs(callerHttp('a'), watcher)))
    await until(() => zendesk.submitted() === ACTIVE_JOB_LIMIT)
    await zendesk.pollsUntil(2)
    expect(zendesk.submitted()).toBe(ACTIVE_JOB_LIMIT)
    expect(watcher.slots.inUse).toBe(ACTIVE_JOB_LIMIT)
    zendesk.finish('V3-job0')
    await until(() => zendesk.submitted() === ACTIVE_JOB_LIMIT + 1)
    await zendesk.pollsUntil(zendesk.polls.length + 2)
    expect(zendesk.submitted()).toBe(ACTIVE_JOB_LIMIT + 1)
    zendesk.finish(...Array.from({ length: ACTIVE_JOB_LIMIT + 2 }, (_, i) => `V3-job${i}`))
    const outcomes = await clock.runUntilSettled(Promise.all(calls))
    expect(outcomes.every(([one]) => one.ok)).toBe(true)
    expect(watcher.slots.inUse).toBe(0)
  })

  it('gives the slot back when the submission is refused', async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update_many').reply(422, { error: 'RecordInvalid' })
    const { watcher } = watcherOnClock()
    await expect(bulkOfOne(new Jobs(callerHttp('a'), watcher))).rejects.toThrow()
    expect(watcher.slots.inUse).toBe(0)
  })

  it('never polls with the client of a call that has ended: it uses one that is still waiting', async () => {
    const { clock, watcher, followed } = watcherOnClock()
    const zendesk = fakeZendesk(clock)
    const first = bulkOfOne(new Jobs(callerHttp('first'), watcher))
    const second = bulkOfOne(new Jobs(callerHttp('second'), watcher))
    await until(() => followed() === 2)
    await zendesk.pollsUntil(1)
    zendesk.finish('V3-job1')
    await clock.runUntilSettled(second)
    const secondEnded = zendesk.polls.length
    const third = bulkOfOne(new Jobs(callerHttp('third'), watcher))
    await until(() => followed() === 3)
    await zendesk.pollsUntil(secondEnded + 2)
    zendesk.finish('V3-job2')
    await clock.runUntilSettled(third)
    const thirdEnded = zendesk.polls.length
    await zendesk.pollsUntil(thirdEnded + 2)
    zendesk.finish('V3-job0')
    await clock.runUntilSettled(first)
    expect(zendesk.polls.slice(secondEnded).every((poll) => poll.caller !== 'second')).toBe(true)
    expect(zendesk.polls.slice(thirdEnded).map((poll) => poll.caller)).toEqual(
      zendesk.polls.slice(thirdEnded).map(() => 'first')
    )
  })

  it('a job show_many no longer lists fails with 404, the others go on', async () => {
    const { clock, watcher, followed } = watcherOnClock()
    const polls: string[][] = []
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .reply(200, { job_status: { id: 'V3-kept', status: 'queued' } })
      .post('/api/v2/users/create_or_update_many')
      .reply(200, { job_status: { id: 'V3-lost', status: 'queued' } })
      .get('/api/v2/job_statuses/show_many')
      .query(true)
      .reply((uri) => {
        polls.push(new URL(uri, BASE_URL).searchParams.get('ids')!.split(','))
        return [200, { job_statuses: [{ id: 'V3-kept', status: 'working' }] }]
      })
      .get('/api/v2/job_statuses/V3-kept')
      .reply(200, { job_status: { id: 'V3-kept', status: 'completed', results: [{ index: 0, id: 7 }] } })
    const calls = Promise.all([
      bulkOfOne(new Jobs(callerHttp('a'), watcher)),
      bulkOfOne(new Jobs(callerHttp('b'), watcher))
    ])
    await until(() => followed() === 2)
    const [kept, lost] = await clock.runUntilSettled(calls)
    expect(kept).toEqual([{ ok: true, id: 7 }])
    expect(!lost[0].ok && lost[0].error).toMatchObject({ status: 404, message: expect.stringContaining('V3-lost') })
    expect(polls).toEqual([['V3-kept', 'V3-lost']])
  })

  it('a poll refused for good (401) is every waiting job’s honest result', async () => {
    const { clock, watcher, followed } = watcherOnClock()
    let submissions = 0
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .times(2)
      .reply(200, () => ({ job_status: { id: `V3-${(submissions += 1)}`, status: 'queued' } }))
      .get('/api/v2/job_statuses/show_many')
      .query(true)
      .reply(401, { error: "Couldn't authenticate you" })
    const calls = Promise.all([
      bulkOfOne(new Jobs(callerHttp('a'), watcher)),
      bulkOfOne(new Jobs(callerHttp('b'), watcher))
    ])
    await until(() => followed() === 2)
    for (const [one] of await clock.runUntilSettled(calls)) expect(!one.ok && one.error).toMatchObject({ status: 401 })
  })
})

describe('job watchers of a destination instance', () => {
  it('are one per account, whatever the credential (a connection rotates its token while its jobs run)', () => {
    const clock = new TestClock()
    const watchers = new JobWatchers(POLLING, clock.now, clock)
    const acme = watchers.of('https://acme.zendesk.com')
    expect(watchers.of('https://acme.zendesk.com')).toBe(acme)
    expect(watchers.of('https://other.zendesk.com')).not.toBe(acme)
  })

  it('a job submitted before a rotation is read with the token that replaced it', async () => {
    const clock = new TestClock()
    const zendesk = fakeZendesk(clock)
    let token = 'token-before'
    const http = new ZendeskHttp(createRequestClient(), BASE_URL, [], () => `Bearer ${token}`)
    const call = bulkOfOne(new Jobs(http, new JobWatchers(POLLING, clock.now, clock).of(BASE_URL)))
    await zendesk.pollsUntil(1)
    const polledWith = zendesk.authorizations.splice(0)
    token = 'token-after'
    await zendesk.pollsUntil(2)
    zendesk.finish('V3-job0')
    await clock.runUntilSettled(call)
    expect(polledWith[0]).toBe('Bearer token-before')
    // The poll that read the job's end was sent after the rotation: with the new token.
    expect(zendesk.authorizations[zendesk.authorizations.length - 1]).toBe('Bearer token-after')
  })
})
