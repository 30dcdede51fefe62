import { spawn, type ChildProcessWithoutNullStreams } from 'child_process'
import path from 'path'
import { createInterface } from 'readline'
import { Destination, type SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, resetDestinationState, startHarness, type SimulatorHarness } from '../helpers/harness'
import { testDefinition, testSettings } from '../helpers/destination-state'

/**
 * One ticket per external_id, whatever the timing: deliveries of one Ticket Created that race in one destination
 * instance, in two instances, and in two host processes.
 */
let harness: SimulatorHarness

beforeAll(async () => {
  // Some latency, so a create is still under way when a racing delivery in the same instance comes to create.
  harness = await startHarness({ account: 'default', endpointLimits: false, latencyMs: 150 })
})
afterAll(() => harness.close())
beforeEach(() => {
  harness.simulator.reset()
  resetDestinationState()
})

const createTicketOnly = presetSubscriptions.filter((s) => s.partnerAction === 'createTicket')
const settings = { ...testSettings, subscriptions: createTicketOnly } as any

const ticketCreated = (messageId: string): SegmentEvent =>
  ({
    type: 'track',
    event: 'Ticket Created',
    userId: 'u1',
    messageId,
    receivedAt: '2026-01-01T10:00:00.000Z',
    context: { traits: { email: 'ada@example.com', name: 'Ada Lovelace' } },
    properties: { subject: 'Order 1234 failed', comment: 'Payment declined' }
  }) as SegmentEvent

const dataOf = (results: any[]) => results.find((r) => r.output === 'Action Executed')?.data
const ticketsWith = (externalId: string) =>
  harness.simulator.state().tickets.filter((ticket) => ticket.external_id === externalId)
const creates = () =>
  harness.simulator.requests.filter((r) => r.method === 'POST' && /\/tickets(\.json)?$/.test(r.path))
/**
 * The next `count` duplicate checks are answered once all have arrived, so every racing delivery passes its check
 * and goes on to create, however far apart they start (a busy machine).
 */
const duplicateChecksAnsweredTogether = (count: number) =>
  harness.simulator.setFaults({ answeredTogether: { count, path: '/api/v2/tickets' } })
/** Another destination instance on the same simulator, as a second worker of one host would have. */
const otherInstance = () => new Destination(testDefinition({ origin: harness.simulator.url }))

describe('one destination instance', () => {
  it('concurrent onEvent ×2 of one event: one ticket, one create shared by both', async () => {
    duplicateChecksAnsweredTogether(2)
    const [first, second] = await Promise.all([
      harness.destination.onEvent(ticketCreated('msg-race-1'), settings),
      harness.destination.onEvent(ticketCreated('msg-race-1'), settings)
    ])
    expect(ticketsWith('msg-race-1')).toHaveLength(1)
    expect(creates()).toHaveLength(1)
    const answers = [dataOf(first), dataOf(second)]
    expect(answers.map((a) => a.created).sort()).toEqual([false, true])
    expect(answers[0].id).toBe(answers[1].id)
  })

  it('concurrent onBatch ×2 sharing events: one ticket per external_id', async () => {
    duplicateChecksAnsweredTogether(4)
    const [first, second] = await Promise.all([
      harness.destination.onBatch([ticketCreated('msg-b-1'), ticketCreated('msg-b-2')], settings),
      harness.destination.onBatch([ticketCreated('msg-b-2'), ticketCreated('msg-b-1')], settings)
    ])
    expect(ticketsWith('msg-b-1')).toHaveLength(1)
    expect(ticketsWith('msg-b-2')).toHaveLength(1)
    expect(creates()).toHaveLength(2)
    const statuses = [...(first[0] as any).multistatus, ...(second[0] as any).multistatus].map((r: any) => r.status)
    expect(statuses).toEqual([200, 200, 200, 200])
  })
})

describe('two destination instances', () => {
  it('concurrent onEvent in two instances: both create, Zendesk replays the first answer for the second (hit)', async () => {
    duplicateChecksAnsweredTogether(2)
    const [first, second] = await Promise.all([
      harness.destination.onEvent(ticketCreated('msg-two-1'), settings),
      otherInstance().onEvent(ticketCreated('msg-two-1'), settings)
    ])
    expect(ticketsWith('msg-two-1')).toHaveLength(1)
    expect(
      creates()
        .map((r) => r.idempotencyLookup)
        .sort()
    ).toEqual(['hit', 'miss'])
    expect([dataOf(first).created, dataOf(second).created].sort()).toEqual([false, true])
    expect(dataOf(first).id).toBe(dataOf(second).id)
  })

  it('a slow create, then the host redelivers the event while it is under way: one ticket', async () => {
    // The first delivery's duplicate check and create both answer late: its host redelivers to another instance.
    harness.simulator.setFaults({ slow: { count: 2, delayMs: 1500, path: '/api/v2/tickets' } })
    const slow = harness.destination.onEvent(ticketCreated('msg-slow'), settings)
    while (creates().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    const redelivered = dataOf(await otherInstance().onEvent(ticketCreated('msg-slow'), settings))
    const first = dataOf(await slow)
    expect(ticketsWith('msg-slow')).toHaveLength(1)
    expect(first).toMatchObject({ created: true })
    expect(redelivered).toMatchObject({ id: first.id, created: false })
  })

  it('two events with one external_id but other bodies, at once: Zendesk refuses the reused key, the ticket is found', async () => {
    duplicateChecksAnsweredTogether(2)
    const changed = { ...ticketCreated('msg-changed'), properties: { subject: 'Changed', comment: 'Payment declined' } }
    const [first, second] = await Promise.all([
      harness.destination.onEvent(ticketCreated('msg-changed'), settings),
      otherInstance().onEvent(changed as SegmentEvent, settings)
    ])
    expect(ticketsWith('msg-changed')).toHaveLength(1)
    expect(
      creates()
        .map((r) => r.status)
        .sort()
    ).toEqual([201, 400])
    expect([dataOf(first).created, dataOf(second).created].sort()).toEqual([false, true])
    expect(dataOf(first).id).toBe(dataOf(second).id)
  })
})

/** Starts a host process that sends `events` (`onEvent` each, or one `onBatch`) when told to go. */
function hostProcess(mode: 'event' | 'batch', events: SegmentEvent[]) {
  const script = path.join(__dirname, 'support', 'ticket-host-process.ts')
  const tsNode = require.resolve('ts-node/dist/bin.js')
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [tsNode, '--transpile-only', script, harness.simulator.url, mode, JSON.stringify(events)],
    { cwd: path.join(__dirname, '..', '..') }
  )
  const lines = createInterface({ input: child.stdout })
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      child.once('exit', (code) => reject(new Error(`host process exited (${code})`)))
    })
  const ready = next()
  return {
    ready,
    go: async (): Promise<any[]> => {
      const answer = next()
      child.stdin.write('go\n')
      return JSON.parse(await answer)
    }
  }
}

describe('two host processes', () => {
  it.each(['event', 'batch'] as const)(
    'two processes creating the same tickets at once (%s): one ticket each, the second create a key hit',
    async (mode) => {
      const events = [ticketCreated(`msg-proc-${mode}-1`), ticketCreated(`msg-proc-${mode}-2`)]
      const hosts = [hostProcess(mode, events), hostProcess(mode, [...events].reverse())]
      await Promise.all(hosts.map((host) => host.ready))
      // Two tickets, two processes: both processes pass the four duplicate checks, then both create.
      duplicateChecksAnsweredTogether(4)
      const [first, second] = await Promise.all(hosts.map((host) => host.go()))
      for (const event of events) expect(ticketsWith(event.messageId!)).toHaveLength(1)
      // Each process created each ticket: Zendesk made it once and replayed it to the other process.
      expect(
        creates()
          .map((r) => r.idempotencyLookup)
          .sort()
      ).toEqual(['hit', 'hit', 'miss', 'miss'])
      const ok = (result: any) => (mode === 'batch' ? result.status === 200 : result.id !== undefined)
      expect([...first, ...second].every(ok)).toBe(true)
    },
    60000
  )
})
