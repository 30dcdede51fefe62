import nock from 'nock'
import { APIError, createRequestClient, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { configureJobPolling, followJob, type JobStatus } from '../../src/destinations/zendesk/client/jobs'
import { BASE_URL, resetState } from './support'

const http = new ZendeskHttp(createRequestClient(), { subdomain: 'acme' })
const JOB_ID = 'V3-bd4fe431443aac7f1af637c7b7b48534'
const JOB_PATH = `/api/v2/job_statuses/${JOB_ID}`

const job = (status: JobStatus['status'], results: JobStatus['results'] = null, message: string | null = null) => ({
  job_status: { id: JOB_ID, url: `${BASE_URL}${JOB_PATH}.json`, total: 2, status, message, results }
})

/** Answers the job-status polls in order and records when each arrived. */
function pollAnswers(...answers: [number, unknown, Record<string, string>?][]) {
  const times: number[] = []
  let scope = nock(BASE_URL)
  for (const [status, body, headers] of answers) {
    scope = scope.get(JOB_PATH).reply(() => {
      times.push(Date.now())
      return [status, body as nock.Body, headers ?? {}]
    })
  }
  return { scope, times }
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  resetState()
})
beforeEach(() => {
  nock.cleanAll()
  resetState()
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
    const outcomes = await followJob(http, job('queued').job_status, 2)
    expect(outcomes).toEqual([
      { ok: true, id: 101, status: 'Created' },
      { ok: true, id: 102, status: 'Updated' }
    ])
    expect(scope.isDone()).toBe(true)
  })

  it('an already completed job needs no poll', async () => {
    const outcomes = await followJob(http, job('completed', [{ index: 0, id: 1 }]).job_status, 1)
    expect(outcomes).toEqual([{ ok: true, id: 1 }])
  })

  it('matches results by index, whatever their order', async () => {
    pollAnswers([
      200,
      job('completed', [
        { index: 1, id: 202 },
        { index: 0, id: 201 }
      ])
    ])
    const outcomes = await followJob(http, job('queued').job_status, 2)
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
    const outcomes = await followJob(http, job('queued').job_status, 2)
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
    const outcomes = await followJob(http, job('queued').job_status, 6)
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
    const [first, second] = await followJob(http, job('queued').job_status, 2)
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
    const [first, second] = await followJob(http, job('queued').job_status, 2)
    expect(!first.ok && first.error).toBeInstanceOf(PayloadValidationError)
    expect(!first.ok && first.error.message).toContain('Description: cannot be blank')
    expect(!second.ok && second.error).toBeInstanceOf(RetryableError)
    expect(!second.ok && second.error.message).toContain('Failed at 2016-01-15')
  })
})

describe('bounded waiting', () => {
  it('a stuck job: every item is retryable once the time budget is spent', async () => {
    configureJobPolling({ firstWaitMs: 5, maxWaitMs: 20, budgetMs: 150 })
    nock(BASE_URL).get(JOB_PATH).times(100).reply(200, job('working'))
    const started = Date.now()
    const outcomes = await followJob(http, job('queued').job_status, 3)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(140)
    expect(elapsed).toBeLessThan(1000)
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
    configureJobPolling({ firstWaitMs: 20, maxWaitMs: 80, budgetMs: 5000 })
    const { times } = pollAnswers(
      [200, job('working')],
      [200, job('working')],
      [200, job('working')],
      [200, job('working')],
      [200, job('completed', [{ index: 0, id: 1 }])]
    )
    const started = Date.now()
    await followJob(http, job('queued').job_status, 1)
    const gaps = [times[0] - started, ...times.slice(1).map((t, i) => t - times[i])]
    const expected = [20, 40, 80, 80, 80]
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(expected[i] - 2))
    // Uncapped, the fifth wait would be 320 ms.
    expect(gaps[4]).toBeLessThan(300)
  })

  it('a 429 while polling waits for Retry-After, then goes on', async () => {
    configureJobPolling({ firstWaitMs: 1, maxWaitMs: 5, budgetMs: 5000 })
    const { scope, times } = pollAnswers(
      [429, 'Too many requests', { 'Retry-After': '1' }],
      [200, job('completed', [{ index: 0, id: 1 }])]
    )
    const outcomes = await followJob(http, job('queued').job_status, 1)
    expect(outcomes).toEqual([{ ok: true, id: 1 }])
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(990)
    expect(scope.isDone()).toBe(true)
  })

  it('a Retry-After beyond the budget stops waiting at once: items are retryable', async () => {
    configureJobPolling({ firstWaitMs: 1, maxWaitMs: 5, budgetMs: 2000 })
    pollAnswers([429, 'Too many requests', { 'Retry-After': '60' }])
    const started = Date.now()
    const outcomes = await followJob(http, job('queued').job_status, 2)
    expect(Date.now() - started).toBeLessThan(500)
    for (const outcome of outcomes) expect(!outcome.ok && outcome.error).toBeInstanceOf(RetryableError)
  })

  it('a 5xx while polling is retried within the budget', async () => {
    const { scope } = pollAnswers([502, 'Bad Gateway'], [200, job('completed', [{ index: 0, id: 1 }])])
    expect(await followJob(http, job('queued').job_status, 1)).toEqual([{ ok: true, id: 1 }])
    expect(scope.isDone()).toBe(true)
  })

  it('a permanent failure while polling gives every item its own error with that status', async () => {
    pollAnswers([401, { error: "Couldn't authenticate you" }])
    const outcomes = await followJob(http, job('queued').job_status, 2)
    expect(outcomes).toHaveLength(2)
    const [first, second] = outcomes.map((o) => (o.ok ? undefined : (o.error as any)))
    expect(first.status).toBe(401)
    expect(first.message).toContain(JOB_ID)
    expect(first).not.toBe(second)
  })

  it('refuses a job id that is not a plain token, without requesting it', async () => {
    const outcomes = await followJob(http, { id: '../users/1', status: 'queued' }, 1)
    expect(!outcomes[0].ok && (outcomes[0].error as any).status).toBe(502)
  })
})
