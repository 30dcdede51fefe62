import { choicesState, knownChoices, loadChoices } from './choices.js'
import { compact, isPlainObject } from './dom.js'
import { literalText, modeOf } from './field-values.js'
import type { Draft, PageState } from './state.js'
import type { FieldModel } from './types.js'

/** A fixed value of a field with the account's choices that is not one of them (when all of them are loaded). */
function choiceProblem(state: PageState, draft: Draft, field: FieldModel): string[] {
  const loaded = knownChoices(state, draft.partnerAction, field.key)
  const value = draft.mapping[field.key]
  if (!field.dynamic || !loaded?.loaded || loaded.nextPage || loaded.error || modeOf(field, value) !== 'literal')
    return []
  if (value === '' || loaded.choices.some((choice) => String(choice.value) === String(value))) return []
  return [`${field.label}: ${literalText(value)} is not one of the account’s ${loaded.choices.length} choices.`]
}

/** `companyRole`, `company_role` and `Company role` name the same field: the action matches keys that way. */
const looseKey = (key: string) => key.replace(/[\s_-]/g, '').toLowerCase()

/** Actions that create a field the account does not have yet: a new key is no problem for them. */
const CREATES_MISSING_KEYS = new Set(['upsertOrganization:organization_fields'])

/** Keys of an object field edited key by key that the account does not have (when all its keys are loaded). */
function unknownKeyProblems(state: PageState, draft: Draft, field: FieldModel): string[] {
  if (CREATES_MISSING_KEYS.has(`${draft.partnerAction}:${field.key}`)) return []
  const value = draft.mapping[field.key]
  const loaded = knownChoices(state, draft.partnerAction, `${field.key}.__keys__`)
  if (!isPlainObject(value) || modeOf(field, value) !== 'keys' || !loaded?.loaded || loaded.nextPage || loaded.error) {
    return []
  }
  const known = new Set(loaded.choices.map((choice) => looseKey(String(choice.value))))
  return Object.keys(value)
    .filter((key) => !known.has(looseKey(key)))
    .map((key) => `${field.label}: ${key} is not one of the account’s ${loaded.choices.length} keys.`)
}

/**
 * Mapped values of an object field with account choices (custom_fields) that are not among that key's options. A
 * key's options are loaded the first time, then `loaded` draws the problems again.
 */
function keyValueProblems(
  state: PageState,
  draft: Draft,
  field: FieldModel,
  mapped: unknown,
  loaded: () => void
): string[] {
  if (!field.objectChoices?.values || !isPlainObject(mapped)) return []
  return Object.entries(mapped).flatMap(([key, value]) => {
    const dynamicKey = `${field.key}.${key}`
    const options = choicesState(state, draft.partnerAction, dynamicKey)
    if (!options.loaded && !options.loading)
      loadChoices(state, draft.partnerAction, dynamicKey).then(loaded).catch(state.reportFailure)
    if (!options.loaded || options.error || options.choices.length === 0) return []
    const values = options.choices.map((choice) => String(choice.value))
    const outside = (Array.isArray(value) ? value : [value]).filter((item) => !values.includes(String(item)))
    return outside.map(
      (item) => `${field.label}: ${compact(item)} is not an option of ${key} (options: ${values.join(', ')}).`
    )
  })
}

/** Whether a field's problems show: once the person has left it, or tried to save. */
export const problemsShown = (draft: Draft, field: FieldModel): boolean =>
  draft.saveTried || draft.touched.has(field.key)

/**
 * A field's problems with the test event: what the host says of the mapped payload (nothing when the mapping does
 * not match the event: it never gets it), then what the account's choices say of the mapping.
 */
export function fieldProblems(state: PageState, draft: Draft, field: FieldModel, loaded: () => void): string[] {
  const preview = draft.preview
  const mapped = isPlainObject(preview?.payload) ? preview.payload[field.key] : undefined
  return [
    ...(preview?.fields ?? []).filter((problem) => problem.field === field.key).map((problem) => problem.message),
    ...choiceProblem(state, draft, field),
    ...unknownKeyProblems(state, draft, field),
    ...keyValueProblems(state, draft, field, mapped, loaded)
  ]
}
