import { Destination, defaultValues, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../../src'
import { startSimulator } from '../../src/simulator'
import type { Scenario } from './scenario'
import { SHORT_JOB_MS_PER_100_ITEMS } from './sequential'

/**
 * Upsert Custom Object Record as a store sends its orders: "Order Completed" events of a few hundred customers
 * (who exist), in batches of 100 one at a time, each order linked to its customer by a lookup field; then the same
 * events again, which must add no record. The demo account (its Order object; no bulk import, which the action
 * does not need) without endpoint limits, short timed jobs (as the sequential scenario's).
 */
export interface CustomObjectFigures {
  pass: 'first' | 'again'
  events: number
  delivered: number
  requests: number
  requestsPerEvent: number
  records: number
  /** records whose customer is not the user of their event */
  misLinked: number
  failures: string[]
}

const BATCH = 100
/** One lookup of the batch's new customers, one job and its polls per 100 orders: at most this much per event. */
const MAX_REQUESTS_PER_EVENT = 0.05
const FAST_JOB_POLLING = { firstWaitMs: 20, maxWaitMs: 200, budgetMs: 20000 }
const settings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' }

const sizes = (scale: number) => ({
  orders: Math.max(200, Math.round(1000 * scale)),
  customers: Math.max(60, Math.round(300 * scale))
})

const orderCompleted = (n: number, customers: number): SegmentEvent => ({
  type: 'track',
  event: 'Order Completed',
  userId: `customer-${n % customers}`,
  messageId: `order-event-${n}`,
  timestamp: new Date().toISOString(),
  properties: { id: `order-${n}`, name: `Order ${n}`, total: n, status: 'paid' }
})

export const customObjects: Scenario = {
  name: 'custom-objects',
  about: (o) =>
    `${sizes(o.scale).orders} "Order Completed" of ${sizes(o.scale).customers} customers in batches of ${BATCH}, ` +
    `twice; demo account, jobs of ${SHORT_JOB_MS_PER_100_ITEMS} ms per 100 items`,
  async run(options, print) {
    const { orders, customers } = sizes(options.scale)
    const simulator = await startSimulator({
      account: 'demo',
      endpointLimits: false,
      jobMsPer100Items: SHORT_JOB_MS_PER_100_ITEMS,
      latencyMs: options.latencyMs
    })
    const figures: CustomObjectFigures[] = []
    try {
      const definition = createDestination({ origin: simulator.url, jobPolling: FAST_JOB_POLLING })
      const action = definition.actions.upsertCustomObjectRecord
      const subscribed = {
        ...settings,
        subscriptions: [
          {
            partnerAction: 'upsertCustomObjectRecord',
            subscribe: action.defaultSubscription,
            mapping: {
              ...defaultValues(action.fields),
              custom_object_key: 'order',
              custom_object_fields: {
                amount: { '@path': '$.properties.total' },
                status: { '@path': '$.properties.status' },
                customer: { '@path': '$.userId' }
              }
            }
          }
        ]
      }
      const ids = Array.from(
        { length: customers },
        (_, c) => simulator.seed.user({ name: `Customer ${c}`, external_id: `customer-${c}` }).id
      )
      const destination = new Destination(definition)
      const events = Array.from({ length: orders }, (_, n) => orderCompleted(n, customers))
      for (const pass of ['first', 'again'] as const) {
        simulator.requests.length = 0
        let delivered = 0
        const failures = new Set<string>()
        for (let start = 0; start < events.length; start += BATCH) {
          const [result] = (await destination.onBatch(events.slice(start, start + BATCH), subscribed as any)) as any[]
          for (const entry of result?.multistatus ?? []) {
            if (entry.status >= 200 && entry.status < 300) delivered++
            else failures.add(`${entry.status} ${entry.errormessage}`)
          }
        }
        const records = simulator.state().customObjectRecords.filter((r) => r.custom_object_key === 'order')
        const misLinked = records.filter((r) => {
          const n = Number(r.external_id?.replace('order-', ''))
          return r.custom_object_fields.customer !== ids[n % customers]
        }).length
        const f: CustomObjectFigures = {
          pass,
          events: events.length,
          delivered,
          requests: simulator.requests.length,
          requestsPerEvent: simulator.requests.length / events.length,
          records: records.length,
          misLinked,
          failures: [...failures].slice(0, 3)
        }
        figures.push(f)
        print(
          `${pass.padEnd(8)}${`${f.delivered}/${f.events} delivered`.padEnd(20)}${String(f.requests).padStart(5)} requests  ` +
            `${f.requestsPerEvent.toFixed(3)} req/event (target ≤ ${MAX_REQUESTS_PER_EVENT})  ${f.records} records` +
            (f.failures.length ? `  (not delivered, e.g. ${f.failures[0]})` : '')
        )
      }
    } finally {
      await simulator.close()
    }
    return {
      scenario: 'custom-objects',
      figures,
      problems: figures.flatMap((f) => [
        ...(f.requestsPerEvent > MAX_REQUESTS_PER_EVENT
          ? [`orders (${f.pass}): ${f.requestsPerEvent.toFixed(3)} req/event > ${MAX_REQUESTS_PER_EVENT}`]
          : []),
        ...(f.delivered !== f.events ? [`orders (${f.pass}): ${f.delivered}/${f.events} delivered`] : []),
        ...(f.records !== f.events ? [`orders (${f.pass}): ${f.records} records for ${f.events} orders`] : []),
        ...(f.misLinked ? [`orders (${f.pass}): ${f.misLinked} records linked to another customer`] : [])
      ]),
      panels: [
        {
          title: `Zendesk requests per "Order Completed" event, batches of ${BATCH} (lower is better)`,
          unit: 'requests/event',
          bars: figures.map((f) => ({ group: f.pass, series: 'upsertCustomObjectRecord', value: f.requestsPerEvent }))
        }
      ]
    }
  }
}
