import { randomUUID } from 'crypto'
import { readFile, rename, unlink, writeFile } from 'fs/promises'
import { defaultValues, transform, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import { parseFql } from '@segment/destination-subscriptions'
import { SYNC_MODE_KEY } from './mapping-preview'
import { isObject } from './objects'

/** One action as a host runs it: which events it takes, whether it is on, and how their fields are mapped. */
export interface Subscription {
  /** a label for reports, e.g. the preset's name */
  name: string
  partnerAction: string
  subscribe: string
  /** Segment's on/off switch: an off subscription receives no event (a file without it means on) */
  enabled: boolean
  mapping: Record<string, unknown>
}

export class MappingFileError extends Error {
  /** every problem found, when a check reports more than one */
  readonly problems: string[]

  constructor(message: string, problems?: string[]) {
    super(message)
    this.problems = problems ?? [message]
  }
}

/** Every preset of the destination as a subscription: what a host that enabled them all would run. */
export function presetSubscriptions(definition: DestinationDefinition<any>): Subscription[] {
  return (definition.presets ?? []).flatMap((preset) =>
    'subscribe' in preset && 'partnerAction' in preset
      ? [
          {
            name: preset.name ?? definition.actions[preset.partnerAction].title,
            partnerAction: preset.partnerAction,
            subscribe: preset.subscribe,
            enabled: true,
            mapping: preset.mapping ?? {}
          }
        ]
      : []
  )
}

const LIST_SHAPE =
  'A mapping file is a JSON list of { "name", "partnerAction", "subscribe", "enabled", "mapping" } objects.'

/** One entry of a mapping file; a missing mapping means the action's field defaults. */
function parseSubscription(entry: unknown, index: number, definition: DestinationDefinition<any>): Subscription {
  const where = `Subscription ${index + 1}`
  if (!isObject(entry)) throw new MappingFileError(`${where} is not an object.`)
  const { partnerAction, subscribe, mapping, name, enabled } = entry
  const actionKeys = Object.keys(definition.actions)
  if (typeof partnerAction !== 'string' || !actionKeys.includes(partnerAction)) {
    throw new MappingFileError(
      `${where}: partnerAction must be one of ${actionKeys.join(', ')} (got ${JSON.stringify(partnerAction)}).`
    )
  }
  const action = definition.actions[partnerAction]
  const named = `${action.title} (subscription ${index + 1})`
  if (typeof subscribe !== 'string' || subscribe.trim() === '' || 'error' in parseFql(subscribe)) {
    const got = typeof subscribe === 'string' ? `«${subscribe}»` : JSON.stringify(subscribe)
    throw new MappingFileError(
      `${named}: subscribe must be a valid subscription such as type = "identify" (got ${got}).`
    )
  }
  if (mapping !== undefined && !isObject(mapping)) {
    throw new MappingFileError(`${named}: mapping must be an object of field → value or directive.`)
  }
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new MappingFileError(`${named}: enabled must be true or false (got ${JSON.stringify(enabled)}).`)
  }
  return {
    name: typeof name === 'string' && name.trim() ? name : action.title,
    partnerAction,
    subscribe,
    enabled: enabled ?? true,
    mapping: mapping ?? defaultValues(action.fields)
  }
}

/**
 * Checks a mapping file's content: a JSON list of `{ name, partnerAction, subscribe, enabled, mapping }`.
 * A missing mapping means the action's field defaults, a missing `enabled` means on; an unknown action or an FQL
 * that does not parse is an error.
 */
export function parseSubscriptions(value: unknown, definition: DestinationDefinition<any>): Subscription[] {
  if (!Array.isArray(value)) throw new MappingFileError(LIST_SHAPE)
  return value.map((entry, index) => parseSubscription(entry, index, definition))
}

/** What actions-core says about a mapping's directives (it checks them before mapping any event). */
function directiveProblems(mapping: Record<string, unknown>): string[] {
  try {
    transform(mapping as JSONObject, {})
    return []
  } catch (error) {
    // A failed check is an AggregateError (the aggregate-error package): iterable, one ValidationError per problem.
    const causes =
      typeof (error as Iterable<unknown>)?.[Symbol.iterator] === 'function'
        ? [...(error as Iterable<unknown>)]
        : [error]
    return causes.map((cause) => (cause instanceof Error ? cause.message : String(cause)))
  }
}

const withoutSyncMode = (mapping: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(mapping).filter(([key]) => key !== SYNC_MODE_KEY))

/** The stricter check of mappings edited by hand before they are saved: every problem of every entry at once. */
function problemsOf(entry: unknown, index: number, definition: DestinationDefinition<any>): string[] {
  let subscription: Subscription
  try {
    subscription = parseSubscription(entry, index, definition)
  } catch (error) {
    return [(error as Error).message]
  }
  const action = definition.actions[subscription.partnerAction]
  const where = `${action.title} (subscription ${index + 1})`
  if (!isObject(entry) || entry.mapping === undefined) {
    return [`${where}: mapping is missing: give an object of field → value or directive ({} maps nothing).`]
  }
  const fieldKeys = Object.keys(action.fields)
  // actions-core reads an action's sync mode only from this mapping key.
  const syncModes = action.syncMode?.choices.map((choice) => choice.value as string)
  const unknown = Object.keys(subscription.mapping).filter(
    (key) => !fieldKeys.includes(key) && !(key === SYNC_MODE_KEY && syncModes)
  )
  const mode = subscription.mapping[SYNC_MODE_KEY]
  const badMode =
    syncModes && mode !== undefined && !syncModes.includes(mode as string)
      ? [`${where}: mapping has ${SYNC_MODE_KEY} ${JSON.stringify(mode)}; it must be one of ${syncModes.join(', ')}.`]
      : []
  return [
    ...badMode,
    ...unknown.map(
      (key) => `${where}: mapping has "${key}", which is not a field of ${action.title} (${fieldKeys.join(', ')}).`
    ),
    ...directiveProblems(withoutSyncMode(subscription.mapping)).map((problem) => `${where}: mapping ${problem}`)
  ]
}

function throwProblems(problems: string[]): void {
  if (problems.length === 0) return
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`
  throw new MappingFileError(`The mappings have ${count}: ${problems.join(' ')}`, problems)
}

/**
 * Checks edited subscriptions the way a save does (mapping required, only the action's fields, valid directives)
 * and throws one MappingFileError listing every problem.
 */
export function checkEditedSubscriptions(value: unknown, definition: DestinationDefinition<any>): Subscription[] {
  if (!Array.isArray(value)) throw new MappingFileError(LIST_SHAPE)
  throwProblems(value.flatMap((entry, index) => problemsOf(entry, index, definition)))
  return parseSubscriptions(value, definition)
}

/** One edited subscription checked as a save checks it; `position` (from 1) is where it is named in problems. */
export function checkEditedSubscription(
  entry: unknown,
  position: number,
  definition: DestinationDefinition<any>
): Subscription {
  throwProblems(problemsOf(entry, position - 1, definition))
  return parseSubscription(entry, position - 1, definition)
}

/** A subscription as its mapping file keeps it: these keys, in this order. */
export const fileEntry = ({ name, partnerAction, subscribe, enabled, mapping }: Subscription): Subscription => ({
  name,
  partnerAction,
  subscribe,
  enabled,
  mapping
})

/** Writes subscriptions as a mapping file that `--mapping` reads, replaced in one step so no reader sees half of it. */
export async function writeMappingFile(path: string, subscriptions: Subscription[]): Promise<void> {
  const content = subscriptions.map(fileEntry)
  const temporary = `${path}.${randomUUID()}.tmp`
  try {
    await writeFile(temporary, JSON.stringify(content, null, 2) + '\n', 'utf8')
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw new Error(`Cannot write the mapping file ${path}: ${(error as Error).message}`)
  }
}

export async function readMappingFile(path: string, definition: DestinationDefinition<any>): Promise<Subscription[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new MappingFileError(`Cannot read the mapping file ${path}: ${(error as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new MappingFileError(`The mapping file ${path} is not valid JSON: ${(error as Error).message}`)
  }
  try {
    return parseSubscriptions(value, definition)
  } catch (error) {
    throw new MappingFileError(`${path}: ${(error as Error).message}`)
  }
}
