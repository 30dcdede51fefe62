import { compact, isPlainObject } from './dom.js'
import type { FieldModel } from './types.js'

/** The forms a mapped value can take in the field-by-field editor. */
export type Mode = 'none' | 'default' | 'path' | 'literal' | 'keys' | 'if' | 'template' | 'json'

const MODES: [Mode, string][] = [
  ['none', 'Not mapped'],
  ['default', 'Default'],
  ['path', 'Event path'],
  ['literal', 'Fixed value'],
  ['keys', 'Key by key'],
  ['if', 'Path if it exists, else…'],
  ['template', 'Template'],
  ['json', 'JSON (any directive)']
]

/** The forms the value of one key of an object field can take. */
export const KEY_MODES = MODES.filter(([key]) => ['path', 'literal', 'if', 'template', 'json'].includes(key))

/** A field as the editor edits it: an action's field, or one key of an object field. */
export type EditedField = Pick<FieldModel, 'key' | 'label' | 'type' | 'dynamic'> & Partial<FieldModel>

/** One path of the test event and its value there. */
export interface EventPath {
  path: string
  value: unknown
}

const sameJson = (a: unknown, b: unknown) => compact(a) === compact(b)

/** `{"@path": "$.traits.email"}` → `$.traits.email`. */
export const pathOf = (value: unknown): string | undefined => {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return undefined
  return typeof value['@path'] === 'string' ? value['@path'] : undefined
}

/** An object that is not a directive: each of its keys is a key of the mapped object. */
const isKeysObject = (value: unknown): value is Record<string, unknown> =>
  isPlainObject(value) && Object.keys(value).every((key) => !key.startsWith('@'))

/** An `@if` the builder edits: a path that must exist, the same path then, a value or a path else. */
function isBuilderIf(value: unknown): boolean {
  const condition = isPlainObject(value) && Object.keys(value).length === 1 ? value['@if'] : undefined
  return (
    isPlainObject(condition) &&
    typeof pathOf(condition.exists) === 'string' &&
    sameJson(condition.exists, condition.then) &&
    (condition.else === undefined || typeof pathOf(condition.else) === 'string' || !isPlainObject(condition.else))
  )
}

/** Which of the builder's forms a mapped value has. */
export function modeOf(field: EditedField, value: unknown): Mode {
  if (value === undefined) return 'none'
  if (field.default !== undefined && sameJson(value, field.default)) return 'default'
  if (pathOf(value) !== undefined) return 'path'
  if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value['@template'] === 'string') {
    return 'template'
  }
  if (isBuilderIf(value)) return 'if'
  if (field.type === 'object' && isKeysObject(value)) return 'keys'
  if (!isPlainObject(value) && !(Array.isArray(value) && value.some(isPlainObject))) return 'literal'
  return 'json'
}

/**
 * The form shown: the one picked stays while it has no value yet (a fixed value not typed), and when its value reads
 * as another form (JSON, or a path equal to the default).
 */
export function shownMode(picked: Mode | undefined, field: EditedField, value: unknown): Mode {
  const read = modeOf(field, value)
  return picked && (picked === 'json' || value === undefined || read === 'default') ? picked : read
}

/** The forms a field's value can take: key by key only for an object, a fixed value only for anything else. */
export function modesFor(field: EditedField, mode: Mode): [Mode, string][] {
  const offered: Partial<Record<Mode, boolean>> = {
    default: field.default !== undefined,
    keys: field.type === 'object',
    literal: field.type !== 'object'
  }
  return MODES.filter(([key]) => key === mode || (offered[key] ?? true))
}

/** A fixed value typed as text, turned into the field's type where it reads as one. */
export function literalFrom(field: EditedField, text: string): unknown {
  if (field.multiple) {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  }
  if ((field.type === 'integer' || field.type === 'number') && text.trim() !== '' && !Number.isNaN(Number(text))) {
    return Number(text)
  }
  if (field.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}

export const literalText = (value: unknown): string =>
  Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value)

/** An else value typed as text: `$.a.b` is that path, anything else a fixed value. */
export const elseFrom = (field: EditedField, text: string): unknown =>
  text.trim() === '' ? undefined : text.trim().startsWith('$.') ? { '@path': text.trim() } : literalFrom(field, text)

export const elseText = (value: unknown): string => pathOf(value) ?? literalText(value)

/**
 * A starting value when the person switches a field to another form. A fixed value starts empty: nothing is mapped
 * (and nothing can be the wrong type) until something is typed.
 */
export function startValue(mode: Mode, field: EditedField, current: unknown, paths: EventPath[]): unknown {
  const currentPath = pathOf(current) ?? paths.find((entry) => !isPlainObject(entry.value))?.path ?? '$.userId'
  switch (mode) {
    case 'default':
      return structuredClone(field.default)
    case 'path':
      return { '@path': currentPath }
    case 'literal':
      return field.type === 'boolean' ? true : undefined
    case 'if':
      return { '@if': { exists: { '@path': currentPath }, then: { '@path': currentPath }, else: '' } }
    case 'template':
      return { '@template': `{{${currentPath.replace(/^\$\./, '')}}}` }
    case 'keys':
      return isKeysObject(current) ? current : {}
    case 'json':
      return current ?? {}
    default:
      return undefined
  }
}

/** `$.traits` and `plan` → `$.traits.plan`; a key that is not a name is quoted: `$.properties["360000000021"]`. */
export const childPath = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${compact(key)}]`

/** Every path of the event with its value there: `$.traits.email` → "homer@…" (objects and lists too). */
export function eventPaths(event: unknown): EventPath[] {
  const paths: EventPath[] = []
  const walk = (value: unknown, path: string, depth: number) => {
    if (path !== '$') paths.push({ path, value })
    if (depth < 6 && isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, childPath(path, key), depth + 1)
    }
  }
  walk(event ?? {}, '$', 0)
  return paths
}

export function shortValue(value: unknown): string {
  const text = value === undefined ? 'not in this event' : compact(value)
  return text.length > 48 ? `${text.slice(0, 47)}…` : text
}

export const mappedText = (value: unknown): string =>
  value === undefined ? '→ nothing for this event' : `→ ${shortValue(value)}`

/** A field's default mapping in words: `$.traits.email`, `$.traits.first_name, else $.traits.firstName`. */
export function describeDefault(value: unknown): string {
  if (!isPlainObject(value)) return compact(value)
  const keys = Object.keys(value)
  if (keys.length === 1 && typeof value['@path'] === 'string') return value['@path']
  if (keys.length === 1 && typeof value['@template'] === 'string') return value['@template']
  const condition = keys.length === 1 ? value['@if'] : undefined
  if (!isPlainObject(condition)) return compact(value)
  const otherwise = condition.else === undefined ? 'nothing' : describeDefault(condition.else)
  if (condition.exists !== undefined && sameJson(condition.exists, condition.then)) {
    return `${describeDefault(condition.then)}, else ${otherwise}`
  }
  const test = condition.exists !== undefined ? 'exists' : 'is blank'
  const subject = describeDefault(condition.exists ?? condition.blank)
  return `if ${subject} ${test}: ${describeDefault(condition.then)}, else ${otherwise}`
}

/** e.g. `string list, required, choices from your Zendesk account` */
export function fieldKind(field: FieldModel): string {
  const notes = [field.multiple ? `${field.type} list` : field.type]
  if (field.required) notes.push('required')
  if (field.dynamic) notes.push(`${field.objectChoices?.keys ? 'keys' : 'choices'} from your Zendesk account`)
  return notes.join(', ')
}
