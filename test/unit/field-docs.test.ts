import type { InputField } from '@segment/actions-core'
import definition from '../../src'

interface DocumentedField {
  label?: string
  description?: string
  default?: unknown
}

const settingsFields = Object.entries(definition.authentication!.fields).map(
  ([key, field]) => [`settings.${key}`, field] as [string, DocumentedField]
)
const actionFields = Object.entries(definition.actions).flatMap(([actionKey, action]) =>
  Object.entries(action.fields as Record<string, InputField>).map(
    ([key, field]) => [`${actionKey}.${key}`, field] as [string, DocumentedField]
  )
)

const blank = (text: string | undefined) => !text?.trim()

/** What a person reading the mapping UI would miss about this field. */
function gaps(field: DocumentedField): string[] {
  const found: string[] = []
  if (blank(field.label)) found.push('no label')
  if (blank(field.description)) found.push('no description')
  else if (field.default !== undefined && !field.description!.includes('Default:')) {
    found.push('a default the description does not state ("Default: ...")')
  }
  return found
}

const undocumented = (fields: [string, DocumentedField][]) =>
  fields.filter(([, field]) => gaps(field).length > 0).map(([name, field]) => `${name}: ${gaps(field).join(', ')}`)

describe('what a mapping UI shows for each field', () => {
  it('covers the settings and every action', () => {
    expect(settingsFields.length).toBeGreaterThan(0)
    expect(new Set(actionFields.map(([name]) => name.split('.')[0]))).toEqual(new Set(Object.keys(definition.actions)))
  })

  it('every settings field has a label, a description and, with a default, says what it is', () => {
    expect(undocumented(settingsFields)).toEqual([])
  })

  it('every action field has a label, a description and, with a default, says where it comes from', () => {
    expect(undocumented(actionFields)).toEqual([])
  })

  it('notices a missing label, a blank description and an unstated default', () => {
    expect(gaps({ description: 'The email.' })).toEqual(['no label'])
    expect(gaps({ label: 'Email', description: '  ' })).toEqual(['no description'])
    expect(gaps({ label: 'Email', description: 'The email.', default: { '@path': '$.traits.email' } })).toEqual([
      'a default the description does not state ("Default: ...")'
    ])
    expect(gaps({ label: 'Email', description: 'The email. Default: traits.email.', default: {} })).toEqual([])
  })
})
