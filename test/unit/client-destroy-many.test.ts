import nock from 'nock'
import { APIError, createRequestClient, PayloadValidationError } from '@segment/actions-core'
import { BULK_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { ZendeskHttp } from '../../src/destinations/zendesk/client/http'
import { JobWatcher, slotTimings } from '../../src/destinations/zendesk/client/job-watcher'
import { MemoryJobSlots } from '../../src/destinations/zendesk/client/job-slots'
import { ACTIVE_JOB_LIMIT } from '../../src/destinations/zendesk/client/constants'
import { Jobs, type JobItemOutcome } from '../../src/destinations/zendesk/client/jobs'
import { OrganizationsApi } from '../../src/destinations/zendesk/client/organizations'
import { unpacedWriteLimits } from '../helpers/write-limits'
import { realClock, realTimers } from '../../src/destinations/zendesk/client/time'
import { UsersApi } from '../../src/destinations/zendesk/client/users'
import { TEST_JOB_POLLING } from '../helpers/destination-state'
import { BASE_URL, watchUnmatchedRequests } from './support'

const http = new ZendeskHttp(createRequestClient(), BASE_URL, [])
const slots = new MemoryJobSlots(ACTIVE_JOB_LIMIT, slotTimings(TEST_JOB_POLLING), realClock, realTimers)
const watcher = new JobWatcher(TEST_JOB_POLLING, realClock, realTimers, slots)
const jobs = new Jobs(http, watcher)
const limits = unpacedWriteLimits()
const users = new UsersApi(http, jobs, limits)
const organizations = new OrganizationsApi(http, jobs, limits.writesPerOrganization)

const JOB_ID = 'V3-5e1f0c2d'
const deleted = (id: number) => ({ action: 'delete', id, status: 'Deleted', success: true })
const job = (status: string, results: unknown[] | null = null) => ({
  job_status: { id: JOB_ID, status, total: 3, progress: results?.length ?? null, message: null, results }
})

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe.each([
  ['users', (ids: number[]) => users.destroyMany(ids)],
  ['organizations', (ids: number[]) => organizations.destroyMany(ids)]
] as const)('%s/destroy_many', (resource, destroyMany) => {
  const path = `/api/v2/${resource}/destroy_many`

  it('submits the ids in the query and follows the job to one outcome per id, matched by id', async () => {
    const scope = nock(BASE_URL)
      .delete(path)
      .query({ ids: '11,12,13' })
      .reply(200, job('queued'))
      .get(`/api/v2/job_statuses/${JOB_ID}`)
      .reply(200, job('working'))
      .get(`/api/v2/job_statuses/${JOB_ID}`)
      .reply(200, job('completed', [deleted(13), deleted(11), deleted(12)]))
    expect(await destroyMany([11, 12, 13])).toEqual([
      { ok: true, id: 11, status: 'Deleted' },
      { ok: true, id: 12, status: 'Deleted' },
      { ok: true, id: 13, status: 'Deleted' }
    ])
    expect(scope.isDone()).toBe(true)
    expect(slots.inUse(BASE_URL)).toBe(0)
  })

  it("a failed item gets that item's error: RecordNotFound a 404, PermissionDenied a 403", async () => {
    const failed = (id: number, error: string) => ({ action: 'delete', id, success: false, error, details: 'No' })
    nock(BASE_URL)
      .delete(path)
      .query({ ids: '11,12,13' })
      .reply(200, job('completed', [deleted(11), failed(12, 'RecordNotFound'), failed(13, 'PermissionDenied')]))
    const [first, second, third] = await destroyMany([11, 12, 13])
    expect(first).toEqual({ ok: true, id: 11, status: 'Deleted' })
    const errorOf = (outcome: JobItemOutcome) => (outcome.ok ? undefined : outcome.error)
    expect(errorOf(second)).toBeInstanceOf(APIError)
    expect(errorOf(second)).toMatchObject({ status: 404, message: expect.stringContaining('RecordNotFound') })
    expect(errorOf(third)).toMatchObject({ status: 403, message: expect.stringContaining('PermissionDenied') })
  })

  it.each([
    [429, { error: 'TooManyJobs', description: 'Too many jobs' }, { 'Retry-After': '10' }, 10],
    [500, { error: 'InternalError' }, {}, undefined]
  ])(
    'a submission answered %i throws a retryable error and frees its job slot',
    async (status, body, headers, wait) => {
      nock(BASE_URL).delete(path).query({ ids: '11,12,13' }).reply(status, body, headers)
      const error = await destroyMany([11, 12, 13]).catch((e) => e)
      expect(error).toBeInstanceOf(ZendeskRetryableError)
      expect(error).toMatchObject({ status, retryAfterSeconds: wait })
      expect(slots.inUse(BASE_URL)).toBe(0)
    }
  )

  it('a 200 that is not JSON is retryable (502), never a deletion', async () => {
    nock(BASE_URL).delete(path).query(true).reply(200, '<html>Service temporarily unavailable</html>')
    const error = await destroyMany([11, 12, 13]).catch((e) => e)
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/is not what Zendesk sends/)
  })

  it(`refuses more than ${BULK_LIMIT} ids, or an id that is not numeric, without a request`, async () => {
    const unmatched = watchUnmatchedRequests()
    const many = Array.from({ length: BULK_LIMIT + 1 }, (_, i) => i + 1)
    await expect(destroyMany(many)).rejects.toThrow(/At most 100/)
    await expect(destroyMany([11, '1,2' as unknown as number])).rejects.toThrow(PayloadValidationError)
    unmatched.stop()
    expect(unmatched.seen).toEqual([])
  })
})
