import { SharedLookups } from '../../src/destinations/zendesk/client/shared-lookups'

/** A lookup whose answer the test releases, counting the keys each call asked for. */
function slowLookup() {
  const asked: string[][] = []
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const lookUp = async (keys: string[]) => {
    asked.push(keys)
    await released
    return new Map(keys.map((key) => [key, `answer for ${key}`]))
  }
  return { asked, lookUp, release }
}

describe('SharedLookups', () => {
  it('a key another caller is looking up is awaited, not asked again; the other keys are asked together', async () => {
    const shared = new SharedLookups<string>()
    const { asked, lookUp, release } = slowLookup()
    const first = shared.get(['a', 'b'], lookUp)
    const second = shared.get(['b', 'c', 'c'], lookUp)
    release()
    expect(await first).toEqual(
      new Map([
        ['a', 'answer for a'],
        ['b', 'answer for b']
      ])
    )
    expect(await second).toEqual(
      new Map([
        ['b', 'answer for b'],
        ['c', 'answer for c']
      ])
    )
    expect(asked).toEqual([['a', 'b'], ['c']])
  })

  it('an ended lookup is forgotten: the next caller asks afresh', async () => {
    const shared = new SharedLookups<string>()
    const { asked, lookUp, release } = slowLookup()
    release()
    await shared.get(['a'], lookUp)
    await shared.get(['a'], lookUp)
    expect(asked).toEqual([['a'], ['a']])
  })

  it('a failed lookup fails every caller waiting for it, and is forgotten', async () => {
    const shared = new SharedLookups<string>()
    let calls = 0
    const failing = async () => {
      calls++
      throw new Error('Zendesk is down')
    }
    const first = shared.get(['a'], failing)
    const second = shared.get(['a'], failing)
    await expect(first).rejects.toThrow('Zendesk is down')
    await expect(second).rejects.toThrow('Zendesk is down')
    expect(calls).toBe(1)
    await expect(shared.get(['a'], failing)).rejects.toThrow('Zendesk is down')
    expect(calls).toBe(2)
  })
})
