import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import { BatchResults, chunk, mapWithConcurrency, statusOf } from '../../src/destinations/zendesk/batch/results'

describe('BatchResults', () => {
  it('gives every event its own result, in order, and never reports an unsettled event as delivered', () => {
    const results = new BatchResults([{ n: 0 }, { n: 1 }, { n: 2 }])
    results.succeed(0, { id: 10 })
    results.fail(2, new PayloadValidationError('bad email'))
    expect(results.pending()).toEqual([1])
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
    let running = 0
    let most = 0
    const out = await mapWithConcurrency([30, 10, 20, 5, 1], 2, async (ms, index) => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, ms))
      running--
      return index * 10
    })
    expect(out).toEqual([0, 10, 20, 30, 40])
    expect(most).toBe(2)
  })
})
