import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { jobPace, PacedJobSlots } from '../../src/destinations/zendesk/client/job-pacing'
import type { JobSlots } from '../../src/destinations/zendesk/client/job-slots'
import { TestClock, turn } from '../helpers/test-clock'

const ACME = 'https://acme.zendesk.com'
/** Jobs followed for 20 s: kept to end within 10 s, a request waits at most 20 s for its turn. */
const BUDGET_MS = 20_000

/** Slots that are always free: what is measured is the pacing alone. */
const freeSlots: JobSlots = {
  take: async () => ({ submitted: async () => undefined, release: async () => undefined, leave: async () => undefined })
}
const noJobsEnded = async () => []

function paced() {
  const clock = new TestClock()
  const slots = new PacedJobSlots(freeSlots, jobPace(BUDGET_MS, 30), clock.now, clock)
  const take = (about = 'a batch') => slots.take(ACME, about, noJobsEnded)
  /** A job taken and submitted now. */
  const submit = async () => {
    const slot = await take()
    await slot.submitted('job')
    return slot
  }
  return { clock, slots, take, submit }
}

/** Settles what is ready, and says whether `promise` has settled. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true)
  )
  await turn()
  return done
}

describe('job submissions paced to what the account runs', () => {
  it('lets 4 jobs go before any has ended; the next request waits in line for one to end', async () => {
    const { slots, submit, take } = paced()
    const jobs = await Promise.all([submit(), submit(), submit(), submit()])
    expect(slots.allowed(ACME)).toBe(4)
    const fifth = take('fifth')
    const sixth = take('sixth')
    expect(await settled(fifth)).toBe(false)
    await jobs[0].release()
    expect(await settled(fifth)).toBe(true)
    expect(await settled(sixth)).toBe(true)
  })

  it('before any job has ended, a request waits in line past the longest wait (the jobs ahead may wait for request turns)', async () => {
    const { clock, submit, take } = paced()
    const submittedAt = clock.now()
    const jobs = await Promise.all(Array.from({ length: 4 }, submit))
    const fifth = take('fifth')
    await clock.advance(3 * BUDGET_MS)
    expect(await settled(fifth)).toBe(false)
    // Found ended by a read begun 1.5 s after its submission (whose answer waited a minute for a request turn).
    await jobs[0].release(submittedAt + 1500)
    expect(await settled(fifth)).toBe(true)
  })

  it('jobs worked side by side: each that ended in time says that more fit, up to 30', async () => {
    const { clock, slots, submit } = paced()
    const jobs = await Promise.all(Array.from({ length: 4 }, submit))
    await clock.advance(1500)
    // The first job queued behind none: 1 in 1.5 s, so 6.67 in 10 s; the fourth behind three: 26.67.
    await jobs[0].release()
    expect(slots.allowed(ACME)).toBe(6)
    await jobs[3].release()
    expect(slots.allowed(ACME)).toBe(26)
    await jobs[1].release()
    expect(slots.allowed(ACME)).toBe(26)
    const more = await Promise.all(Array.from({ length: 25 }, submit))
    await clock.advance(1500)
    await more[24].release()
    expect(slots.allowed(ACME)).toBe(30)
  })

  it('jobs worked one at a time: the pace falls to what the account works in the turnaround, and stays there', async () => {
    const { clock, slots, submit } = paced()
    const jobs = await Promise.all(Array.from({ length: 4 }, submit))
    // One job every 4 s: each says 2.5 fit in 10 s. Those ended in time leave the 4 allowed as they were.
    await clock.advance(4000)
    await jobs[0].release()
    await clock.advance(4000)
    await jobs[1].release()
    expect(slots.allowed(ACME)).toBe(4)
    await clock.advance(4000)
    await jobs[2].release()
    expect(slots.allowed(ACME)).toBe(2)
    await clock.advance(4000)
    await jobs[3].release()
    expect(slots.allowed(ACME)).toBe(2)
    // A job given up on at the end of its polling budget says as much: queued with 2, ended after 20 s, 1 fits.
    const [first, second] = await Promise.all([submit(), submit()])
    await clock.advance(4000)
    await first.release()
    await clock.advance(16_000)
    await second.leave()
    expect(slots.allowed(ACME)).toBe(1)
  })

  it("a job's time ends when the read that found it ended began: that read's wait for a request turn is not the account's", async () => {
    const { clock, slots, submit } = paced()
    const submittedAt = clock.now()
    const jobs = await Promise.all(Array.from({ length: 4 }, submit))
    // The read began 1.5 s after the submission, and its answer came 16 s later (it waited for the request budget).
    await clock.advance(17_500)
    await jobs[0].release(submittedAt + 1500)
    expect(slots.allowed(ACME)).toBe(6)
  })

  it('a job given up on sooner than the turnaround (its polls were refused) says nothing of the pace', async () => {
    const { clock, slots, submit } = paced()
    const jobs = await Promise.all(Array.from({ length: 4 }, submit))
    await clock.advance(100)
    await jobs[0].leave()
    expect(slots.allowed(ACME)).toBe(4)
  })

  it('a request still in line after the longest wait is retryable, with the wait of its place in line by the pace', async () => {
    const { clock, slots, submit, take } = paced()
    const jobs = await Promise.all(Array.from({ length: 4 }, submit))
    await clock.advance(8_000)
    await jobs[3].release()
    // The fourth job queued behind three, all ended in 8 s: 5 fit in 10 s, one ending every 1.6 s.
    expect(slots.allowed(ACME)).toBe(5)
    await Promise.all([submit(), submit()])
    const line = Array.from({ length: 12 }, (_, i) => take(`waiter ${i}`).catch((error) => error))
    expect(await settled(Promise.race(line))).toBe(false)
    // Nobody's job ends: after 20 s each is retryable with the wait of its place, the 12th 19.2 s.
    await clock.advance(BUDGET_MS)
    const refused = await Promise.all(line)
    refused.forEach((error, i) => {
      expect(error).toBeInstanceOf(ZendeskRetryableError)
      expect(error).toMatchObject({ status: 429, retryAfterSeconds: Math.ceil((16 * (i + 1)) / 10) })
      expect(error.message).toContain(`waiter ${i} will be retried`)
    })
    expect(refused[11].retryAfterSeconds).toBe(20)
  })

  it("keeps each account's pace apart, and a slot refused by the account's slots gives its turn back", async () => {
    const clock = new TestClock()
    let refuse = true
    const refusing: JobSlots = {
      take: async (account, about, ended) => {
        if (refuse) throw new ZendeskRetryableError('no slot', 429, 2)
        return freeSlots.take(account, about, ended)
      }
    }
    const slots = new PacedJobSlots(refusing, jobPace(BUDGET_MS, 30), clock.now, clock)
    for (let i = 0; i < 5; i++) await expect(slots.take(ACME, 'batch', noJobsEnded)).rejects.toThrow('no slot')
    refuse = false
    const taken = await Promise.all(Array.from({ length: 4 }, () => slots.take(ACME, 'batch', noJobsEnded)))
    expect(taken).toHaveLength(4)
    expect(await settled(slots.take('https://other.zendesk.com', 'batch', noJobsEnded))).toBe(true)
    expect(await settled(slots.take(ACME, 'batch', noJobsEnded))).toBe(false)
  })
})
