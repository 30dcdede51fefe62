import nock from 'nock'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import defaultDefinition, { createDestination } from '../../src/destinations/zendesk'
import * as jobs from '../../src/destinations/zendesk/client/jobs'
import * as origin from '../../src/destinations/zendesk/settings/origin'
import * as caches from '../../src/destinations/zendesk/client/caches'
import { Caches } from '../../src/destinations/zendesk/client/caches'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { TEST_JOB_POLLING, testDefinition } from '../helpers/destination-state'
import { BASE_URL, presetSubscription, settings, watchUnmatchedRequests } from './support'
import { TestClock } from '../helpers/test-clock'

const SIMULATOR = 'http://127.0.0.1:4010'
const OTHER_SIMULATOR = 'http://localhost:4011'

const identify = (userId: string, traits: Record<string, unknown> = {}) =>
  ({ type: 'identify', userId, traits: { email: `${userId}@example.com`, ...traits } }) as unknown as SegmentEvent
const upsertSettings = { ...settings, subscriptions: [presetSubscription('upsertUser')] } as any
const trackSettings = { ...settings, subscriptions: [presetSubscription('trackEvent')] } as any
const articleRead = (userId: string) =>
  ({ type: 'track', event: 'Article Read', userId, properties: {} }) as unknown as SegmentEvent

const userFields = (origin: string) =>
  nock(origin)
    .get('/api/v2/user_fields')
    .query(true)
    .reply(200, { user_fields: [{ id: 1, key: 'plan', type: 'text' }], meta: { has_more: false } })
const upserted = (origin: string, times = 1) =>
  nock(origin)
    .post('/api/v2/users/create_or_update')
    .times(times)
    .reply(201, { user: { id: 7 } })

let unmatched: ReturnType<typeof watchUnmatchedRequests>

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  unmatched = watchUnmatchedRequests()
})
afterEach(() => {
  unmatched.stop()
  expect(unmatched.seen).toEqual([])
  expect(nock.pendingMocks()).toEqual([])
})

describe('createDestination: each definition has caches of its own', () => {
  it('two definitions read the same account’s field list each once; neither serves the other', async () => {
    const first = new Destination<Settings>(testDefinition())
    const second = new Destination<Settings>(testDefinition())
    const reads = userFields(BASE_URL)
      .get('/api/v2/user_fields')
      .query(true)
      .reply(200, {
        user_fields: [{ id: 1, key: 'plan', type: 'text' }],
        meta: { has_more: false }
      })
    upserted(BASE_URL, 4)
    for (const destination of [first, second, first, second]) {
      await destination.onEvent(identify('u1', { plan: 'pro' }), upsertSettings)
    }
    expect(reads.isDone()).toBe(true)
  })

  it('two definitions look the same user up each once (the user id cache is theirs)', async () => {
    const first = new Destination<Settings>(testDefinition())
    const second = new Destination<Settings>(testDefinition())
    const lookups = nock(BASE_URL)
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'u1' })
      .times(2)
      .reply(200, { users: [{ id: 501, external_id: 'u1', active: true }] })
    nock(BASE_URL)
      .post('/api/v2/users/501/events')
      .times(4)
      .reply(202, { profile_id: 'p', status: 'received', user_id: '501' })
    for (const destination of [first, second, first, second])
      await destination.onEvent(articleRead('u1'), trackSettings)
    expect(lookups.isDone()).toBe(true)
  })

  it('definitions given the same caches share them', async () => {
    const shared = new Caches()
    const first = new Destination<Settings>(testDefinition({ caches: shared }))
    const second = new Destination<Settings>(testDefinition({ caches: shared }))
    userFields(BASE_URL)
    upserted(BASE_URL, 2)
    await first.onEvent(identify('u1', { plan: 'pro' }), upsertSettings)
    await second.onEvent(identify('u1', { plan: 'pro' }), upsertSettings)
    expect(shared.fieldLists.lists.size).toBe(1)
  })

  it('definitions with different origins send to their own origin and keep their caches apart', async () => {
    const first = new Destination<Settings>(testDefinition({ origin: SIMULATOR }))
    const second = new Destination<Settings>(testDefinition({ origin: OTHER_SIMULATOR }))
    userFields(SIMULATOR)
    userFields(OTHER_SIMULATOR)
    upserted(SIMULATOR, 2)
    upserted(OTHER_SIMULATOR)
    await first.onEvent(identify('u1', { plan: 'pro' }), upsertSettings)
    await second.onEvent(identify('u1', { plan: 'pro' }), upsertSettings)
    await first.onEvent(identify('u1', { plan: 'pro' }), upsertSettings)
  })

  it('job polling is per definition', async () => {
    // Each polls on a clock of its own that moves only while it waits: the budgets count polls, not machine speed.
    const patient = new Destination<Settings>(testDefinition(new TestClock(Date.now()).runningOptions))
    const impatient = new Destination<Settings>(
      testDefinition({ jobPolling: { budgetMs: 30 }, ...new TestClock(Date.now()).runningOptions })
    )
    const users = ['u1', 'u2', 'u3'].map((id) => identify(id))
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update_many')
      .times(2)
      .reply(200, { job_status: { id: 'V3-slow', status: 'queued', results: null } })
    let polls = 0
    nock(BASE_URL)
      .get('/api/v2/job_statuses/V3-slow')
      .times(1000)
      .optionally()
      .reply(() => {
        polls++
        // The job ends after the impatient definition gave up, well within the patient one's budget.
        const done = polls > 40
        return [
          200,
          {
            job_status: {
              id: 'V3-slow',
              status: done ? 'completed' : 'working',
              results: done ? [0, 1, 2].map((index) => ({ index, id: 10 + index, status: 'Created' })) : null
            }
          }
        ]
      })
    const gaveUp = (await impatient.onBatch(users, upsertSettings))[0] as any
    expect(gaveUp.multistatus.map((r: any) => r.status)).toEqual([504, 504, 504])
    const waited = (await patient.onBatch(users, upsertSettings))[0] as any
    expect(waited.multistatus.map((r: any) => r.status)).toEqual([200, 200, 200])
    expect(TEST_JOB_POLLING.budgetMs).toBeGreaterThan(30)
    nock.cleanAll()
  })

  it('the default export sends to https://<subdomain>.zendesk.com', async () => {
    const scope = upserted(BASE_URL)
    await new Destination<Settings>(defaultDefinition).onEvent(identify('u1'), upsertSettings)
    expect(scope.isDone()).toBe(true)
  })
})

describe('createDestination({ origin }) accepts only a loopback http address', () => {
  it.each([
    'https://evil.example.com',
    'http://evil.example.com',
    'https://127.0.0.1:4010',
    'https://acme.zendesk.com',
    'http://acme.zendesk.com',
    'http://10.0.0.1:4010',
    'http://192.168.1.10:4010',
    'http://127.0.0.1.nip.io:4010',
    'http://localhost@evil.com',
    'http://127.0.0.1:4010/api',
    'http://127.0.0.1:4010/?x=1',
    'file:///etc/passwd',
    'ftp://127.0.0.1',
    '127.0.0.1:4010',
    ''
  ])('refuses %j', (address) => {
    expect(() => createDestination({ origin: address })).toThrow(/loopback address like http:\/\/127\.0\.0\.1:4010/)
  })

  it.each(['http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010'])('accepts %s', (address) => {
    expect(() => createDestination({ origin: address })).not.toThrow()
  })
})

describe('no process-wide switches', () => {
  it('the modules export no setter that changes where or how every account’s requests go', () => {
    const exported = [...Object.keys(jobs), ...Object.keys(origin), ...Object.keys(caches)]
    for (const setter of ['routeToSimulator', 'configureJobPolling', 'clearCaches', 'followJob']) {
      expect(exported).not.toContain(setter)
    }
  })
})
