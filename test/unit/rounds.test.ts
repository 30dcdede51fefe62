import { planRounds } from '../../src/destinations/zendesk/batch/rounds'

/** Events as `record:what`, planned with consecutive equal `what`s of one record written together. */
function plan(events: string[]): string[][][] {
  const [recordOf, whatOf] = [0, 1].map((part) => (index: number) => events[index].split(':')[part])
  const rounds = planRounds(events.keys(), recordOf, (first, next) => whatOf(first) === whatOf(next))
  return rounds.map((round) => round.map((group) => group.map((index) => `${index}=${events[index]}`)))
}

describe('planRounds', () => {
  it('puts each record once in a round: its n-th write in round n', () => {
    expect(plan(['a:1', 'b:1', 'a:2', 'a:3'])).toEqual([[['0=a:1'], ['1=b:1']], [['2=a:2']], [['3=a:3']]])
  })

  it('consecutive events of one record that go together are one write, the first event first', () => {
    expect(plan(['a:1', 'a:1', 'b:1', 'a:1', 'a:2', 'a:1'])).toEqual([
      [['0=a:1', '1=a:1', '3=a:1'], ['2=b:1']],
      [['4=a:2']],
      [['5=a:1']]
    ])
  })

  it('lists the groups of a round in batch order, whichever record came first', () => {
    expect(plan(['a:1', 'b:1', 'b:2', 'a:2'])).toEqual([
      [['0=a:1'], ['1=b:1']],
      [['2=b:2'], ['3=a:2']]
    ])
  })

  it('plans nothing for no events', () => {
    expect(planRounds([], String, () => true)).toEqual([])
  })
})
