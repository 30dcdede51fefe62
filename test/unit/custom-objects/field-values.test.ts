import { PayloadValidationError } from '@segment/actions-core'
import { checkedValue } from '../../../src/destinations/zendesk/upsertCustomObjectRecord/field-values'
import { field } from './helpers'

const options = {
  custom_field_options: [
    { name: 'Paid', value: 'paid' },
    { name: 'Shipped', value: 'shipped' }
  ]
}

describe("a value checked against its custom object field's type", () => {
  it.each([
    ['text', {}, 'hello', 'hello'],
    ['text', {}, 42, '42'],
    ['textarea', {}, true, 'true'],
    ['regexp', { regexp_for_validation: '^ORD-\\d+$' }, 'ORD-7', 'ORD-7'],
    ['regexp', { regexp_for_validation: '(?<=x' }, 'anything', 'anything'],
    ['checkbox', {}, false, false],
    ['checkbox', {}, ' TRUE ', true],
    ['integer', {}, 7, 7],
    ['integer', {}, '-12', -12],
    ['decimal', {}, '12.50', 12.5],
    ['decimal', {}, 0.1, 0.1],
    ['date', {}, '2026-03-01', '2026-03-01'],
    ['date', {}, '2026-03-01T23:30:00Z', '2026-03-01'],
    ['dropdown', options, 'paid', 'paid'],
    ['dropdown', options, 'shipped', 'shipped'],
    ['dropdown', options, 'PAID', 'paid'],
    ['multiselect', options, ['Paid', 'shipped'], ['paid', 'shipped']],
    ['multiselect', options, 'paid', ['paid']],
    ['lookup', { relationship_target_type: 'zen:ticket' }, '123', 123],
    ['lookup', { relationship_target_type: 'zen:custom_object:car' }, '01ABC', '01ABC'],
    ['partcolor', {}, { any: 'thing' }, { any: 'thing' }]
  ])('%s %j: %j is sent as %j', (type, more, value, sent) => {
    expect(checkedValue(field('f', type, more), value)).toEqual({ value: sent })
  })

  it.each(['text', 'checkbox', 'integer', 'dropdown', 'lookup'])('%s: null clears the field', (type) => {
    expect(checkedValue(field('f', type), null)).toEqual({ value: null })
  })

  it.each([
    ['zen:user', 'u1', 'user'],
    ['zen:user', 'ada@example.com', 'user'],
    ['zen:organization', 'acme', 'organization'],
    ['zen:organization', 42, 'organization']
  ])('a lookup to %s names whom to find: %j', (target, value, lookup) => {
    expect(checkedValue(field('f', 'lookup', { relationship_target_type: target }), value)).toEqual({
      lookup,
      reference: String(value)
    })
  })

  it.each([
    ['text', {}, { a: 1 }, 'must be text, got {"a":1}'],
    ['regexp', { regexp_for_validation: '^ORD-\\d+$' }, 'X-1', 'must be text matching ^ORD-\\d+$, got "X-1"'],
    ['checkbox', {}, 'yes', 'must be true or false, got "yes"'],
    ['integer', {}, 1.5, 'must be a whole number, got 1.5'],
    ['integer', {}, '1e3', 'must be a whole number, got "1e3"'],
    ['integer', {}, 2 ** 60, 'must be a whole number'],
    ['decimal', {}, 'twelve', 'must be a number, got "twelve"'],
    ['decimal', {}, Number.NaN, 'must be a number'],
    ['decimal', {}, true, 'must be a number, got true'],
    ['date', {}, 'someday', 'must be a date (YYYY-MM-DD), got "someday"'],
    ['date', {}, 20260301, 'must be a date (YYYY-MM-DD), got 20260301'],
    ['dropdown', options, 'lost', 'must be one of its options: paid, shipped, got "lost"'],
    ['dropdown', {}, 'x', 'must be an option, got "x"'],
    ['multiselect', options, ['paid', 'lost'], 'must be one of its options: paid, shipped, got "lost"'],
    ['lookup', { relationship_target_type: 'zen:user' }, '  ', 'must be the external id or email of a user, got "  "'],
    ['lookup', { relationship_target_type: 'zen:organization' }, {}, 'must be the external id of an organization'],
    ['lookup', { relationship_target_type: 'zen:ticket' }, 'T-1', 'must be a ticket id, got "T-1"']
  ])('%s %j refuses %j: %s', (type, more, value, message) => {
    const check = () => checkedValue(field('amount', type, more), value)
    expect(check).toThrow(PayloadValidationError)
    expect(check).toThrow(`custom_object_fields.amount (${type}) ${message}`)
  })

  it('names at most ten options of a long drop-down', () => {
    const many = { custom_field_options: Array.from({ length: 12 }, (_, n) => ({ name: `O${n}`, value: `o${n}` })) }
    expect(() => checkedValue(field('f', 'dropdown', many), 'x')).toThrow(/o0, o1, .*o9, … \(12 in all\), got "x"$/)
  })
})
