import { APIError, PayloadValidationError } from '@segment/actions-core'
import {
  eachAlone,
  refusalMemory,
  writeInBulk,
  type BulkWrite,
  type WhyAlone
} from '../../src/destinations/zendesk/batch/bulk-writes'
import type { Settled } from '../../src/destinations/zendesk/batch/results'
import type { JobItemOutcome } from '../../src/destinations/zendesk/client/jobs'
import { TtlCache } from '../../src/destinations/zendesk/client/ttl-cache'

/** A bulk write of numbers that records what went where: each job's items, and each call of `alone`. */
function recorded(
  answer: (items: number[]) => JobItemOutcome[] | Promise<JobItemOutcome[]> = (items) =>
    items.map((n) => ({ ok: true, id: n * 10 }))
) {
  const jobs: number[][] = []
  const alone: { items: number[]; why: WhyAlone }[] = []
  const write: BulkWrite<number, string> = {
    job: async (items) => {
      jobs.push(items)
      return answer(items)
    },
    written: (n, { id }) => `job wrote ${n} as ${id}`,
    alone: async (items, why) => {
      alone.push({ items, why })
      return items.map((n) => ({ ok: true, value: `alone ${n}` }))
    }
  }
  return { write, jobs, alone }
}

const values = (outcomes: Settled<string>[]) => outcomes.map((o) => (o.ok ? o.value : (o.error as Error).message))
const refusedItem = (message: string): JobItemOutcome => ({ ok: false, error: new PayloadValidationError(message) })
const forbidden = () => new APIError('Zendesk denied access (403)', 403)

describe('writeInBulk', () => {
  it('writes fewer items than a job pays for alone, saying so, and asks for no job', async () => {
    const { write, jobs, alone } = recorded()
    expect(values(await writeInBulk([1, 2], write, { size: 100 }))).toEqual(['alone 1', 'alone 2'])
    expect(jobs).toEqual([])
    expect(alone).toEqual([{ items: [1, 2], why: 'too few for a job' }])
  })

  it('with fewestForAJob 1 even one item goes in a job; no items ask for nothing', async () => {
    const { write, jobs, alone } = recorded()
    expect(values(await writeInBulk([7], write, { size: 100, fewestForAJob: 1 }))).toEqual(['job wrote 7 as 70'])
    expect(await writeInBulk([], write, { size: 100, fewestForAJob: 1 })).toEqual([])
    expect(jobs).toEqual([[7]])
    expect(alone).toEqual([])
  })

  it('sends jobs of `size`, one after the other, and answers one outcome per item in order', async () => {
    const { write, jobs } = recorded()
    const outcomes = await writeInBulk([1, 2, 3, 4, 5], write, { size: 2 })
    expect(jobs).toEqual([[1, 2], [3, 4], [5]])
    expect(values(outcomes)).toEqual([1, 2, 3, 4, 5].map((n) => `job wrote ${n} as ${n * 10}`))
  })

  it('a refused submission is the error of each of its items; the other jobs still go', async () => {
    const failure = new Error('Zendesk server error (500)')
    const { write, jobs, alone } = recorded((items) => {
      if (items.includes(1)) throw failure
      return items.map((n) => ({ ok: true, id: n }))
    })
    const outcomes = await writeInBulk([1, 2, 3, 4], write, { size: 2 })
    expect(outcomes.slice(0, 2)).toEqual([
      { ok: false, error: failure },
      { ok: false, error: failure }
    ])
    expect(values(outcomes.slice(2))).toEqual(['job wrote 3 as 3', 'job wrote 4 as 4'])
    expect(jobs).toHaveLength(2)
    expect(alone).toEqual([])
  })

  it('a 403 is every item’s error when the write has no way without the job', async () => {
    const { write, alone } = recorded(() => {
      throw forbidden()
    })
    const outcomes = await writeInBulk([1, 2, 3], write, { size: 100 })
    expect(outcomes.map((o) => !o.ok && (o.error as APIError).status)).toEqual([403, 403, 403])
    expect(alone).toEqual([])
  })

  it('a 403 sends the part alone where the write allows it; any other failure still fails the part', async () => {
    const { write, alone } = recorded(() => {
      throw forbidden()
    })
    const outcomes = await writeInBulk([1, 2, 3], { ...write, withoutJob: {} }, { size: 100 })
    expect(values(outcomes)).toEqual(['alone 1', 'alone 2', 'alone 3'])
    expect(alone).toEqual([{ items: [1, 2, 3], why: 'no bulk endpoint' }])

    const { write: failing } = recorded(() => {
      throw new APIError('Zendesk has no such endpoint (404)', 404)
    })
    const notFound = await writeInBulk([1, 2, 3], { ...failing, withoutJob: {} }, { size: 100 })
    expect(notFound.every((o) => !o.ok)).toBe(true)
  })

  it('a remembered 403 sends later parts and later calls the other way at once, logging it once', async () => {
    const warnings: string[] = []
    const memory = refusalMemory(new TtlCache<string, true>(10, 60_000), 'https://acme.zendesk.com', 'no bulk', {
      warn: (line: string) => warnings.push(line)
    } as any)
    const { write, jobs } = recorded(() => {
      throw forbidden()
    })
    const instead = async (items: number[]) => items.map((n) => ({ ok: true as const, value: `instead ${n}` }))
    const withMemory = { ...write, withoutJob: { memory, instead } }
    expect(values(await writeInBulk([1, 2, 3, 4], withMemory, { size: 2 }))).toEqual([
      'instead 1',
      'instead 2',
      'instead 3',
      'instead 4'
    ])
    expect(values(await writeInBulk([5, 6, 7], withMemory, { size: 100 }))).toEqual([
      'instead 5',
      'instead 6',
      'instead 7'
    ])
    expect(jobs).toEqual([[1, 2]])
    expect(memory.refused()).toBe(true)
    expect(warnings).toEqual(['no bulk'])
  })

  it('a refused item is settled by its own error unless `refused` says otherwise', async () => {
    const { write, alone } = recorded((items) => items.map((n) => (n === 2 ? refusedItem('bad 2') : { ok: true })))
    expect(values(await writeInBulk([1, 2, 3], write, { size: 100 }))).toEqual([
      'job wrote 1 as undefined',
      'bad 2',
      'job wrote 3 as undefined'
    ])
    expect(alone).toEqual([])
  })

  it('refused items written alone go together, after the job, saying why', async () => {
    const { write, alone } = recorded((items) => items.map((n) => (n % 2 ? refusedItem(`bad ${n}`) : { ok: true })))
    const outcomes = await writeInBulk([1, 2, 3, 4], { ...write, refused: () => 'alone' }, { size: 100 })
    expect(values(outcomes)).toEqual(['alone 1', 'job wrote 2 as undefined', 'alone 3', 'job wrote 4 as undefined'])
    expect(alone).toEqual([{ items: [1, 3], why: 'refused by the job' }])
  })

  it('`refused` may settle an item as a success, or send it once more, changed: in a job when there are enough', async () => {
    const { write, jobs, alone } = recorded((items) =>
      items.map((n) => (n < 100 && n % 2 === 0 ? refusedItem(`odd ${n}`) : { ok: true, id: n }))
    )
    const again: BulkWrite<number, string> = {
      ...write,
      refused: (n) => (n === 2 ? { ok: true, value: 'already there' } : { again: n + 100 })
    }
    const outcomes = await writeInBulk([1, 2, 4, 6, 8, 9], again, { size: 100 })
    expect(jobs).toEqual([
      [1, 2, 4, 6, 8, 9],
      [104, 106, 108]
    ])
    expect(values(outcomes)).toEqual([
      'job wrote 1 as 1',
      'already there',
      'job wrote 104 as 104',
      'job wrote 106 as 106',
      'job wrote 108 as 108',
      'job wrote 9 as 9'
    ])
    expect(alone).toEqual([])
  })

  it('items sent once more are written alone when too few for a job', async () => {
    const { write, alone } = recorded((items) => items.map((n) => (n === 1 ? refusedItem('no name') : { ok: true })))
    const outcomes = await writeInBulk([1, 2, 3], { ...write, refused: (n) => ({ again: n + 100 }) }, { size: 100 })
    expect(values(outcomes)[0]).toBe('alone 101')
    expect(alone).toEqual([{ items: [101], why: 'too few for a job' }])
  })
})

describe('eachAlone', () => {
  it('writes each item once, at most `concurrency` at a time, one outcome per item in order', async () => {
    let running = 0
    let most = 0
    const outcomes = await eachAlone(
      [1, 2, 3, 4, 5],
      async (n) => {
        running += 1
        most = Math.max(most, running)
        await new Promise((resolve) => setImmediate(resolve))
        running -= 1
        if (n === 3) throw new Error('three failed')
        return n * 2
      },
      2
    )
    expect(most).toBe(2)
    expect(outcomes.map((o) => (o.ok ? o.value : (o.error as Error).message))).toEqual([2, 4, 'three failed', 8, 10])
  })
})
