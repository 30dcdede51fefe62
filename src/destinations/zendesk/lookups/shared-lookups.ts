/**
 * Lookups under way in one destination instance, by key. A caller wanting a key that another caller is already
 * looking up waits for that answer instead of asking Zendesk again, so concurrent batches naming the same records
 * share one lookup. Keys must carry the account (not the credential, which rotates).
 */
export class SharedLookups<V> {
  private readonly underWay = new Map<string, Promise<V>>()

  /** One answer per key: those under way awaited, the others looked up together with one call of `lookUp`. */
  async get(keys: readonly string[], lookUp: (keys: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const distinct = [...new Set(keys)]
    const mine = distinct.filter((key) => !this.underWay.has(key))
    if (mine.length) {
      const looked = lookUp(mine)
      for (const key of mine) {
        const answer = looked.then((found) => found.get(key) as V)
        this.underWay.set(key, answer)
        const forget = () => {
          if (this.underWay.get(key) === answer) this.underWay.delete(key)
        }
        answer.then(forget, forget)
      }
    }
    // Taken before any await: a lookup that ends meanwhile is forgotten, but its answer is still ours.
    const answers = distinct.map((key) => [key, this.underWay.get(key)!] as const)
    return new Map(await Promise.all(answers.map(async ([key, answer]) => [key, await answer] as const)))
  }
}
