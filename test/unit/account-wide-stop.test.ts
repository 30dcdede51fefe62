import { APIError, RetryableError } from '@segment/actions-core'
import { AccountWideStop } from '../../src/destinations/zendesk/batch/account-wide-stop'

const withStatus = (status: number) => Object.assign(new RetryableError(`answered ${status}`), { status })

describe('AccountWideStop', () => {
  it.each([401, 429, 503])('after a %d no further request is made: each attempt gets that error', async (status) => {
    const stop = new AccountWideStop()
    const stopping = withStatus(status)
    const request = jest.fn(async () => 'answered')
    expect(await stop.attempt(() => Promise.reject(stopping))).toEqual({ ok: false, error: stopping })
    expect(await stop.attempt(request)).toEqual({ ok: false, error: stopping })
    expect(request).not.toHaveBeenCalled()
    expect(stop.stopped).toEqual({ error: stopping })
  })

  it('a failure of one record (404, 422, 500) stops nothing', async () => {
    const stop = new AccountWideStop()
    for (const error of [new APIError('gone', 404), new APIError('refused', 422), withStatus(500)]) {
      expect(await stop.attempt(() => Promise.reject(error))).toEqual({ ok: false, error })
    }
    expect(await stop.attempt(async () => 'answered')).toEqual({ ok: true, value: 'answered' })
    expect(stop.stopped).toBeUndefined()
  })

  it('a failure noted from elsewhere stops the call too; the first account-wide one is kept', async () => {
    const stop = new AccountWideStop()
    const first = withStatus(429)
    stop.note(new APIError('gone', 404))
    stop.note(first)
    stop.note(withStatus(401))
    expect(stop.stopped).toEqual({ error: first })
    expect(await stop.attempt(async () => 'answered')).toEqual({ ok: false, error: first })
  })
})
