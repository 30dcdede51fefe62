import nock from 'nock'
import { Destination } from '@segment/actions-core'
import {
  AccountWindowLimit,
  Pacer,
  PERMANENT_USER_DELETIONS,
  RecordWriteLimit
} from '../../src/destinations/zendesk/client/pacing'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { testDefinition } from '../helpers/destination-state'
import { BASE_URL, presetSubscription, settings } from './support'
import { TestClock, until } from '../helpers/test-clock'

const ACME = 'https://acme.zendesk.com'

describe('Pacer', () => {
  it('spreads the writes of one account by the interval, and leaves other accounts alone', async () => {
    const clock = new TestClock()
    const pacer = new Pacer(60, clock.now, clock, 1000)
    const started = clock.now()
    const sent: number[] = []
    const acme = Promise.all(
      [1, 2, 3].map(() => pacer.slot(ACME, 'a user').then(() => sent.push(clock.now() - started)))
    )
    await pacer.slot('https://other.zendesk.com', 'a user')
    expect(clock.now()).toBe(started)
    await clock.runUntilSettled(acme)
    expect(sent).toEqual([0, 60, 120])
  })

  it('a timer that fires late delays the writes behind it: each is sent the interval after the one before', async () => {
    const clock = new TestClock()
    const pacer = new Pacer(60, clock.now, clock, 1000)
    const started = clock.now()
    const sent: number[] = []
    const writes = Promise.all(
      [1, 2, 3].map(() => pacer.slot(ACME, 'a user').then(() => sent.push(clock.now() - started)))
    )
    await until(() => sent.length === 1)
    // The second write's turn comes at 60 ms; its timer fires 40 ms late.
    clock.stall(100)
    await clock.next()
    expect(sent).toEqual([0, 100])
    await clock.runUntilSettled(writes)
    expect(sent).toEqual([0, 100, 160])
  })

  it('a write that would wait longer than the longest wait is retryable at once, with its Retry-After', async () => {
    const clock = new TestClock()
    const pacer = new Pacer(200, clock.now, clock, 300)
    const first = pacer.slot('acme', 'first')
    const second = pacer.slot('acme', 'second')
    const third = pacer.slot('acme', 'user with external_id "u3"')
    await expect(third).rejects.toBeInstanceOf(ZendeskRetryableError)
    await expect(third).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 })
    await expect(third).rejects.toThrow('user with external_id "u3" would wait 1 s')
    await expect(clock.runUntilSettled(Promise.all([first, second]))).resolves.toEqual([undefined, undefined])
  })

  it('an interval of 0 never waits', async () => {
    const clock = new TestClock()
    const pacer = new Pacer(0, clock.now, clock, 0)
    for (let i = 0; i < 5; i++) await pacer.slot('acme', 'a user')
    expect(clock.waiting).toBe(0)
  })
})

describe('RecordWriteLimit', () => {
  it('lets `limit` writes of a record through at once; the next waits until the oldest leaves the window', async () => {
    const clock = new TestClock()
    const limit = new RecordWriteLimit({ limit: 2, windowMs: 300, what: 'user' }, clock.now, clock, 1000)
    await limit.turn('acme u1', 'user 1')
    await limit.turn('acme u1', 'user 1')
    let third = false
    const turn = limit.turn('acme u1', 'user 1').then(() => (third = true))
    await clock.advance(299)
    expect(third).toBe(false)
    await clock.advance(1)
    await turn
    expect(third).toBe(true)
  })

  it('a write whose turn is further off than the longest wait is retryable at once, and takes no turn', async () => {
    const clock = new TestClock()
    const limit = new RecordWriteLimit({ limit: 5, windowMs: 60_000, what: 'organization' }, clock.now, clock, 5000)
    for (let i = 0; i < 5; i++) await limit.turn('acme org', 'organization "org"')
    await clock.advance(10_000)
    const refused = limit.turn('acme org', 'organization "org"')
    await expect(refused).rejects.toBeInstanceOf(ZendeskRetryableError)
    await expect(refused).rejects.toMatchObject({ status: 429, retryAfterSeconds: 50 })
    await expect(refused).rejects.toThrow(
      'Zendesk allows 5 writes a minute per organization, and organization "org" has had them; it will be retried. Retry after 50 s.'
    )
    // Other records have their own turns; once the first writes leave the window, this one has turns again.
    await limit.turn('acme other', 'organization "other"')
    await clock.advance(50_000)
    await limit.turn('acme org', 'organization "org"')
    expect(clock.waiting).toBe(0)
  })

  it('forgets records with no write in the window once it remembers many', async () => {
    const clock = new TestClock()
    const limit = new RecordWriteLimit({ limit: 1, windowMs: 1000, what: 'user' }, clock.now, clock, 0)
    for (let i = 0; i <= 10_000; i++) await limit.turn(`acme u${i}`, 'a user')
    await clock.advance(2000)
    await limit.turn('acme last', 'a user')
    expect((limit as unknown as { writes: Map<string, number[]> }).writes.size).toBe(1)
  })

  it('a limit of 0 never waits', async () => {
    const clock = new TestClock()
    const limit = new RecordWriteLimit({ limit: 0, windowMs: 60_000, what: 'user' }, clock.now, clock, 0)
    for (let i = 0; i < 10; i++) await limit.turn('acme u1', 'a user')
    expect(clock.waiting).toBe(0)
  })
})

describe('AccountWindowLimit (permanent user deletions: 700 every 10 minutes per account)', () => {
  const { limit: LIMIT, windowMs: WINDOW_MS } = PERMANENT_USER_DELETIONS

  it('counts 700 in ten minutes; the 701st is retryable with the wait until the oldest leaves the window', () => {
    let now = Date.UTC(2026, 0, 1)
    const limit = new AccountWindowLimit(LIMIT, WINDOW_MS, 'permanent user deletions', () => now)
    for (let i = 0; i < LIMIT; i++) {
      limit.take('https://acme.zendesk.com', `user ${i}`)
      now += 500
    }
    // 700 deletions took 350 s of the window: the first leaves it 250 s from now.
    let refused: unknown
    try {
      limit.take('https://acme.zendesk.com', 'the permanent deletion of user 701')
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(ZendeskRetryableError)
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 250 })
    expect((refused as Error).message).toBe(
      'Zendesk allows 700 permanent user deletions every 10 minutes per account, and this account has had them; the permanent deletion of user 701 will be retried. Retry after 250 s.'
    )
    // Another account has a window of its own; a refused request takes no turn.
    limit.take('https://other.zendesk.com', 'user 1')
    now += 250_000
    limit.take('https://acme.zendesk.com', 'the permanent deletion of user 701')
    expect(() => limit.take('https://acme.zendesk.com', 'user 702')).toThrow('Retry after 1 s.')
  })
})

describe('single-user writes through the destination', () => {
  beforeAll(() => nock.disableNetConnect())
  afterAll(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('identifies sent together reach users/create_or_update the interval apart, even when a timer fires late', async () => {
    const clock = new TestClock()
    const destination = new Destination(testDefinition({ singleUserWriteIntervalMs: 250, ...clock.options }))
    const started = clock.now()
    const arrived: number[] = []
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .times(3)
      .reply(200, (_uri, body: any) => {
        arrived.push(clock.now() - started)
        return { user: { id: 1, external_id: body.user.external_id } }
      })
    const subscriptions = [presetSubscription('upsertUser')]
    const identifies = Promise.all(
      ['u1', 'u2', 'u3'].map((userId) =>
        destination.onEvent(
          { type: 'identify', userId, traits: { email: `${userId}@example.com` } } as any,
          {
            ...settings,
            subscriptions
          } as any
        )
      )
    )
    await until(() => arrived.length === 1 && clock.waiting > 0)
    // The second write's turn comes at 250 ms; its timer fires 150 ms late, on a busy machine.
    clock.stall(400)
    await clock.next()
    await until(() => arrived.length === 2)
    await clock.runUntilSettled(identifies)
    expect(arrived).toEqual([0, 400, 650])
  })
})
