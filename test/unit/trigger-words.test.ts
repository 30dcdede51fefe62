import { triggerInWords } from '../../src/cli/trigger-words'

describe('a trigger in words, as the mapping list shows it', () => {
  test.each([
    ['type = "identify"', 'Event type is identify'],
    ['type = "track" and event = "Ticket Created"', 'Event type is track and event name is "Ticket Created"'],
    ['type = "identify" and traits.company.id != null', 'Event type is identify and trait company.id exists'],
    [
      'type = "track" and (event = "A" or event = "B")',
      'Event type is track and (event name is "A" or event name is "B")'
    ],
    ['properties.plan exists', 'Property plan exists'],
    ['traits.vip = true', 'Trait vip is true'],
    ['properties.seats > 3', 'Property seats is more than 3'],
    ['event starts_with "Ticket"', 'Event name starts with "Ticket"'],
    ['context.library.name = "analytics.js"', 'Context library.name is "analytics.js"'],
    ['userId = "12345"', 'User id is "12345"']
  ])('%s → %s', (fql, words) => {
    expect(triggerInWords(fql)).toBe(words)
  })

  test('an FQL that does not parse has no words', () => {
    expect(triggerInWords('type = "identify')).toBeUndefined()
  })
})
