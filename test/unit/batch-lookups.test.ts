import { APIError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { BatchLookups } from '../../src/destinations/zendesk/lookups/batch-lookups'
import { listsOf } from '../../src/destinations/zendesk/client/lists'

describe('listsOf', () => {
  it('makes lists of at most `listSize` values, each value once whatever its case', () => {
    const values = ['a', 'b', 'A', 'c', 'd', 'e']
    expect(listsOf(values, 2)).toEqual({ lists: [['a', 'b'], ['c', 'd'], ['e']], alone: [] })
  })

  it('keeps a list within 6000 encoded characters, and sets apart what cannot be listed', () => {
    const long = 'x'.repeat(2500)
    const huge = 'y'.repeat(7000)
    const { lists, alone } = listsOf([long, `${long}2`, `${long}3`, 'last, first', huge, 'ok'], 100)
    expect(lists).toEqual([
      [long, `${long}2`],
      [`${long}3`, 'ok']
    ])
    expect(alone).toEqual(['last, first', huge])
    for (const list of lists) expect(encodeURIComponent(list.join(',')).length).toBeLessThanOrEqual(6000)
  })
})

describe('BatchLookups', () => {
  const found = (values: string[]) => new Map(values.map((v) => [v.toLowerCase(), `found ${v}`]))

  it('looks lists up together and the values that cannot be listed alone, keyed by the value lowercased', async () => {
    const asked: string[][] = []
    const result = await new BatchLookups().listed(
      ['A', 'b', 'x,y'],
      100,
      async (list) => (asked.push(list), found(list)),
      async (value) => (asked.push([value]), `alone ${value}`)
    )
    expect(asked).toEqual([['A', 'b'], ['x,y']])
    expect([...result]).toEqual([
      ['a', { ok: true, value: 'found A' }],
      ['b', { ok: true, value: 'found b' }],
      ['x,y', { ok: true, value: 'alone x,y' }]
    ])
  })

  it('a list refused for what it holds (400) has each of its values looked up alone', async () => {
    const result = await new BatchLookups().listed(
      ['good', 'odd'],
      100,
      async () => {
        throw new PayloadValidationError('Zendesk rejected 2 users by external_id')
      },
      async (value) => {
        if (value === 'odd') throw new PayloadValidationError('Zendesk rejected odd')
        return `alone ${value}`
      }
    )
    expect(result.get('good')).toEqual({ ok: true, value: 'alone good' })
    expect(result.get('odd')).toMatchObject({ ok: false, error: expect.any(PayloadValidationError) })
  })

  it.each([
    ['a 500', new RetryableError('Zendesk answered 500')],
    ['a 403', new APIError('Forbidden', 403)]
  ])('%s on a list is the error of each of its values, without looking them up alone', async (_, error) => {
    const alone: string[] = []
    const result = await new BatchLookups().listed(
      ['a', 'b'],
      100,
      async () => {
        throw error
      },
      async (value) => (alone.push(value), value)
    )
    expect(alone).toEqual([])
    expect([...result.values()]).toEqual([
      { ok: false, error },
      { ok: false, error }
    ])
  })

  it('after a 429 nothing more is asked: the values still open get that error', async () => {
    const asked: string[] = []
    const limited = Object.assign(new RetryableError('Rate limited'), { status: 429 })
    const lookups = new BatchLookups()
    const values = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const result = await lookups.each(values, async (value) => {
      asked.push(value)
      throw limited
    })
    const later = await lookups.each(['later'], async (value) => value)
    // Five run at once; the three after them are not asked.
    expect(asked).toHaveLength(5)
    expect([...result.values(), ...later.values()].every((r) => !r.ok && r.error === limited)).toBe(true)
  })
})
