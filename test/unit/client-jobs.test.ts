import nock from 'nock'
import { APIError, createRequestClient, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { JobWatcher } from '../../src/destinations/zendesk/client/job-watcher'
import {
  Jobs,
  UnreportedJobItem,
  type JobItemOutcome,
  type JobPolling
} from '../../src/destinations/zendesk/client/jobs'
import type { JobStatus } from '../../src/destinations/zendesk/client/schemas'
import { TEST_JOB_POLLING } from '../helpers/destination-state'
import { BASE_URL, watchUnmatchedRequests } from './support'
import { TestClock } from '../helpers/test-clock'

const http = new ZendeskHttp(createRequestClient(), BASE_URL, [])
const JOB_ID = 'V3-bd4fe431443aac7f1af637c7b7b48534'
const JOB_PATH = `/api/v2/job_statuses/${JOB_ID}`
const SUBMIT_PATH = '/api/v2/users/create_or_update_many'

const job = (status: JobStatus['status'], results: unknown[] | null = null, message: string | null = null) => ({
  job_status: { id: JOB_ID, url: `${BASE_URL}${JOB_PATH}.json`, total: 2, status, message, results }
})

/** The time of the job followed: a clock the test moves from poll to poll; renewed for each test. */
let clock: TestClock

/**
 * Submits a bulk request of `total` items, which Zendesk answers with `submitted` (a queued job unless said),
 * and follows its job with these timings, the clock moving to each poll in turn.
 */
function followJob(
  total: number,
  options: { submitted?: unknown; polling?: Partial<JobPolling> } = {}
): Promise<JobItemOutcome[]> {
  nock(BASE_URL)
    .post(SUBMIT_PATH)
    .reply(200, (options.submitted ?? job('queued')) as nock.Body)
  const jobs = new Jobs(http, new JobWatcher({ ...TEST_JOB_POLLING, ...options.polling }, clock.now, clock))
  const users = Array.from({ length: total }, (_, i) => ({ external_id: `u${i}` }))
  return clock.runUntilSettled(
    jobs.bulk('POST', 'users/create_or_update_many', `bulk upsert of ${total} users`, { users })
  )
}

/** Answers the job-status polls in order and records when each arrived, on the clock. */
function pollAnswers(...answers: [number, unknown, Record<string, string>?][]) {
  const times: number[] = []
  let scope = nock(BASE_URL)
  for (const [status, body, headers] of answers) {
    scope = scope.get(JOB_PATH).reply(() => {
      times.push(clock.now())
      return [status, body as nock.Body, headers ?? {}]
    })
  }
  return { scope, times }
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  clock = new TestClock()
})

describe('following a job to its end', () => {
  it('queued → working → completed gives one outcome per item', async () => {
    const { scope } = pollAnswers(
      [200, job('working')],
      [
        200,
        job('completed', [
          { index: 0, id: 101, status: 'Created' },
          { index: 1, id: 102, status: 'Updated' }
        ])
      ]
    )
    const outcomes = await followJob(2)
    expect(outcomes).toEqual([
      { ok: true, id: 101, status: 'Created' },
      { ok: true, id: 102, status: 'Updated' }
    ])
    expect(scope.isDone()).toBe(true)
  })

  it('an already completed job needs no poll', async () => {
    const unmatched = watchUnmatchedRequests()
    const outcomes = await followJob(1, { submitted: job('completed', [{ index: 0, id: 1 }]) })
    unmatched.stop()
    expect(outcomes).toEqual([{ ok: true, id: 1 }])
    expect(unmatched.seen).toEqual([])
  })

  it('matches results by index, whatever their order', async () => {
    pollAnswers([
      200,
      job('completed', [
        { index: 1, id: 202 },
        { index: 0, id: 201 }
      ])
    ])
    const outcomes = await followJob(2)
    expect(outcomes.map((o) => o.ok && o.id)).toEqual([201, 202])
  })

  it('matches results without an index by position', async () => {
    pollAnswers([
      200,
      job('completed', [
        { id: 301, status: 'Created' },
        { id: 302, status: 'Created' }
      ])
    ])
    const outcomes = await followJob(2)
    expect(outcomes.map((o) => o.ok && o.id)).toEqual([301, 302])
  })

  it('maps failed items: validation → 400, not found → 404, permission → 403, conflict → retryable', async () => {
    pollAnswers([
      200,
      job('completed', [
        { index: 0, error: 'EmailInvalid', details: 'Email: bad is not properly formatted' },
        { index: 1, error: 'RecordNotFound', details: 'Not found' },
        { index: 2, error: 'PermissionDenied', success: false },
        { index: 3, error: 'DatabaseConflict' },
        { index: 4, success: false, status: 'Failed' },
        { index: 5, id: 6, success: true, status: 'Updated' }
      ])
    ])
    const outcomes = await followJob(6)
    const errors = outcomes.map((o) => (o.ok ? undefined : (o.error as any)))
    expect(errors[0]).toBeInstanceOf(PayloadValidationError)
    expect(errors[0].status).toBe(400)
    expect(errors[0].message).toContain('Email: bad is not properly formatted')
    expect(errors[1]).toBeInstanceOf(APIError)
    expect(errors[1].status).toBe(404)
    expect(errors[2].status).toBe(403)
    expect(errors[3]).toBeInstanceOf(RetryableError)
    expect(errors[4]).toBeInstanceOf(PayloadValidationError)
    expect(outcomes[5]).toEqual({ ok: true, id: 6, status: 'Updated' })
  })

  it('a completed job with no result for an item makes that item retryable', async () => {
    pollAnswers([200, job('completed', [{ index: 0, id: 1 }])])
    const [first, second] = await followJob(2)
    expect(first.ok).toBe(true)
    expect(second.ok).toBe(false)
    expect(!second.ok && second.error).toBeInstanceOf(RetryableError)
  })

  it('a failed job: items with a result get its error, the others are retryable with the job message', async () => {
    pollAnswers([
      200,
      job(
        'failed',
        [{ index: 0, error: 'TicketCreateFailed', details: 'Description: cannot be blank' }],
        'Failed at 2016-01-15 10:39:18 +0000'
      )
    ])
    const [first, second] = await followJob(2)
    expect(!first.ok && first.error).toBeInstanceOf(PayloadValidationError)
    expect(!first.ok && first.error.message).toContain('Description: cannot be blank')
    expect(!second.ok && second.error).toBeInstanceOf(RetryableError)
    expect(!second.ok && second.error.message).toContain('Failed at 2016-01-15')
  })
})

describe('bounded waiting', () => {
  it('a stuck job: every item is retryable once the time budget is spent', async () => {
    nock(BASE_URL).get(JOB_PATH).times(100).reply(200, job('working'))
    const started = clock.now()
    const outcomes = await followJob(3, { polling: { firstWaitMs: 5, maxWaitMs: 20, budgetMs: 150 } })
    expect(clock.now() - started).toBe(150)
    expect(outcomes).toHaveLength(3)
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false)
      const error = (outcome as { error: any }).error
      expect(error).toBeInstanceOf(ZendeskRetryableError)
      expect(error.status).toBe(504)
      expect(error.message).toMatch(/still working/)
    }
  })

  it('waits start short and double up to the cap', async () => {
    const { times } = pollAnswers(
      [200, job('working')],
      [200, job('working')],
      [200, job('working')],
      [200, job('working')],
      [200, job('completed', [{ index: 0, id: 1 }])]
    )
    const started = clock.now()
    await followJob(1, { polling: { firstWaitMs: 20, maxWaitMs: 80, budgetMs: 5000 } })
    // Each poll is due its wait after the one before it was due: 20, 40, 80, then the cap. Uncapped, the fourth
    // wait would be 160 ms.
    expect(times.map((time) => time - started)).toEqual([20, 60, 140, 220, 300])
  })

  it('a 429 while polling waits for Retry-After, then goes on', async () => {
    const { scope, times } = pollAnswers(
      [429, 'Too many requests', { 'Retry-After': '1' }],
      [200, job('completed', [{ index: 0, id: 1 }])]
    )
    const outcomes = await followJob(1, { polling: { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 5000 } })
    expect(outcomes).toEqual([{ ok: true, id: 1 }])
    expect(times[1] - times[0]).toBe(1000)
    expect(scope.isDone()).toBe(true)
  })

  it('a Retry-After beyond the budget stops waiting at once: items are retryable', async () => {
    pollAnswers([429, 'Too many requests', { 'Retry-After': '60' }])
    const started = clock.now()
    const outcomes = await followJob(2, { polling: { firstWaitMs: 1, maxWaitMs: 5, budgetMs: 2000 } })
    // Given up on at its first poll, 1 ms in.
    expect(clock.now() - started).toBe(1)
    for (const outcome of outcomes) {
      const error = (outcome as { error: any }).error
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.status).toBe(429)
      expect(error.retryAfterSeconds).toBe(60)
      expect(error.message).toMatch(
        /still queued when we stopped waiting, and its last status poll failed: .*rate limit/
      )
    }
  })

  it('a 5xx while polling is retried within the budget', async () => {
    const { scope } = pollAnswers([502, 'Bad Gateway'], [200, job('completed', [{ index: 0, id: 1 }])])
    expect(await followJob(1)).toEqual([{ ok: true, id: 1 }])
    expect(scope.isDone()).toBe(true)
  })

  it('a permanent failure while polling gives every item its own error with that status', async () => {
    pollAnswers([401, { error: "Couldn't authenticate you" }])
    const outcomes = await followJob(2)
    expect(outcomes).toHaveLength(2)
    const [first, second] = outcomes.map((o) => (o.ok ? undefined : (o.error as any)))
    expect(first.status).toBe(401)
    expect(first.message).toContain(JOB_ID)
    expect(first).not.toBe(second)
  })

  it('refuses a job id that is not a plain token, without requesting it: the submission answer is a retryable 502', async () => {
    const unmatched = watchUnmatchedRequests()
    const error = await followJob(1, { submitted: { job_status: { id: '../users/1', status: 'queued' } } }).catch(
      (e) => e
    )
    unmatched.stop()
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/job_status\.id/)
    expect(unmatched.seen).toEqual([])
  })
})

describe("the shapes of Zendesk's job results", () => {
  it('{id, status} without index, as recorded from users/create_many: matched by position', async () => {
    pollAnswers([
      200,
      job('completed', [
        { id: 401, status: 'Created' },
        { id: 402, status: 'Updated' },
        { id: 403, status: 'Created' }
      ])
    ])
    expect(await followJob(3)).toEqual([
      { ok: true, id: 401, status: 'Created' },
      { ok: true, id: 402, status: 'Updated' },
      { ok: true, id: 403, status: 'Created' }
    ])
  })

  it('{action, status, success, id} of bulk updates, failures included', async () => {
    pollAnswers([
      200,
      job('completed', [
        { action: 'update', status: 'Updated', success: true, id: 501 },
        {
          action: 'update',
          status: 'Failed',
          success: false,
          id: 502,
          error: 'RecordInvalid',
          details: 'Name: is too long'
        },
        { action: 'update', status: 'Updated', success: true, id: 503 }
      ])
    ])
    const [first, second, third] = await followJob(3)
    expect(first).toEqual({ ok: true, id: 501, status: 'Updated' })
    expect(third).toEqual({ ok: true, id: 503, status: 'Updated' })
    expect(second.ok).toBe(false)
    const error = (second as { error: any }).error
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('RecordInvalid')
    expect(error.message).toContain('Name: is too long')
  })

  it('{success: true} alone: the item succeeded, with no id', async () => {
    pollAnswers([200, job('completed', [{ success: true }, { success: true }])])
    expect(await followJob(2)).toEqual([{ ok: true }, { ok: true }])
  })

  it('details given as an object are kept as text', async () => {
    pollAnswers([200, job('completed', [{ index: 0, error: 'RecordInvalid', details: { email: ['is invalid'] } }])])
    const [only] = await followJob(1)
    expect(!only.ok && only.error.message).toContain('{"email":["is invalid"]}')
  })

  it('results null on a completed job: every item is retryable, none is a success', async () => {
    pollAnswers([200, job('completed', null)])
    const outcomes = await followJob(2)
    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false)
      const error = (outcome as { error: any }).error
      expect(error).toBeInstanceOf(UnreportedJobItem)
      expect(error.message).toMatch(/reported no result for it/)
    }
  })

  it('custom object records in any order, with text ids: matched by their external_id', async () => {
    nock(BASE_URL).post('/api/v2/custom_objects/order/jobs').reply(201, job('queued'))
    pollAnswers([
      200,
      job('completed', [
        { id: '01GDXYEY1FQYN066VHF49YHJ21', external_id: 'o-2', name: 'Two', custom_object_fields: {} },
        { index: 0, error: 'RecordInvalid', details: 'Amount: is invalid' },
        { id: '01GCSJW391QVSC80GYDH7E93Q6', external_id: 'o-3', name: 'Three', custom_object_fields: {} }
      ])
    ])
    const jobs = new Jobs(http, new JobWatcher(TEST_JOB_POLLING))
    const items = ['o-1', 'o-3', 'o-2'].map((external_id) => ({ external_id, custom_object_fields: {} }))
    const [first, second, third] = await jobs.posted(
      'custom_objects/order/jobs',
      'a job of 3 order records',
      { job: { action: 'create_or_update_by_external_id', items } },
      items
    )
    expect(!first.ok && first.error.message).toContain('Amount: is invalid')
    expect(second).toEqual({ ok: true, recordId: '01GCSJW391QVSC80GYDH7E93Q6' })
    expect(third).toEqual({ ok: true, recordId: '01GDXYEY1FQYN066VHF49YHJ21' })
  })

  it('results null while queued or working: the job is followed on until it ends', async () => {
    const { scope } = pollAnswers(
      [200, job('working', null)],
      [200, job('completed', [{ index: 0, id: 1, status: 'Created' }])]
    )
    expect(await followJob(1)).toEqual([{ ok: true, id: 1, status: 'Created' }])
    expect(scope.isDone()).toBe(true)
  })

  it('fewer results than items, without index: position proves nothing, so every item is retryable', async () => {
    pollAnswers([200, job('completed', [{ id: 601, status: 'Created' }])])
    const outcomes = await followJob(3)
    expect(outcomes).toHaveLength(3)
    for (const outcome of outcomes) expect(!outcome.ok && outcome.error).toBeInstanceOf(ZendeskRetryableError)
  })

  it('successes without index and a failure with one, as recorded for user creates: each matched to its item', async () => {
    pollAnswers([
      200,
      job('completed', [
        { id: 601, status: 'Created' },
        { index: 1, error: 'InvalidValue', details: 'Email is invalid' },
        { id: 603, status: 'Created' }
      ])
    ])
    const [first, second, third] = await followJob(3)
    expect(first).toEqual({ ok: true, id: 601, status: 'Created' })
    expect(!second.ok && second.error.message).toContain('Email is invalid')
    expect(third).toEqual({ ok: true, id: 603, status: 'Created' })
  })

  it('update results without index are matched by the id of the record each item changed, in any order', async () => {
    nock(BASE_URL).put('/api/v2/tickets/update_many').reply(200, job('queued'))
    pollAnswers([
      200,
      job('completed', [
        { id: 72, action: 'update', success: false, error: 'RecordNotFound', details: 'Not found' },
        { id: 71, action: 'update', status: 'Updated', success: true }
      ])
    ])
    const jobs = new Jobs(http, new JobWatcher(TEST_JOB_POLLING, clock.now, clock))
    const [first, second] = await clock.runUntilSettled(
      jobs.bulk('PUT', 'tickets/update_many', 'bulk update of 2 tickets', { tickets: [{ id: 71 }, { id: 72 }] })
    )
    expect(first).toEqual({ ok: true, id: 71, status: 'Updated' })
    expect(!second.ok && second.error).toMatchObject({ status: 404 })
  })

  it('fewer results than items, with index: the items without one are retryable', async () => {
    pollAnswers([200, job('completed', [{ index: 2, id: 603, status: 'Created' }])])
    const [first, second, third] = await followJob(3)
    expect(!first.ok && first.error).toBeInstanceOf(ZendeskRetryableError)
    expect(!second.ok && second.error).toBeInstanceOf(ZendeskRetryableError)
    expect(third).toEqual({ ok: true, id: 603, status: 'Created' })
  })

  it.each([
    ['an HTML page', '<html><body>Bad gateway</body></html>', /not JSON/],
    ['truncated JSON', '{"job_status":{"id":"V3-bd4f', /not JSON/],
    ['JSON of another shape', '{"jobs":[]}', /job_status: Required/],
    ['an unknown job state', JSON.stringify({ job_status: { id: JOB_ID, status: 'done', results: [] } }), /status/],
    ['an empty body', '', /an empty body/]
  ])(
    'a job status poll answered with %s is retried, then every item is a retryable 502 saying what arrived',
    async (_, body, said) => {
      nock(BASE_URL).get(JOB_PATH).times(100).reply(200, body)
      const outcomes = await followJob(2, { polling: { firstWaitMs: 5, maxWaitMs: 10, budgetMs: 60 } })
      expect(outcomes).toHaveLength(2)
      for (const outcome of outcomes) {
        expect(outcome.ok).toBe(false)
        const error = (outcome as { error: any }).error
        expect(error).toBeInstanceOf(ZendeskRetryableError)
        expect(error).not.toBeInstanceOf(TypeError)
        expect(error.status).toBe(502)
        expect(error.message).toContain(`job status ${JOB_ID}`)
        expect(error.message).toMatch(/is not what Zendesk sends/)
        expect(error.message).toMatch(said)
      }
      nock.cleanAll()
    }
  )

  it('a job status poll redirected to another host: every item is a retryable 502 naming the host, nothing sent there', async () => {
    const elsewhere = nock('https://evil.example.com')
      .get(/.*/)
      .reply(200, job('completed', [{ index: 0, id: 1 }]))
    nock(BASE_URL)
      .get(JOB_PATH)
      .times(100)
      .reply(302, '', { Location: `https://evil.example.com${JOB_PATH}` })
    const outcomes = await followJob(1, { polling: { firstWaitMs: 5, maxWaitMs: 10, budgetMs: 60 } })
    const error = (outcomes[0] as { error: any }).error
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/302 \(a redirect to host evil\.example\.com\)/)
    expect(elsewhere.isDone()).toBe(false)
    nock.cleanAll()
  })

  it('a failed poll followed by a good one that is still working ends as a plain 504: the failure is forgotten', async () => {
    nock(BASE_URL).get(JOB_PATH).reply(200, '<html/>')
    nock(BASE_URL).get(JOB_PATH).times(100).reply(200, job('working'))
    const outcomes = await followJob(1, { polling: { firstWaitMs: 5, maxWaitMs: 10, budgetMs: 80 } })
    const error = (outcomes[0] as { error: any }).error
    expect(error.status).toBe(504)
    expect(error.message).toMatch(/still working when we stopped waiting; the event will be retried/)
    nock.cleanAll()
  })

  it.each([
    ['an HTML page', '<html><body>Maintenance</body></html>', /not JSON/],
    ['JSON of another shape', '{"status":"ok"}', /job_status: Required/],
    ['a job with no id', '{"job_status":{"status":"queued"}}', /job_status\.id: Required/],
    ['an empty body', '', /an empty body/]
  ])('a bulk submission answered with %s throws a retryable 502, with no poll', async (_, body, said) => {
    const unmatched = watchUnmatchedRequests()
    const error = await followJob(2, { submitted: body }).catch((e) => e)
    unmatched.stop()
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(said)
    expect(error.message).toContain('bulk upsert of 2 users')
    expect(unmatched.seen).toEqual([])
  })
})
