import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import {
  BatchResults,
  chunk,
  mapWithConcurrency,
  settle,
  statusOf,
  withMessagePrefix
} from '../../src/destinations/zendesk/batch/results'
import { refusalOf, withRefusal, ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { until } from '../helpers/test-clock'

describe('BatchResults', () => {
  it('gives every event its own result, in order, and never reports an unsettled event as delivered', () => {
    const results = new BatchResults([{ n: 0 }, { n: 1 }, { n: 2 }])
    results.succeed(0, { id: 10 })
    results.fail(2, new PayloadValidationError('bad email'))
    expect([0, 1, 2].map((i) => results.isSettled(i))).toEqual([true, false, true])
    const responses = results.toMultiStatus()
    expect(responses.length()).toBe(3)
    expect(responses.getResponseAtIndex(0).value()).toMatchObject({ status: 200, body: { id: 10 }, sent: { n: 0 } })
    expect(responses.getResponseAtIndex(1).value()).toMatchObject({ status: 500 })
    expect(responses.getResponseAtIndex(2).value()).toMatchObject({
      status: 400,
      errortype: 'BAD_REQUEST',
      errormessage: 'bad email'
    })
  })

  it('a failure that carries a wait (Retry-After) gives it to the host as data, in the item’s body', () => {
    const results = new BatchResults([{ n: 0 }, { n: 1 }])
    results.fail(0, new ZendeskRetryableError('Zendesk rate limit reached (429). Retry after 30 s.', 429, 30))
    results.fail(1, new ZendeskRetryableError('Zendesk server error (500)', 500))
    const [limited, failed] = results
      .toMultiStatus()
      .getAllResponses()
      .map((item) => item.value())
    expect(limited).toMatchObject({ status: 429, body: { retryAfterSeconds: 30 } })
    expect(failed).not.toHaveProperty('body')
  })

  it('checkEach keeps what the check returns and settles the payloads it throws for', () => {
    const results = new BatchResults([{ n: 1 }, { n: -1 }, { n: 2 }])
    const checked = results.checkEach(({ n }) => {
      if (n < 0) throw new PayloadValidationError('n must not be negative')
      return n * 10
    })
    expect([...checked]).toEqual([
      [0, 10],
      [2, 20]
    ])
    expect(() => results.outcome(1)).toThrow('n must not be negative')
    expect(results.isSettled(0)).toBe(false)
  })

  it('outcome answers as perform does: the body, or the error thrown as it is', () => {
    const results = new BatchResults([{}, {}, {}])
    const error = new RetryableError('later', 429)
    results.succeed(0, { id: 1 })
    results.fail(1, error)
    expect(results.outcome(0)).toEqual({ id: 1 })
    expect(() => results.outcome(1)).toThrow(error)
    expect(() => results.outcome(2)).toThrow('The event was not processed')
  })

  it('keeps the status of a retryable error', () => {
    const results = new BatchResults([{}])
    results.fail(0, new RetryableError('later', 429))
    expect(results.toMultiStatus().getResponseAtIndex(0).value()).toMatchObject({ status: 429 })
  })
})

describe('helpers', () => {
  it('statusOf reads a numeric status, else 500', () => {
    expect(statusOf(new PayloadValidationError('x'))).toBe(400)
    expect(statusOf(new Error('x'))).toBe(500)
    expect(statusOf({ status: '404' })).toBe(500)
    expect(statusOf(undefined)).toBe(500)
  })

  it('chunk splits into pieces of at most the given size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunk([], 100)).toEqual([])
  })

  it('mapWithConcurrency keeps the order and never runs more than the limit at once', async () => {
    /** The tasks running, each ended by calling it. */
    const running: (() => void)[] = []
    let most = 0
    const out = mapWithConcurrency(
      ['a', 'b', 'c', 'd', 'e'],
      2,
      (_, index) =>
        new Promise<number>((resolve) => {
          running.push(() => resolve(index * 10))
          most = Math.max(most, running.length)
        })
    )
    // Once the limit is running, the newest task ends first: results come back out of order.
    for (let ended = 0; ended < 5; ended++) {
      await until(() => running.length === Math.min(2, 5 - ended))
      running.pop()!()
    }
    expect(await out).toEqual([0, 10, 20, 30, 40])
    expect(most).toBe(2)
  })

  it('withMessagePrefix answers a copy of the same class, status, retry time and refusal; the error itself is kept', () => {
    const error = withRefusal(new ZendeskRetryableError('Zendesk reported a conflict (409)', 409, 7), {
      status: 409,
      fields: {}
    }) as ZendeskRetryableError
    const copy = withMessagePrefix(error, 'user with external_id "u1": ') as ZendeskRetryableError
    expect(copy).not.toBe(error)
    expect(copy).toBeInstanceOf(ZendeskRetryableError)
    expect(copy.message).toBe('user with external_id "u1": Zendesk reported a conflict (409)')
    expect([copy.status, copy.retryAfterSeconds, refusalOf(copy)?.status]).toEqual([409, 7, 409])
    expect(error.message).toBe('Zendesk reported a conflict (409)')
    expect(withMessagePrefix('not an error', 'x: ')).toBe('not an error')
  })

  it('settle answers the value or the error, never rejecting', async () => {
    const failure = new Error('no')
    expect(await settle(Promise.resolve(3))).toEqual({ ok: true, value: 3 })
    expect(await settle(Promise.reject(failure))).toEqual({ ok: false, error: failure })
  })
})
