import type { InputField, SegmentEvent } from '@segment/actions-core'
import { eventPathsIn, missingFieldsHint } from '../../src/cli/missing-fields'

const fields: Record<string, InputField> = {
  external_id: { label: 'External ID', description: 'the key', type: 'string', required: true },
  email: { label: 'Email', description: 'an email', type: 'string', required: true },
  name: { label: 'Name', description: 'a name', type: 'string', required: true },
  notes: { label: 'Notes', description: 'optional', type: 'string' }
}

describe('the event paths a mapping reads', () => {
  test('@path, nested directives and @template placeholders, once each', () => {
    expect(eventPathsIn({ '@path': '$.groupId' })).toEqual(['groupId'])
    expect(
      eventPathsIn({
        '@if': {
          exists: { '@path': '$.traits.email' },
          then: { '@path': '$.traits.email' },
          else: { '@path': '$.properties.email' }
        }
      })
    ).toEqual(['traits.email', 'properties.email'])
    expect(eventPathsIn({ '@template': '{{traits.first_name}} {{ traits.last_name }}' })).toEqual([
      'traits.first_name',
      'traits.last_name'
    ])
    expect(eventPathsIn('fixed value')).toEqual([])
  })
})

describe('what an event lacks for a required field', () => {
  const event = { type: 'group', userId: 'u1', traits: {} } as unknown as SegmentEvent

  test('names each empty required field with the event paths to send', () => {
    const hint = missingFieldsHint(
      fields,
      {
        external_id: { '@path': '$.groupId' },
        email: {
          '@if': {
            exists: { '@path': '$.traits.email' },
            then: { '@path': '$.traits.email' },
            else: { '@path': '$.properties.email' }
          }
        },
        name: 'Springfield',
        notes: { '@path': '$.traits.notes' }
      },
      event
    )
    expect(hint).toBe(
      "External ID (external_id) comes from the event's groupId: send groupId. Email (email) comes from the event's traits.email or properties.email: send one of traits.email, properties.email."
    )
  })

  test('a required field the mapping gives no event path says to map one', () => {
    expect(missingFieldsHint(fields, { external_id: 'x', email: 'e', name: '' }, event)).toBe(
      'Name (name) is not taken from the event: map it to an event path.'
    )
  })

  test('nothing when every required field has a value', () => {
    expect(missingFieldsHint(fields, { external_id: 'x', email: 'e', name: 'n' }, event)).toBeUndefined()
  })
})
