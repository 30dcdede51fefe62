import { ZendeskRetryableError } from '../../src/destinations/zendesk/client/errors'
import { MemoryJobSlots, type JobSlot } from '../../src/destinations/zendesk/client/job-slots'
import { rateLimitReport, type RateLimitReport } from '../../src/destinations/zendesk/client/rate-limit-report'
import {
  ASSUMED_REQUEST_LIMIT,
  MAX_BUDGET_WAIT_MS,
  MemoryRequestBudget
} from '../../src/destinations/zendesk/client/request-budget'
import { TestClock, turn } from '../helpers/test-clock'

const ACME = 'https://acme.zendesk.com'
const MINUTE = 60_000

/** The most requests any stretch of `windowMs` holds, of these send times (in order). */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= windowMs) first++
    most = Math.max(most, last - first + 1)
  }
  return most
}

describe("Zendesk's rate-limit headers", () => {
  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null })

  it('are read in every spelling Zendesk sends: ratelimit-*, rate-limit-*, X-Rate-Limit', () => {
    expect(
      rateLimitReport(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '12', 'ratelimit-reset': '41' }))
    ).toEqual({ limit: 700, remaining: 12, resetSeconds: 41 })
    expect(
      rateLimitReport(headers({ 'rate-limit': '2500', 'rate-limit-remaining': '0', 'rate-limit-reset': '3' }))
    ).toEqual({
      limit: 2500,
      remaining: 0,
      resetSeconds: 3
    })
    expect(rateLimitReport(headers({ 'x-rate-limit': '200', 'x-rate-limit-remaining': '199' }))).toEqual({
      limit: 200,
      remaining: 199
    })
  })

  it('say nothing when absent or not whole numbers; an endpoint limit header is not the account limit', () => {
    expect(rateLimitReport(headers({}))).toEqual({})
    expect(
      rateLimitReport(headers({ 'x-rate-limit': 'lots', 'ratelimit-remaining': '-1', 'ratelimit-limit': '0' }))
    ).toEqual({})
    expect(
      rateLimitReport(headers({ 'zendesk-ratelimit-tickets-index': 'total=100; remaining=99; resets=41' }))
    ).toEqual({})
  })
})

describe('the request budget kept in memory', () => {
  /**
   * Spends `count` requests one after another on the clock, and gives the time each was let go; each is answered
   * with `answer` when one is given (the others stay outstanding).
   */
  async function sendTimes(
    clock: TestClock,
    budget: MemoryRequestBudget,
    count: number,
    answer?: RateLimitReport
  ): Promise<number[]> {
    const times: number[] = []
    for (let i = 0; i < count; i++) {
      await clock.runUntilSettled(budget.spend(ACME, `request ${i}`))
      times.push(clock.now())
      if (answer) await budget.answered(ACME, answer)
    }
    return times
  }

  it('lets a twentieth of the limit go at once, then spreads the rest evenly: no minute holds more than the limit less a headroom, each holds 90% of it', async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 700 })
    const start = clock.now()
    const times = (await sendTimes(clock, budget, 2100)).map((time) => time - start)
    expect(times.filter((time) => time === 0)).toHaveLength(35)
    // A twentieth of the limit is headroom for requests sent late.
    expect(busiestWindow(times, MINUTE)).toBeLessThanOrEqual(700 - 35)
    // The burst goes once: then 90% of the budget is used, minute after minute.
    const secondMinute = times.filter((time) => time >= MINUTE && time < 2 * MINUTE)
    expect(secondMinute.length).toBeGreaterThanOrEqual(0.9 * 700 - 1)
  })

  it('sends one request at a time until the first answer says what the limit is', async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.spend(ACME, 'the first request')
    let second = false
    const next = budget.spend(ACME, 'the second request').then(() => (second = true))
    await clock.advance(1000)
    expect(second).toBe(false)
    await budget.answered(ACME, { limit: 700, remaining: 699, resetSeconds: 60 })
    await next
    expect(second).toBe(true)
  })

  it("assumes Team's 200 a minute while the answers report no limit, and takes the one they report", async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    const assumed = await sendTimes(clock, budget, 400, {})
    expect(ASSUMED_REQUEST_LIMIT).toBe(200)
    expect(busiestWindow(assumed, MINUTE)).toBeLessThanOrEqual(200 - 10)
    expect(busiestWindow(assumed, MINUTE)).toBeGreaterThanOrEqual(0.9 * 200)
    await budget.answered(ACME, rateLimitReport({ get: (name) => (name === 'x-rate-limit' ? '2500' : null) }))
    const after = await sendTimes(clock, budget, 5000)
    expect(busiestWindow(after, MINUTE)).toBeLessThanOrEqual(2500 - 125)
    expect(busiestWindow(after, MINUTE)).toBeGreaterThanOrEqual(0.9 * 2500)
  })

  it('an answer that says the window is spent holds every request until it resets', async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 700, remaining: 0, resetSeconds: 7 })
    const start = clock.now()
    const [first] = await sendTimes(clock, budget, 1)
    expect(first - start).toBeGreaterThanOrEqual(7000)
  })

  it('an answer that leaves fewer requests in the window than the pace would send holds it back: the ones spent and unanswered count', async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 100 })
    const start = clock.now()
    // Five go at once; one is answered: ten left until the window resets in 20 s, four of them already on their way.
    await sendTimes(clock, budget, 5)
    await budget.answered(ACME, { limit: 100, remaining: 10, resetSeconds: 20 })
    const times = (await sendTimes(clock, budget, 8)).map((time) => time - start)
    expect(times.filter((time) => time < 20_000)).toHaveLength(6)
  })

  it('a request woken too late for its turn takes another: requests held up together do not go together', async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 20 })
    const spacing = MINUTE / 18
    const start = clock.now()
    await clock.runUntilSettled(budget.spend(ACME, 'the first request'))
    const second = budget.spend(ACME, 'the second request')
    // The process is busy for three turns: the second request wakes two turns late.
    clock.stall(3 * spacing)
    await clock.runUntilSettled(second)
    const secondAt = clock.now() - start
    await clock.runUntilSettled(budget.spend(ACME, 'the third request'))
    expect(secondAt).toBeCloseTo(3 * spacing, 0)
    expect(clock.now() - start - secondAt).toBeGreaterThanOrEqual(spacing - 1)
  })

  it("a 429 with requests left in the window is an endpoint's limit: the account's budget goes on", async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 700, remaining: 650, resetSeconds: 30 }, 27)
    const start = clock.now()
    const [first] = await sendTimes(clock, budget, 1)
    expect(first).toBe(start)
  })

  it('a request whose turn is further off than the longest wait is retryable at once with that wait, and spends nothing', async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 700, remaining: 0, resetSeconds: 45 })
    const start = clock.now()
    const refused = await budget.spend(ACME, 'user with external_id "u1"').catch((error) => error)
    expect(refused).toBeInstanceOf(ZendeskRetryableError)
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 45 })
    expect(refused.message).toContain('user with external_id "u1" will be retried')
    expect(clock.waiting).toBe(0)
    // Once the wait is within the longest, the next request goes when the window resets: the refused one took no turn.
    await clock.advance(45_000 - MAX_BUDGET_WAIT_MS)
    await clock.runUntilSettled(budget.spend(ACME, 'user with external_id "u2"'))
    expect(clock.now() - start).toBe(45_000)
  })

  it("keeps each account's budget apart", async () => {
    const clock = new TestClock()
    const budget = new MemoryRequestBudget(MINUTE, clock.now, clock)
    await budget.answered(ACME, { limit: 700, remaining: 0, resetSeconds: 10 })
    const start = clock.now()
    await clock.runUntilSettled(budget.spend('https://other.zendesk.com', 'a request'))
    expect(clock.now()).toBe(start)
  })
})

describe('the job slots kept in memory', () => {
  const timings = { maxWaitMs: 20_000, recheckMs: 2000 }
  const noneEnded = async () => []

  async function takeAll(slots: MemoryJobSlots, count: number): Promise<JobSlot[]> {
    return Promise.all(Array.from({ length: count }, () => slots.take(ACME, 'a bulk request', noneEnded)))
  }

  it('gives out 30 at once; the next request waits for one to be released, in order', async () => {
    const clock = new TestClock()
    const slots = new MemoryJobSlots(30, timings, clock.now, clock)
    const held = await takeAll(slots, 30)
    const order: string[] = []
    const first = slots.take(ACME, 'first', noneEnded).then((slot) => (order.push('first'), slot))
    const second = slots.take(ACME, 'second', noneEnded).then((slot) => (order.push('second'), slot))
    await turn()
    expect(order).toEqual([])
    await held[0].release()
    await turn()
    expect(order).toEqual(['first'])
    await held[1].release()
    await Promise.all([first, second])
    expect(order).toEqual(['first', 'second'])
    expect(slots.inUse(ACME)).toBe(30)
    expect(slots.inUse('https://other.zendesk.com')).toBe(0)
  })

  it('a slot left to a running job stays taken until Zendesk says the job ended; it is asked only while someone waits', async () => {
    const clock = new TestClock()
    const slots = new MemoryJobSlots(30, timings, clock.now, clock)
    const held = await takeAll(slots, 30)
    await held[0].submitted('V3-left')
    await held[0].leave()
    expect(slots.inUse(ACME)).toBe(30)
    await clock.advance(10_000)
    const asked: string[][] = []
    let running = true
    const ended = async (ids: string[]) => {
      asked.push(ids)
      return running ? [] : ids
    }
    const waiting = slots.take(ACME, 'a bulk request', ended)
    await clock.advance(0)
    expect(asked).toEqual([['V3-left']])
    await clock.advance(timings.recheckMs - 1)
    expect(asked).toHaveLength(1)
    running = false
    await clock.advance(1)
    expect(asked).toEqual([['V3-left'], ['V3-left']])
    await expect(waiting).resolves.toBeDefined()
    expect(slots.inUse(ACME)).toBe(30)
  })

  it('a request that finds no slot within the longest wait, the jobs left running, is retryable and leaves the line', async () => {
    const clock = new TestClock()
    const slots = new MemoryJobSlots(30, timings, clock.now, clock)
    const held = await takeAll(slots, 30)
    await Promise.all(held.slice(1).map((slot, i) => slot.submitted(`V3-${i}`).then(() => slot.leave())))
    let settled = false
    const refused = slots
      .take(ACME, 'bulk upsert of 100 users', noneEnded)
      .catch((error) => error)
      .finally(() => (settled = true))
    await clock.advance(timings.maxWaitMs - 1)
    expect(settled).toBe(false)
    await clock.advance(timings.recheckMs)
    const error = await refused
    expect(error).toBeInstanceOf(ZendeskRetryableError)
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 2 })
    expect(error.message).toContain('bulk upsert of 100 users will be retried')
    await held[0].release()
    expect(slots.inUse(ACME)).toBe(29)
  })

  it('a slot left before any job started is free at once; releasing twice frees one slot', async () => {
    const clock = new TestClock()
    const slots = new MemoryJobSlots(30, timings, clock.now, clock)
    const [one, two] = await takeAll(slots, 2)
    await one.leave()
    await two.release()
    await two.release()
    expect(slots.inUse(ACME)).toBe(0)
  })
})
