import { parseFql, type Condition } from '@segment/destination-subscriptions'

const OPERATORS: Record<string, string> = {
  '=': 'is',
  '!=': 'is not',
  '<': 'is less than',
  '<=': 'is at most',
  '>': 'is more than',
  '>=': 'is at least',
  number_equals: 'is',
  number_not_equals: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  not_starts_with: 'does not start with',
  ends_with: 'ends with',
  not_ends_with: 'does not end with',
  exists: 'exists',
  not_exists: 'does not exist',
  is_true: 'is true',
  is_false: 'is false'
}

/** Operators that take no value. */
const UNARY = ['exists', 'not_exists', 'is_true', 'is_false']

function subjectOf(condition: Exclude<Condition, { type: 'group' }>): string {
  switch (condition.type) {
    case 'event-type':
      return 'event type'
    case 'event':
      return 'event name'
    case 'name':
      return 'page or screen name'
    case 'userId':
      return 'user id'
    case 'event-property':
      return `property ${condition.name}`
    case 'event-trait':
      return `trait ${condition.name}`
    case 'event-context':
      return `context ${condition.name}`
  }
}

function conditionWords(condition: Condition, nested: boolean): string {
  if (condition.type === 'group') {
    const words = condition.children.map((child) => conditionWords(child, true)).join(` ${condition.operator} `)
    return nested && condition.children.length > 1 ? `(${words})` : words
  }
  const operator = OPERATORS[condition.operator] ?? condition.operator
  const value = UNARY.includes(condition.operator) ? '' : ` ${JSON.stringify(condition.value)}`
  // Event types read as words: "event type is identify".
  const shown = condition.type === 'event-type' && typeof condition.value === 'string' ? ` ${condition.value}` : value
  return `${subjectOf(condition)} ${operator}${shown}`
}

/**
 * A subscription's trigger in words, as Segment's mapping list shows it: `type = "track" and event = "Ticket Created"`
 * is `Event type is track and event name is "Ticket Created"`. Undefined when the FQL does not parse.
 */
export function triggerInWords(fql: string): string | undefined {
  const parsed = parseFql(fql)
  if ('error' in parsed) return undefined
  const words = conditionWords(parsed, false)
  return words.charAt(0).toUpperCase() + words.slice(1)
}
