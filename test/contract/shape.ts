/**
 * A small language for what an answer must look like, written in our own words from Zendesk's documented and
 * recorded answers. Only what is listed is checked: other keys may come and go.
 *
 * - a type name: 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'any', or several
 *   joined by '|' ('string|null')
 * - a RegExp: a string matching it
 * - a literal (string in quotes via `is()`, number, boolean): exactly that value
 * - an object: each listed key is present and matches; `$absent` lists keys that must not be there
 * - `list(shape, min?)`: an array whose every item matches
 * - an array of shapes: exactly that many items, each matching the shape at its position
 * - `oneOf(a, b, ...)`: matches at least one
 */
export type Shape =
  | string
  | RegExp
  | number
  | boolean
  | { readonly $absent?: readonly string[]; readonly [key: string]: unknown }
  | ListShape
  | OneOfShape
  | LiteralShape
  | readonly Shape[]

interface ListShape {
  readonly kind: 'list'
  readonly item: Shape
  readonly min: number
}
interface OneOfShape {
  readonly kind: 'oneOf'
  readonly options: readonly Shape[]
}
interface LiteralShape {
  readonly kind: 'literal'
  readonly value: string
}

export const list = (item: Shape, min = 0): ListShape => ({ kind: 'list', item, min })
export const oneOf = (...options: Shape[]): OneOfShape => ({ kind: 'oneOf', options })
/** exactly this string (a bare string is a type name) */
export const is = (value: string): LiteralShape => ({ kind: 'literal', value })

const TYPE_NAMES = new Set(['string', 'integer', 'number', 'boolean', 'null', 'object', 'array', 'any'])

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

function matchesType(value: unknown, name: string): boolean {
  switch (name) {
    case 'any':
      return value !== undefined
    case 'integer':
      return Number.isInteger(value)
    case 'object':
      return typeOf(value) === 'object'
    default:
      return typeOf(value) === name
  }
}

function isTuple(shape: Shape): shape is readonly Shape[] {
  return Array.isArray(shape)
}

function isSpecial(shape: object): shape is ListShape | OneOfShape | LiteralShape {
  return 'kind' in shape && ['list', 'oneOf', 'literal'].includes((shape as { kind: string }).kind)
}

/** What does not match, one line per problem ('' when it all matches). */
export function problems(value: unknown, shape: Shape, at = 'body'): string[] {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 80) ?? 'undefined'
  if (typeof shape === 'string') {
    const names = shape.split('|')
    for (const name of names) if (!TYPE_NAMES.has(name)) throw new Error(`Unknown type name "${name}" in a shape`)
    return names.some((name) => matchesType(value, name)) ? [] : [`${at}: expected ${shape}, got ${show(value)}`]
  }
  if (typeof shape === 'number' || typeof shape === 'boolean') {
    return value === shape ? [] : [`${at}: expected ${shape}, got ${show(value)}`]
  }
  if (shape instanceof RegExp) {
    return typeof value === 'string' && shape.test(value) ? [] : [`${at}: expected ${shape}, got ${show(value)}`]
  }
  if (isTuple(shape)) {
    if (!Array.isArray(value)) return [`${at}: expected a list, got ${show(value)}`]
    if (value.length !== shape.length) return [`${at}: expected ${shape.length} items, got ${value.length}`]
    return shape.flatMap((inner, i) => problems(value[i], inner, `${at}[${i}]`))
  }
  if (isSpecial(shape)) {
    switch (shape.kind) {
      case 'literal':
        return value === shape.value ? [] : [`${at}: expected "${shape.value}", got ${show(value)}`]
      case 'oneOf': {
        const tried = shape.options.map((option) => problems(value, option, at))
        return tried.some((p) => p.length === 0)
          ? []
          : [`${at}: matches none of ${shape.options.length} shapes (${tried.map((p) => p[0]).join(' / ')})`]
      }
      case 'list': {
        if (!Array.isArray(value)) return [`${at}: expected a list, got ${show(value)}`]
        const short =
          value.length < shape.min ? [`${at}: expected at least ${shape.min} items, got ${value.length}`] : []
        return [...short, ...value.flatMap((item, i) => problems(item, shape.item, `${at}[${i}]`))]
      }
    }
  }
  if (typeOf(value) !== 'object') return [`${at}: expected an object, got ${show(value)}`]
  const record = value as Record<string, unknown>
  const found: string[] = []
  for (const [key, inner] of Object.entries(shape)) {
    if (key === '$absent') continue
    if (!(key in record)) found.push(`${at}.${key}: missing`)
    else found.push(...problems(record[key], inner as Shape, `${at}.${key}`))
  }
  for (const key of shape.$absent ?? []) if (key in record) found.push(`${at}.${key}: should be absent`)
  return found
}
