import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { call } from '../helpers/local-host-client'
import { TestClock } from '../helpers/test-clock'

const marge = (company: string) => ({
  userId: 'marge',
  traits: { name: 'Marge Simpson', email: 'marge@example.com', company: { id: company } }
})

/** Reads until `done` holds: for an outcome, never for an amount of time (the test's timeout ends the wait). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read()
    if (done(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('local host deliveries (demo account)', () => {
  let host: LocalHost
  /** When retries come: the test moves it. */
  const retryClock = new TestClock(Date.now())
  const logged: string[] = []
  const post = (path: string, body: unknown) => call(host, 'POST', path, body)
  const delivery = (id: string) => call(host, 'GET', `/deliveries?id=${id}`).then((answer) => answer.body)

  beforeAll(async () => {
    host = await startLocalHost({
      port: 0,
      env: {},
      log: (line) => logged.push(line),
      retry: { firstBackoffMs: 200, maxBackoffMs: 400, ...retryClock.options }
    })
  })
  afterAll(() => host.close())
  beforeEach(async () => {
    await host.target.resetSimulator!()
    logged.length = 0
  })

  test('a membership whose organization comes later is retried in the background until it is delivered', async () => {
    const first = await post('/v1/identify', marge('springfield'))
    expect(first.status).toBe(200)
    expect(first.body.deliveryId).toMatch(/^d\d+$/)
    expect(first.body.actions.map((a: any) => [a.action, a.result])).toEqual([
      ['upsertUser', 'delivered'],
      ['updateOrganizationMembership', 'retryable']
    ])
    const waiting = await delivery(first.body.deliveryId)
    expect(waiting).toMatchObject({ state: 'retrying', attempts: 1, description: 'identify userId=marge' })
    expect(Date.parse(waiting.nextTryAt)).toBeGreaterThan(Date.parse(waiting.acceptedAt))
    expect(logged).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^  ${first.body.deliveryId} identify userId=marge → retryable \\(updateOrganizationMembership retryable`
        )
      )
    )

    await post('/v1/group', { groupId: 'springfield', traits: { name: 'Springfield' } })
    // The retry comes 200 ms after the first attempt, on the clock.
    await retryClock.advance(199)
    expect(await delivery(first.body.deliveryId)).toMatchObject({ state: 'retrying', attempts: 1 })
    await retryClock.advance(1)
    await host.deliveries.idle()
    const done = await delivery(first.body.deliveryId)
    expect(done.state).toBe('delivered')
    expect(done.attempts).toBe(2)
    expect(done.nextTryAt).toBeUndefined()
    expect(done.actions.map((a: any) => [a.action, a.result])).toEqual([
      ['upsertUser', 'delivered'],
      ['updateOrganizationMembership', 'delivered']
    ])
    // Only what was still pending ran again: the user was written once.
    const upserts = host.simulator!.requests.filter((r) => r.path === '/api/v2/users/create_or_update')
    expect(upserts).toHaveLength(1)
    const { memberships, organizations, users } = host.simulator!.state()
    const org = organizations.find((o) => o.external_id === 'springfield')!
    const user = users.find((u) => u.external_id === 'marge')!
    expect(memberships.filter((m) => m.organization_id === org.id && m.user_id === user.id)).toHaveLength(1)
    expect(logged).toContainEqual(
      expect.stringMatching(new RegExp(`^retry \\d+:  ${first.body.deliveryId} identify userId=marge → delivered$`))
    )
  })

  test('within a batch the organization is written before the memberships that need it', async () => {
    const { status, body } = await post('/v1/batch', {
      batch: [
        { type: 'identify', ...marge('shelbyville') },
        { type: 'group', groupId: 'shelbyville', traits: { name: 'Shelbyville' } }
      ]
    })
    expect(status).toBe(200)
    expect(body.events.map((e: any) => e.actions.map((a: any) => [a.action, a.result]))).toEqual([
      [
        ['upsertUser', 'delivered'],
        ['updateOrganizationMembership', 'delivered']
      ],
      [['upsertOrganization', 'delivered']]
    ])
    expect(body.events.map((e: any) => e.deliveryId)).toEqual([
      expect.stringMatching(/^d/),
      expect.stringMatching(/^d/)
    ])
    expect(logged.filter((line) => / → delivered$/.test(line))).toHaveLength(2)
  })

  test('the terminal shows a rejected event as rejected, not only the HTTP status', async () => {
    // A user not found is retryable while the event is young (the grace window): a ticket update naming no
    // ticket is rejected at once.
    await post('/v1/track', { userId: 'nobody', event: 'Ticket Updated', properties: { status: 'open' } })
    expect(logged).toContainEqual(expect.stringMatching(/^POST \/v1\/track → 200/))
    expect(logged).toContainEqual(
      expect.stringMatching(/^ {2}d\d+ track "Ticket Updated" userId=nobody → rejected \(updateTicket rejected 400/)
    )
  })

  test('GET /deliveries lists each delivery with its state; the page shows them', async () => {
    const { body } = await post('/v1/identify', {
      userId: 'lisa',
      traits: { name: 'Lisa Simpson', email: 'lisa@example.com' }
    })
    const list = await call(host, 'GET', '/deliveries')
    expect(list.body.deliveries[0]).toMatchObject({ id: body.deliveryId, state: 'delivered', attempts: 1 })
    const page = await call(host, 'GET', '/deliveries/page')
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.text).toContain(`<td>${body.deliveryId}</td><td>identify userId=lisa</td><td>delivered</td><td>1</td>`)
    expect((await call(host, 'GET', '/deliveries?id=d999999')).status).toBe(404)
  })
})

describe('local host answering late and stopping (demo account)', () => {
  test('answers 202 with the delivery ids when the first attempt takes longer than answerWithinMs', async () => {
    const logged: string[] = []
    const host = await startLocalHost({ port: 0, env: {}, log: (line) => logged.push(line), answerWithinMs: 1 })
    try {
      const { status, body } = await call(host, 'POST', '/v1/identify', {
        userId: 'bart',
        traits: { name: 'Bart Simpson', email: 'bart@example.com' }
      })
      expect(status).toBe(202)
      expect(body.events).toEqual([
        { deliveryId: expect.stringMatching(/^d/), messageId: expect.any(String), type: 'identify', state: 'running' }
      ])
      const id = body.events[0].deliveryId
      const done = await until(
        () => call(host, 'GET', `/deliveries?id=${id}`).then((answer) => answer.body),
        (d) => d.state !== 'running'
      )
      expect(done).toMatchObject({ state: 'delivered', attempts: 1 })
      expect(logged).toContainEqual(`  ${id} identify userId=bart → delivered`)
    } finally {
      await host.close()
    }
  })

  test('once stopping it takes no more events and says what is still pending', async () => {
    const host = await startLocalHost({ port: 0, env: {}, log: () => undefined, retry: { firstBackoffMs: 60_000 } })
    try {
      const { body } = await call(host, 'POST', '/v1/identify', marge('nowhere'))
      const pending = await host.stopAccepting()
      expect(pending).toEqual([expect.objectContaining({ id: body.deliveryId, state: 'retrying', attempts: 1 })])
      const refused = await call(host, 'POST', '/v1/identify', marge('nowhere'))
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('10')
    } finally {
      await host.close()
    }
  })
})
