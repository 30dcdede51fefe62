import { TtlCache } from '../../src/destinations/zendesk/client/ttl-cache'

describe('TtlCache', () => {
  let clock = 0
  const now = () => clock

  beforeEach(() => {
    clock = 1_000_000
  })

  it('returns what was set until the entry reaches its maximum age', () => {
    const cache = new TtlCache<string, number>(10, 1000, now)
    cache.set('a', 1)
    expect(cache.get('a')).toBe(1)
    clock += 999
    expect(cache.get('a')).toBe(1)
    clock += 1
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('setting again replaces the value and restarts its age', () => {
    const cache = new TtlCache<string, number>(10, 1000, now)
    cache.set('a', 1)
    clock += 800
    cache.set('a', 2)
    clock += 800
    expect(cache.get('a')).toBe(2)
    expect(cache.size).toBe(1)
  })

  it('reading does not extend the age', () => {
    const cache = new TtlCache<string, number>(10, 1000, now)
    cache.set('a', 1)
    clock += 600
    expect(cache.get('a')).toBe(1)
    clock += 600
    expect(cache.get('a')).toBeUndefined()
  })

  it('evicts the least recently used entry beyond the maximum size', () => {
    const cache = new TtlCache<string, number>(2, 1000, now)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3)
    expect(cache.size).toBe(2)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
  })

  it('delete and clear remove entries', () => {
    const cache = new TtlCache<string, number>(10, 1000, now)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.delete('a')
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('b')).toBe(2)
    cache.clear()
    expect(cache.size).toBe(0)
  })

  it('keeps falsy values', () => {
    const cache = new TtlCache<string, number | string>(10, 1000, now)
    cache.set('zero', 0)
    cache.set('empty', '')
    expect(cache.get('zero')).toBe(0)
    expect(cache.get('empty')).toBe('')
  })

  it('by default reads Date.now on every call, so a mocked clock is honoured', () => {
    const spy = jest.spyOn(Date, 'now').mockReturnValue(5_000)
    try {
      const cache = new TtlCache<string, number>(10, 1000)
      cache.set('a', 1)
      spy.mockReturnValue(5_999)
      expect(cache.get('a')).toBe(1)
      spy.mockReturnValue(6_000)
      expect(cache.get('a')).toBeUndefined()
    } finally {
      spy.mockRestore()
    }
  })
})
