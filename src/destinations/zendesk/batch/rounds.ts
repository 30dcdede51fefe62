/**
 * Plans a batch's writes in rounds that hold each record at most once, so that a round can go to Zendesk at
 * once: a record's n-th write is in round n, and rounds run in order, so a record ends as if its events had been
 * sent one by one. Consecutive events of one record that `together` accepts (next to the first of them) are one
 * write, a group of event indexes. A round lists its groups in batch order.
 */
export function planRounds(
  indexes: Iterable<number>,
  recordOf: (index: number) => string,
  together: (first: number, next: number) => boolean
): number[][][] {
  const groupsOf = new Map<string, number[][]>()
  for (const index of indexes) {
    const groups = groupsOf.get(recordOf(index)) ?? []
    const last = groups[groups.length - 1]
    if (last && together(last[0], index)) last.push(index)
    else groups.push([index])
    groupsOf.set(recordOf(index), groups)
  }
  const rounds: number[][][] = []
  for (const groups of groupsOf.values()) groups.forEach((group, n) => (rounds[n] ??= []).push(group))
  return rounds.map((round) => round.sort((a, b) => a[0] - b[0]))
}
