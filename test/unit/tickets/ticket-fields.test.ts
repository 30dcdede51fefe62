import { PayloadValidationError } from '@segment/actions-core'
import {
  allowedValue,
  customFieldList,
  newestTicket,
  TICKET_PRIORITIES
} from '../../../src/destinations/zendesk/fields/ticket-fields'

describe('ticket field checks', () => {
  it('accepts an allowed value in any case and with spaces, lowercased', () => {
    expect(allowedValue(' Urgent ', 'priority', TICKET_PRIORITIES)).toBe('urgent')
    expect(allowedValue('', 'priority', TICKET_PRIORITIES)).toBeUndefined()
  })

  it.each(['0', '-3', '1.5', '12a', ''])('rejects the custom field id %j', (id) => {
    expect(() => customFieldList({ [id]: 'x' })).toThrow(PayloadValidationError)
  })

  it('turns custom fields into [{id, value}], keeping null (which clears a field) and arrays', () => {
    expect(customFieldList({ '27': null, ' 28 ': ['a', 'b'] })).toEqual([
      { id: 27, value: null },
      { id: 28, value: ['a', 'b'] }
    ])
    expect(customFieldList({})).toBeUndefined()
  })

  it('the newest ticket is the latest created_at, then the highest id; tickets without a date come last', () => {
    expect(newestTicket([{ id: 9 }, { id: 3, created_at: '2024-01-01T00:00:00Z' }]).id).toBe(3)
    expect(
      newestTicket([
        { id: 4, created_at: '2024-01-01T00:00:00Z' },
        { id: 5, created_at: '2024-01-01T00:00:00Z' }
      ]).id
    ).toBe(5)
    expect(newestTicket([{ id: 2 }, { id: 8 }]).id).toBe(8)
  })
})
