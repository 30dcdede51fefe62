import { Destination, IntegrationError, RetryableError, type SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/zendesk/generated-types'
import { startSimulator, type RunningSimulator, type UserRecord } from '../../src/simulator'
import { orderSubscription, seedOrderObject } from '../helpers/custom-objects'
import { testDefinition, testSettings } from '../helpers/destination-state'
import { polledJobs } from '../simulator/helpers'

/**
 * Upsert Custom Object Record end to end, through `new Destination(createDestination(...))` against the simulator:
 * orders linked to their users by lookup fields, written one request for one or two, in jobs of up to 100 per
 * object, in each sync mode, inside the grace window of a user that does not exist yet.
 */
let simulator: RunningSimulator
let now: number
/** A destination whose clock the test moves (fresh caches for each test). */
let destination: Destination<Settings>

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const minutes = (n: number) => n * 60 * 1000

beforeAll(async () => {
  simulator = await startSimulator(polledJobs({ account: 'default', endpointLimits: false }))
})
afterAll(() => simulator.close())
beforeEach(() => {
  simulator.reset()
  now = T0
  destination = new Destination(testDefinition({ origin: simulator.url, clock: () => now }))
  seedOrderObject(simulator, [{ key: 'company', type: 'lookup', relationship_target_type: 'zen:organization' }])
})

const settingsWith = (mapping: Record<string, unknown> = {}, syncMode?: string) =>
  ({ ...testSettings, subscriptions: [orderSubscription(mapping, syncMode)] }) as any

const order = (id: string, userId: string, properties: Record<string, unknown> = {}): Partial<SegmentEvent> => ({
  type: 'track',
  event: 'Order Completed',
  userId,
  messageId: `m-${id}`,
  receivedAt: new Date(T0).toISOString(),
  properties: { id, name: `Order ${id}`, total: 10, status: 'paid', ...properties }
})

const send = (event: Partial<SegmentEvent>, mapping?: Record<string, unknown>, syncMode?: string) =>
  destination.onEvent(event as SegmentEvent, settingsWith(mapping, syncMode))
const sendBatch = async (events: Partial<SegmentEvent>[], mapping?: Record<string, unknown>, syncMode?: string) =>
  ((await destination.onBatch(events as SegmentEvent[], settingsWith(mapping, syncMode)))[0] as any)
    .multistatus as any[]
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the event was expected to fail')
    },
    (error: any) => error
  )

const records = (objectKey = 'order') =>
  simulator.state().customObjectRecords.filter((record) => record.custom_object_key === objectKey)
const recordOf = (externalId: string) => records().find((record) => record.external_id === externalId)
const apiRequests = () => simulator.requests.filter((request) => request.path.startsWith('/api/'))
const jobSizes = (objectKey: string) =>
  apiRequests()
    .filter((request) => request.method === 'POST' && request.path === `/api/v2/custom_objects/${objectKey}/jobs`)
    .map((request) => (request.body as any).job.items.length)

describe('orders linked to their users', () => {
  it('1,000 "Order Completed" of 300 users in batches of 100: 1,000 records, each linked to its user, at most 0.05 requests an event; the same again adds none', async () => {
    const users: UserRecord[] = Array.from({ length: 300 }, (_, n) =>
      simulator.seed.user({ name: `Customer ${n}`, external_id: `customer-${n}` })
    )
    const events = Array.from({ length: 1000 }, (_, n) => order(`order-${n}`, `customer-${n % 300}`, { total: n }))
    // The same 1,000 sent twice: the second time changes the records and adds none.
    for (const pass of ['first', 'again']) {
      const before = apiRequests().length
      for (let start = 0; start < events.length; start += 100) {
        const results = await sendBatch(events.slice(start, start + 100))
        expect(results.filter((result) => result.status !== 200)).toEqual([])
      }
      const perEvent = (apiRequests().length - before) / events.length
      expect({ pass, perEvent: Math.min(perEvent, 0.05) }).toEqual({ pass, perEvent })
      expect(records()).toHaveLength(1000)
    }
    const linked = new Map(records().map((record) => [record.external_id, record.custom_object_fields]))
    for (let n = 0; n < 1000; n++) {
      expect(linked.get(`order-${n}`)).toMatchObject({ amount: n, customer: users[n % 300].id })
    }
  })

  it('a batch of 250 records of two objects: jobs of at most 100 per object, every event delivered', async () => {
    simulator.seed.customObject({ key: 'device', fields: [{ key: 'model', type: 'text' }] })
    simulator.seed.user({ name: 'Ada', external_id: 'ada' })
    const mapping = {
      custom_object_key: { '@path': '$.properties.object' },
      custom_object_fields: { model: { '@path': '$.properties.model' }, customer: { '@path': '$.userId' } }
    }
    const events = Array.from({ length: 250 }, (_, n) =>
      n % 5 < 3
        ? order(`o-${n}`, 'ada', { object: 'order' })
        : order(`d-${n}`, 'ada', { object: 'device', model: 'X1' })
    )
    const results = await sendBatch(events, mapping)
    expect(results.map((result) => result.status)).toEqual(events.map(() => 200))
    expect(jobSizes('order')).toEqual([100, 50])
    expect(jobSizes('device')).toEqual([100])
    expect(records('order')).toHaveLength(150)
    expect(records('device')).toHaveLength(100)
    // The device has no customer field: reported for each of its events, never an error.
    expect(results[3].body.values_not_sent).toEqual(['customer (no field of device)'])
  })

  it('one or two records go as one PATCH each; the record is linked to the user and the organization', async () => {
    const ada = simulator.seed.user({ name: 'Ada', external_id: 'ada' })
    const acme = simulator.seed.organization({ name: 'Acme', external_id: 'acme' })
    const mapping = {
      custom_object_fields: {
        amount: { '@path': '$.properties.total' },
        customer: { '@path': '$.userId' },
        company: { '@path': '$.context.groupId' }
      }
    }
    const results = await sendBatch(
      [{ ...order('o-1', 'ada'), context: { groupId: 'acme' } } as any, order('o-2', 'ada')],
      mapping
    )
    expect(results.map((result) => result.status)).toEqual([200, 200])
    expect(recordOf('o-1')?.custom_object_fields).toMatchObject({ amount: 10, customer: ada.id, company: acme.id })
    expect(recordOf('o-2')?.custom_object_fields).toMatchObject({ customer: ada.id, company: null })
    const writes = apiRequests().filter((request) => request.method !== 'GET')
    expect(writes.map((request) => `${request.method} ${request.path}`)).toEqual([
      'PATCH /api/v2/custom_objects/order/records',
      'PATCH /api/v2/custom_objects/order/records'
    ])
  })

  it('a user who does not exist yet: retryable while the event is young, delivered once the identify created the user', async () => {
    const young = await failureOf(send(order('o-1', 'late')))
    expect(young).toBeInstanceOf(RetryableError)
    expect(young.message).toMatch(/Zendesk has no user with external_id "late" yet/)
    expect(records()).toEqual([])

    const late = simulator.seed.user({ name: 'Late', external_id: 'late' })
    now = T0 + minutes(2)
    await send(order('o-1', 'late'))
    expect(recordOf('o-1')?.custom_object_fields.customer).toBe(late.id)
  })

  it('a user who never appears: after the grace window a final error naming the field, nothing written', async () => {
    now = T0 + minutes(16)
    const old = await failureOf(send(order('o-1', 'never')))
    expect(old).toBeInstanceOf(IntegrationError)
    expect(old).not.toBeInstanceOf(RetryableError)
    expect(old.message).toMatch(/custom_object_fields\.customer cannot point at it/)
    expect(old.message).toMatch(/Send the identify that creates the user first/)
    expect(records()).toEqual([])
  })

  it('a value of the wrong type fails its own event, named, before anything is written; the others are delivered', async () => {
    simulator.seed.user({ name: 'Ada', external_id: 'ada' })
    const results = await sendBatch([
      order('o-1', 'ada'),
      order('o-2', 'ada', { total: 'ten' }),
      order('o-3', 'ada', { status: 'lost' }),
      order('o-4', 'ada')
    ])
    expect(results.map((result) => result.status)).toEqual([200, 400, 400, 200])
    expect(results[1].errormessage).toMatch(/custom_object_fields\.amount \(decimal\) must be a number, got "ten"/)
    expect(results[2].errormessage).toMatch(/custom_object_fields\.status \(dropdown\) must be one of its options/)
    expect(records().map((record) => record.external_id)).toEqual(['o-1', 'o-4'])
  })

  it('an object the account does not have: a final error naming custom_object_key', async () => {
    const error = await failureOf(send(order('o-1', 'ada'), { custom_object_key: 'invoice' }))
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.message).toMatch(/custom_object_key: Zendesk has no custom object "invoice"/)
  })

  it('an object that numbers its records: no name sent, the record numbered by Zendesk', async () => {
    simulator.seed.customObject({ key: 'ticket_log', numberedNames: { prefix: 'LOG-', padding: 3 } })
    const results = await sendBatch(
      [1, 2, 3].map((n) => order(`l-${n}`, 'ada')),
      {
        custom_object_key: 'ticket_log',
        custom_object_fields: {}
      }
    )
    expect(results.map((result) => result.body.values_not_sent)).toEqual(
      [1, 2, 3].map(() => ['name (ticket_log numbers its records itself)'])
    )
    expect(
      records('ticket_log')
        .map((record) => record.name)
        .sort()
    ).toEqual(['LOG-001', 'LOG-002', 'LOG-003'])
  })
})

describe('sync modes', () => {
  beforeEach(() => {
    simulator.seed.user({ name: 'Ada', external_id: 'ada' })
    simulator.seed.customRecord('order', { name: 'Kept', external_id: 'o-1', custom_object_fields: { amount: 1 } })
  })

  const amounts = () =>
    Object.fromEntries(records().map((record) => [record.external_id, record.custom_object_fields.amount]))

  it.each([
    ['alone', 2],
    ['in a job', 4]
  ])('update %s: changes what Zendesk has, never creates', async (_, count) => {
    const events = Array.from({ length: count }, (_, n) => order(`o-${n + 1}`, 'ada', { total: 5 }))
    const results = await sendBatch(events, {}, 'update')
    expect(results[0]).toMatchObject({ status: 200, body: { status: 'Updated' } })
    for (const result of results.slice(1)) {
      expect(result).toMatchObject({
        status: 404,
        errormessage: expect.stringMatching(/^Skipped: Zendesk has no order record/)
      })
    }
    expect(amounts()).toEqual({ 'o-1': 5 })
  })

  it.each([
    ['alone', 2],
    ['in a job', 4]
  ])('add %s: creates what Zendesk has not, never changes a record', async (_, count) => {
    const events = Array.from({ length: count }, (_, n) => order(`o-${n + 1}`, 'ada', { total: 5 }))
    const results = await sendBatch(events, {}, 'add')
    expect(results[0]).toMatchObject({ status: 409, errormessage: expect.stringMatching(/^Left untouched/) })
    for (const result of results.slice(1)) expect(result).toMatchObject({ status: 200, body: { status: 'Created' } })
    expect(amounts()).toEqual(Object.fromEntries(events.map((_, n) => [`o-${n + 1}`, n === 0 ? 1 : 5])))
  })

  it.each([
    ['alone', 2],
    ['in a job', 4]
  ])('delete %s: deletes the records; one that does not exist is as asked', async (_, count) => {
    const events = Array.from({ length: count }, (_, n) => order(`o-${n + 1}`, 'ada'))
    const results = await sendBatch(events, {}, 'delete')
    expect(results.map((result) => result.body.status)).toEqual(
      events.map((_, n) => (n === 0 ? 'Deleted' : 'Not found, nothing to delete'))
    )
    expect(records()).toEqual([])
  })

  it('upsert twice: the second changes the record, never adds one', async () => {
    await sendBatch([1, 2, 3].map((n) => order(`o-${n}`, 'ada', { total: 7 })))
    await sendBatch([1, 2, 3].map((n) => order(`o-${n}`, 'ada', { total: 8 })))
    expect(amounts()).toEqual({ 'o-1': 8, 'o-2': 8, 'o-3': 8 })
  })
})

describe("what Zendesk's record jobs answer", () => {
  beforeEach(() => simulator.seed.user({ name: 'Ada', external_id: 'ada' }))
  const events = () => [1, 2, 3, 4].map((n) => order(`o-${n}`, 'ada'))

  it.each(['records', 'indexed', 'unreported'] as const)(
    'results as %s: every event delivered, each record written once',
    async (customObjectJobResults) => {
      simulator.setFaults({ variants: { customObjectJobResults } })
      const results = await sendBatch(events())
      expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200])
      expect(
        records()
          .map((record) => record.external_id)
          .sort()
      ).toEqual(['o-1', 'o-2', 'o-3', 'o-4'])
    }
  )

  it.each([
    ['a 429', { rateLimit: { count: 1, retryAfter: 9, path: '/custom_objects/order/jobs' } }, 429],
    ['a 503', { serverError: { count: 1, status: 503 as const, path: '/custom_objects/order/jobs' } }, 503],
    ['a 500', { serverError: { count: 1, status: 500 as const, path: '/custom_objects/order/jobs' } }, 500]
  ])(
    'the job refused with %s: every event retryable, nothing written; the retry writes them',
    async (_, faults, status) => {
      simulator.setFaults(faults)
      const refused = await sendBatch(events())
      expect(refused.map((result) => result.status)).toEqual([status, status, status, status])
      expect(records()).toEqual([])
      const retried = await sendBatch(events())
      expect(retried.map((result) => result.status)).toEqual([200, 200, 200, 200])
      expect(records()).toHaveLength(4)
    }
  )
})
