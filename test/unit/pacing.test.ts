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

describe('Pacer', () => {
  it('spreads the writes of one account by the interval, and leaves other accounts alone', async () => {
    const pacer = new Pacer(60, 1000)
    const started = Date.now()
    const times: number[] = []
    await Promise.all(
      [1, 2, 3].map(() => pacer.slot('https://acme.zendesk.com', 'a user').then(() => times.push(Date.now() - started)))
    )
    await pacer.slot('https://other.zendesk.com', 'a user')
    expect(Date.now() - started).toBeLessThan(200)
    times.sort((a, b) => a - b)
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(50)
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(50)
  })

  it('a write that would wait longer than the longest wait is retryable at once, with its Retry-After', async () => {
    const pacer = new Pacer(200, 300)
    const first = pacer.slot('acme', 'first')
    const second = pacer.slot('acme', 'second')
    const third = pacer.slot('acme', 'user with external_id "u3"')
    await expect(third).rejects.toBeInstanceOf(ZendeskRetryableError)
    await expect(third).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 })
    await expect(third).rejects.toThrow('user with external_id "u3" would wait 1 s')
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined])
  })

  it('an interval of 0 never waits', async () => {
    const pacer = new Pacer(0, 0)
    for (let i = 0; i < 5; i++) await pacer.slot('acme', 'a user')
  })
})

describe('RecordWriteLimit', () => {
  it('lets `limit` writes of a record through at once; the next waits until the oldest leaves the window', async () => {
    const limit = new RecordWriteLimit(2, 300, 'user', 1000)
    const started = Date.now()
    await limit.turn('acme u1', 'user 1')
    await limit.turn('acme u1', 'user 1')
    expect(Date.now() - started).toBeLessThan(100)
    await limit.turn('acme u1', 'user 1')
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('a write whose turn is further off than the longest wait is retryable at once, and takes no turn', async () => {
    let now = Date.UTC(2026, 0, 1)
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now)
    try {
      const limit = new RecordWriteLimit(5, 60_000, 'organization', 5000)
      for (let i = 0; i < 5; i++) await limit.turn('acme org', 'organization "org"')
      now += 10_000
      const refused = limit.turn('acme org', 'organization "org"')
      await expect(refused).rejects.toBeInstanceOf(ZendeskRetryableError)
      await expect(refused).rejects.toMatchObject({ status: 429, retryAfterSeconds: 50 })
      await expect(refused).rejects.toThrow(
        'Zendesk allows 5 writes a minute per organization, and organization "org" has had them; it will be retried. Retry after 50 s.'
      )
      // Other records have their own turns; once the first writes leave the window, this one has turns again.
      await limit.turn('acme other', 'organization "other"')
      now += 50_000
      await limit.turn('acme org', 'organization "org"')
    } finally {
      clock.mockRestore()
    }
  })

  it('forgets records with no write in the window once it remembers many', async () => {
    let now = Date.UTC(2026, 0, 1)
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now)
    try {
      const limit = new RecordWriteLimit(1, 1000, 'user', 0)
      for (let i = 0; i <= 10_000; i++) await limit.turn(`acme u${i}`, 'a user')
      now += 2000
      await limit.turn('acme last', 'a user')
      expect((limit as unknown as { writes: Map<string, number[]> }).writes.size).toBe(1)
    } finally {
      clock.mockRestore()
    }
  })

  it('a limit of 0 never waits', async () => {
    const limit = new RecordWriteLimit(0, 60_000, 'user', 0)
    for (let i = 0; i < 10; i++) await limit.turn('acme u1', 'a user')
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

  it('identifies sent one by one go to users/create_or_update no faster than the interval per account', async () => {
    const destination = new Destination(testDefinition({ singleUserWriteIntervalMs: 250 }))
    const times: number[] = []
    nock(BASE_URL)
      .post('/api/v2/users/create_or_update')
      .times(3)
      .reply(200, (_uri, body: any) => {
        times.push(Date.now())
        return { user: { id: 1, external_id: body.user.external_id } }
      })
    const subscriptions = [presetSubscription('upsertUser')]
    await Promise.all(
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
    expect(times).toHaveLength(3)
    // Arrival times carry the scheduling jitter of a loaded machine; the pacer itself never starts a write early.
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(180)
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(180)
  })
})
