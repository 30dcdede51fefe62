import nock from 'nock'
import { createRequestClient } from '@segment/actions-core'
import { ACTIVE_JOB_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { callerKey, JobWatcher, JobWatchers, type JobPolling } from '../../src/destinations/zendesk/client/job-watcher'
import { Jobs } from '../../src/destinations/zendesk/client/jobs'
import { realClock, realTimers } from '../../src/destinations/zendesk/client/time'
import { BASE_URL } from './support'

const POLLING: JobPolling = { firstWaitMs: 20, maxWaitMs: 80, budgetMs: 3000 }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Poll {
  ids: string[]
  caller: string
  at: number
}

/**
 * A nock Zendesk whose bulk submissions queue jobs V3-job0, V3-job1, …; a job stays working until the test
 * finishes it. Polls (by id or show_many) are recorded with the caller whose client sent them.
 */
function fakeZendesk() {
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
  const callerOf = (req: { headers: Record<string, string | string[] | undefined> }) => String(req.headers['x-caller'])
  nock(BASE_URL)
    .persist()
    .post('/api/v2/users/create_or_update_many')
    .reply(200, () => ({ job_status: { id: `V3-job${submitted++}`, status: 'queued', results: null } }))
    .get('/api/v2/job_statuses/show_many')
    .query(true)
    .reply(function (uri) {
      const ids = new URL(uri, BASE_URL).searchParams.get('ids')!.split(',')
      polls.push({ ids, caller: callerOf(this.req), at: Date.now() })
      return [200, { job_statuses: ids.map(status) }]
    })
    .get(/\/api\/v2\/job_statuses\/V3-job\d+$/)
    .reply(function (uri) {
      const id = uri.split('/').pop()!
      polls.push({ ids: [id], caller: callerOf(this.req), at: Date.now() })
      return [200, { job_status: status(id) }]
    })
  return {
    polls,
    submitted: () => submitted,
    finish: (...ids: string[]) => ids.forEach((id) => finished.add(id))
  }
}

/** One action call's client, recognisable in the polls it sends. */
const callerHttp = (caller: string) =>
  new ZendeskHttp(createRequestClient({ headers: { 'x-caller': caller } }), BASE_URL, [])

const bulkOfOne = (jobs: Jobs) =>
  jobs.bulk('POST', 'users/create_or_update_many', 'bulk upsert of 1 user', { users: [{ external_id: 'u' }] })

async function until(condition: () => boolean, timeoutMs = 2000) {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await sleep(5)
  }
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe('the job watcher of an account', () => {
  it('reads every in-flight job in one show_many request per tick', async () => {
    const zendesk = fakeZendesk()
    // A first wait long enough for all three submissions to be answered before the first tick.
    const watcher = new JobWatcher({ ...POLLING, firstWaitMs: 150 })
    const calls = ['a', 'b', 'c'].map((caller) => bulkOfOne(new Jobs(callerHttp(caller), watcher)))
    await until(() => zendesk.polls.length >= 2)
    zendesk.finish('V3-job0', 'V3-job1', 'V3-job2')
    const outcomes = await Promise.all(calls)
    expect(outcomes.map(([one]) => one)).toEqual([
      { ok: true, id: 1, status: 'Created' },
      { ok: true, id: 2, status: 'Created' },
      { ok: true, id: 3, status: 'Created' }
    ])
    for (const poll of zendesk.polls) expect([...poll.ids].sort()).toEqual(['V3-job0', 'V3-job1', 'V3-job2'])
  })

  it('backs off: the waits between ticks double up to the cap', async () => {
    const zendesk = fakeZendesk()
    const startedAt = Date.now()
    const call = bulkOfOne(new Jobs(callerHttp('a'), new JobWatcher(POLLING)))
    await until(() => zendesk.polls.length >= 6)
    zendesk.finish('V3-job0')
    await call
    const at = zendesk.polls.map((poll) => poll.at - startedAt)
    // Planned: 20, +40, +80 (the cap), +80, +80 ms; a timer never fires early. Without backoff it would be 120 ms.
    expect(at[2]).toBeGreaterThanOrEqual(20 + 40 + 80)
    expect(at[4]).toBeGreaterThanOrEqual(20 + 40 + 80 + 80 + 80)
    expect(at[5] - at[4]).toBeLessThan(80 + 100)
  })

  it('reads a working job again when its reported progress says it ends, not before', async () => {
    const polls: number[] = []
    const startedAt = Date.now()
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .reply(200, { job_status: { id: 'V3-slow', status: 'queued', total: 100, progress: null } })
      .get('/api/v2/job_statuses/V3-slow')
      .times(2)
      .reply(() => {
        polls.push(Date.now() - startedAt)
        return polls.length === 1
          ? [200, { job_status: { id: 'V3-slow', status: 'working', total: 100, progress: 10 } }]
          : [200, { job_status: { id: 'V3-slow', status: 'completed', results: [{ index: 0, id: 9 }] } }]
      })
    const watcher = new JobWatcher({ firstWaitMs: 20, maxWaitMs: 1000, budgetMs: 3000 })
    expect(await bulkOfOne(new Jobs(callerHttp('a'), watcher))).toEqual([{ ok: true, id: 9 }])
    // 10% done at least 20 ms after submission: read again at least 9 × 20 ms later; the backoff would say 40 ms.
    expect(polls[1] - polls[0]).toBeGreaterThanOrEqual(180)
  })

  it('reads a new job first when the account’s last job of that size ended, a little before', async () => {
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
        times.submitted.push(Date.now())
        return [200, { job_status: { id: `V3-n${times.submitted.length}`, status: 'queued', total: 100 } }]
      })
      .get(/\/api\/v2\/job_statuses\/V3-n\d$/)
      .times(3)
      .reply((uri) => {
        times.polled.push(Date.now())
        return [200, { job_status: { id: uri.split('/').pop(), ...answers[times.polled.length - 1] } }]
      })
    const watcher = new JobWatcher({ firstWaitMs: 20, maxWaitMs: 1000, budgetMs: 3000 })
    await bulkOfOne(new Jobs(callerHttp('a'), watcher))
    const firstTook = times.polled[1] - times.submitted[0]
    expect(await bulkOfOne(new Jobs(callerHttp('a'), watcher))).toEqual([{ ok: true, id: 2 }])
    // One poll for the second job, at about nine tenths of the first one's time; the backoff would say 20 ms.
    expect(times.polled).toHaveLength(3)
    expect(times.polled[2] - times.submitted[1]).toBeGreaterThanOrEqual(0.9 * firstTook - 25)
    expect(0.9 * firstTook).toBeGreaterThan(150)
  })

  it(`holds at most ${ACTIVE_JOB_LIMIT} jobs queued or running: the next submission waits for a slot`, async () => {
    const zendesk = fakeZendesk()
    const watcher = new JobWatcher(POLLING)
    const calls = Array.from({ length: ACTIVE_JOB_LIMIT + 2 }, () => bulkOfOne(new Jobs(callerHttp('a'), watcher)))
    await until(() => zendesk.polls.length >= 2)
    expect(zendesk.submitted()).toBe(ACTIVE_JOB_LIMIT)
    expect(watcher.slots.inUse).toBe(ACTIVE_JOB_LIMIT)
    zendesk.finish('V3-job0')
    await until(() => zendesk.submitted() === ACTIVE_JOB_LIMIT + 1)
    await sleep(100)
    expect(zendesk.submitted()).toBe(ACTIVE_JOB_LIMIT + 1)
    zendesk.finish(...Array.from({ length: ACTIVE_JOB_LIMIT + 2 }, (_, i) => `V3-job${i}`))
    const outcomes = await Promise.all(calls)
    expect(outcomes.every(([one]) => one.ok)).toBe(true)
    expect(watcher.slots.inUse).toBe(0)
  })

  it('gives the slot back when the submission is refused', async () => {
    nock(BASE_URL).post('/api/v2/users/create_or_update_many').reply(422, { error: 'RecordInvalid' })
    const watcher = new JobWatcher(POLLING)
    await expect(bulkOfOne(new Jobs(callerHttp('a'), watcher))).rejects.toThrow()
    expect(watcher.slots.inUse).toBe(0)
  })

  it('never polls with the client of a call that has ended: it uses one that is still waiting', async () => {
    const zendesk = fakeZendesk()
    const watcher = new JobWatcher(POLLING)
    const first = bulkOfOne(new Jobs(callerHttp('first'), watcher))
    const second = bulkOfOne(new Jobs(callerHttp('second'), watcher))
    await until(() => zendesk.polls.length >= 1)
    zendesk.finish('V3-job1')
    await second
    const secondEnded = zendesk.polls.length
    const third = bulkOfOne(new Jobs(callerHttp('third'), watcher))
    await until(() => zendesk.polls.length >= secondEnded + 2)
    zendesk.finish('V3-job2')
    await third
    const thirdEnded = zendesk.polls.length
    await until(() => zendesk.polls.length >= thirdEnded + 2)
    zendesk.finish('V3-job0')
    await first
    expect(zendesk.polls.slice(secondEnded).every((poll) => poll.caller !== 'second')).toBe(true)
    expect(zendesk.polls.slice(thirdEnded).map((poll) => poll.caller)).toEqual(
      zendesk.polls.slice(thirdEnded).map(() => 'first')
    )
  })

  it('a job show_many no longer lists fails with 404, the others go on', async () => {
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
    const watcher = new JobWatcher(POLLING)
    const [kept, lost] = await Promise.all([
      bulkOfOne(new Jobs(callerHttp('a'), watcher)),
      bulkOfOne(new Jobs(callerHttp('b'), watcher))
    ])
    expect(kept).toEqual([{ ok: true, id: 7 }])
    expect(!lost[0].ok && lost[0].error).toMatchObject({ status: 404, message: expect.stringContaining('V3-lost') })
    expect(polls).toEqual([['V3-kept', 'V3-lost']])
  })

  it('a poll refused for good (401) is every waiting job’s honest result', async () => {
    let submissions = 0
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .times(2)
      .reply(200, () => ({ job_status: { id: `V3-${(submissions += 1)}`, status: 'queued' } }))
      .get('/api/v2/job_statuses/show_many')
      .query(true)
      .reply(401, { error: "Couldn't authenticate you" })
    const watcher = new JobWatcher(POLLING)
    const outcomes = await Promise.all([
      bulkOfOne(new Jobs(callerHttp('a'), watcher)),
      bulkOfOne(new Jobs(callerHttp('b'), watcher))
    ])
    for (const [one] of outcomes) expect(!one.ok && one.error).toMatchObject({ status: 401 })
  })
})

describe('job watchers of a destination instance', () => {
  it('are one per account and credential', () => {
    const watchers = new JobWatchers(POLLING, realClock, realTimers)
    const watcherOf = (origin: string, secrets: string[]) => watchers.of(callerKey(origin, secrets))
    const acme = watcherOf('https://acme.zendesk.com', ['token-one'])
    expect(watcherOf('https://acme.zendesk.com', ['token-one'])).toBe(acme)
    expect(watcherOf('https://acme.zendesk.com', ['token-two'])).not.toBe(acme)
    expect(watcherOf('https://other.zendesk.com', ['token-one'])).not.toBe(acme)
  })

  it('jobs submitted with one credential are never read with another', async () => {
    const zendesk = fakeZendesk()
    const watchers = new JobWatchers(POLLING, realClock, realTimers)
    const withCredential = (caller: string) =>
      new Jobs(callerHttp(caller), watchers.of(callerKey(BASE_URL, [`secret-of-${caller}`])))
    const calls = [bulkOfOne(withCredential('one')), bulkOfOne(withCredential('two'))]
    await until(() => zendesk.polls.length >= 4)
    zendesk.finish('V3-job0', 'V3-job1')
    await Promise.all(calls)
    for (const poll of zendesk.polls) {
      expect(poll.ids).toEqual([poll.caller === 'one' ? 'V3-job0' : 'V3-job1'])
    }
  })
})
