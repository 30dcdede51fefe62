import { APIError, RetryableError } from '@segment/actions-core'
import { outcomeOf } from '../../src/cli/run-events'
import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'

/** How the local host reads a result: as the README tells a host to (What a host does with each result). */
describe('the outcome of a status and its error', () => {
  test.each([
    ['a 2xx without an error', 200, undefined, 'delivered'],
    [
      'a RetryableError, whatever its status',
      409,
      new ZendeskRetryableError('Zendesk reported a conflict (409)', 409),
      'retryable'
    ],
    ['a RetryableError of actions-core', 503, new RetryableError('later'), 'retryable'],
    ['408', 408, new APIError('timeout', 408), 'retryable'],
    ['429', 429, new APIError('slow down', 429), 'retryable'],
    ['5xx', 502, new APIError('bad gateway', 502), 'retryable'],
    [
      'a 409 that is no RetryableError (Add mode: the record exists)',
      409,
      new APIError('Left untouched', 409),
      'rejected'
    ],
    ['400', 400, new APIError('bad payload', 400), 'rejected'],
    ['404', 404, new APIError('not found', 404), 'rejected']
  ])('%s', (_, status, error, outcome) => {
    expect(outcomeOf(status, error)).toBe(outcome)
  })
})
