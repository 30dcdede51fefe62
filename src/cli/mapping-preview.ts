import {
  fieldsToJsonSchema,
  get,
  transform,
  validateSchema,
  type DestinationDefinition,
  type InputField,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import { parseFql, validate, type Condition, type Subscription } from '@segment/destination-subscriptions'
import { isEmpty } from './missing-fields'
import { triggerInWords } from './trigger-words'
import { isObject } from './objects'

/** The mapping key where a host keeps an action's sync mode (actions-core reads it there). */
export const SYNC_MODE_KEY = '__segment_internal_sync_mode'

/** One problem of one field of the mapped payload. */
export interface FieldProblem {
  field: string
  message: string
}

export interface FqlCheck {
  /** the trigger in words, e.g. `Event type is identify`, when it parses */
  words?: string
  /** the subscription does not parse: it can be neither saved nor run */
  error?: string
  /** it parses but probably does not do what was meant */
  warnings: string[]
}

/** What a subscription being edited does with one event, without sending anything. */
export interface SubscriptionPreview {
  fql: FqlCheck
  matches: boolean
  /** the event mapped to the action's fields; undefined when the mapping cannot be applied */
  payload?: unknown
  /** the mapping as a whole cannot be applied (not an object, a broken directive) */
  mappingProblem?: string
  /** the payload's problems, field by field; none for an event the subscription does not match (it never gets it) */
  fields: FieldProblem[]
}

/** Input quoted as it was typed: no JSON escaping of its quotes. */
const quoted = (text: string) => `«${text}»`

/** Where each kind of FQL condition looks in an event (`traits` conditions also look in context.traits). */
function conditionPaths(condition: Condition): string[] {
  switch (condition.type) {
    case 'event-property':
      return [`properties.${condition.name}`]
    case 'event-trait':
      return [`traits.${condition.name}`, `context.traits.${condition.name}`]
    case 'event-context':
      return [`context.${condition.name}`]
    case 'event':
      return ['event']
    case 'name':
      return ['name']
    case 'userId':
      return ['userId']
    default:
      return []
  }
}

function conditionsOf(condition: Condition): Condition[] {
  return condition.type === 'group' ? condition.children.flatMap(conditionsOf) : [condition]
}

/** Whether the subscription asks for this event's type (a path missing from another type of event says nothing). */
function meantFor(parsed: Condition, event: Record<string, unknown>): boolean {
  const types = conditionsOf(parsed).flatMap((condition) =>
    condition.type === 'event-type' && condition.operator === '=' ? [condition.value] : []
  )
  return types.length === 0 || types.includes(String(event.type))
}

/** `==` outside quoted text: actions-core reads the second `=` as the value. */
const usesDoubleEquals = (fql: string) => /==/.test(fql.replace(/"(?:[^"\\]|\\.)*"/g, '""'))

/**
 * Checks a subscription the way the host parses it (@segment/destination-subscriptions), and warns where it parses
 * but will not do what was meant: `==`, a trailing `and`/`or`, a path the test event does not have, matching none
 * of the shipped examples. Every message starts with the action's title.
 */
function checkFql(actionTitle: string, fql: string, event: unknown, examples: SegmentEvent[]): FqlCheck {
  if (fql.trim() === '')
    return { error: `${actionTitle}: the subscription is empty, so no event runs this action.`, warnings: [] }
  const parsed = parseFql(fql)
  if ('error' in parsed) {
    return {
      error: `${actionTitle}: ${quoted(fql)} is not valid FQL (${parsed.error.message}). Example: type = "identify"`,
      warnings: []
    }
  }
  const warnings: string[] = []
  if (usesDoubleEquals(fql)) {
    warnings.push(
      `${actionTitle}: ${quoted(fql)} uses ==, which FQL reads as = followed by the value "=", so it matches nothing. Write a single =, e.g. type = "identify".`
    )
  }
  if (/\b(and|or)\s*$/i.test(fql.trim())) {
    warnings.push(
      `${actionTitle}: ${quoted(fql)} ends with ${quoted(fql.trim().split(/\s+/).pop()!)}: a condition is missing.`
    )
  }
  if (isObject(event) && meantFor(parsed, event)) {
    for (const condition of conditionsOf(parsed)) {
      const paths = conditionPaths(condition)
      if (paths.length && paths.every((path) => get(event, path) === undefined)) {
        warnings.push(`${actionTitle}: the test event has no ${paths[0]}, which the subscription tests.`)
      }
    }
  }
  if (examples.length && !examples.some((example) => matchesSafely(parsed, example))) {
    warnings.push(`${actionTitle}: ${quoted(fql)} matches none of the ${examples.length} shipped example events.`)
  }
  return { words: triggerInWords(fql), warnings }
}

function matchesSafely(parsed: Subscription, event: SegmentEvent): boolean {
  try {
    return validate(parsed, event)
  } catch {
    return false
  }
}

/** The causes of actions-core's AggregateError (iterable, one error per problem), or the error itself. */
const causesOf = <T>(error: unknown): T[] =>
  typeof (error as Iterable<T>)?.[Symbol.iterator] === 'function' ? [...(error as Iterable<T>)] : [error as T]

/**
 * Required fields without a value, then what actions-core's own schema check says, each on its field. The schema is
 * compiled once per action (`schemaKey`): ajv keeps every schema it compiles.
 */
function fieldProblems(
  schemaKey: string,
  fields: Record<string, InputField>,
  payload: Record<string, unknown>
): FieldProblem[] {
  const problems: FieldProblem[] = Object.entries(fields)
    .filter(([key, field]) => field.required === true && isEmpty(payload[key]))
    .map(([key, field]) => ({ field: key, message: `${field.label} is required and is empty for this event.` }))
  try {
    validateSchema(structuredClone(payload), fieldsToJsonSchema(fields), { schemaKey, throwIfInvalid: true })
  } catch (error) {
    for (const cause of causesOf<{ pointer?: string; message?: string }>(error)) {
      const field = (cause.pointer ?? '').split('/')[1]
      // Missing required fields are reported above, in words.
      if (field && cause.message) problems.push({ field, message: cause.message })
    }
  }
  return problems
}

/** The preview of one edited subscription (`{ partnerAction, subscribe, mapping }`) for one event. */
export function previewSubscription(
  definition: DestinationDefinition<any>,
  subscription: Record<string, unknown>,
  event: unknown,
  examples: SegmentEvent[]
): SubscriptionPreview {
  const action = definition.actions[String(subscription.partnerAction)]
  if (!action) {
    const problem = `There is no action ${quoted(String(subscription.partnerAction))}.`
    return { fql: { error: problem, warnings: [] }, matches: false, mappingProblem: problem, fields: [] }
  }
  const fql = checkFql(action.title, String(subscription.subscribe ?? ''), event, examples)
  const parsed = fql.error ? undefined : parseFql(String(subscription.subscribe))
  const matches =
    parsed !== undefined &&
    !('error' in parsed) &&
    isObject(event) &&
    matchesSafely(parsed, event as unknown as SegmentEvent)
  const { mapping } = subscription
  if (!isObject(mapping)) {
    return { fql, matches, mappingProblem: `${action.title}: the mapping is not a JSON object.`, fields: [] }
  }
  const fieldMapping = Object.fromEntries(Object.entries(mapping).filter(([key]) => key !== SYNC_MODE_KEY))
  let payload: Record<string, unknown>
  try {
    payload = transform(fieldMapping as JSONObject, (isObject(event) ? event : {}) as JSONObject)
  } catch (error) {
    const messages = causesOf<Error>(error).map((cause) => cause.message)
    return { fql, matches, mappingProblem: `${action.title}: ${messages.join(' ')}`, fields: [] }
  }
  // An ajv key is a URI: no spaces.
  const schemaKey = `mapping-preview:${encodeURIComponent(definition.name)}:${String(subscription.partnerAction)}`
  return { fql, matches, payload, fields: matches ? fieldProblems(schemaKey, action.fields, payload) : [] }
}
