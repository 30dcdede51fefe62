import nock from 'nock'
import { Destination } from '@segment/actions-core'
import { Pacer } from '../../src/destinations/zendesk/client/pacing'
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
