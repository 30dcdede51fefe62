import { readFile } from 'fs/promises'
import { defaultValues, type DestinationDefinition } from '@segment/actions-core'
import { parseFql } from '@segment/destination-subscriptions'

/** One enabled action, the way a host stores it: which events it takes and how their fields are mapped. */
export interface Subscription {
  /** a label for reports, e.g. the preset's name */
  name: string
  partnerAction: string
  subscribe: string
  mapping: Record<string, unknown>
}

export class MappingFileError extends Error {}

/** Every preset of the destination as a subscription: what a host that enabled them all would run. */
export function presetSubscriptions(definition: DestinationDefinition<any>): Subscription[] {
  return (definition.presets ?? []).flatMap((preset) =>
    'subscribe' in preset && 'partnerAction' in preset
      ? [
          {
            name: preset.name ?? definition.actions[preset.partnerAction].title,
            partnerAction: preset.partnerAction,
            subscribe: preset.subscribe,
            mapping: preset.mapping ?? {}
          }
        ]
      : []
  )
}

/**
 * Checks a mapping file's content: a JSON list of `{ partnerAction, subscribe, mapping }`.
 * A missing mapping means the action's field defaults; an unknown action or an FQL that does not parse is an error.
 */
export function parseSubscriptions(value: unknown, definition: DestinationDefinition<any>): Subscription[] {
  if (!Array.isArray(value)) {
    throw new MappingFileError('A mapping file is a JSON list of { "partnerAction", "subscribe", "mapping" } objects.')
  }
  const actionKeys = Object.keys(definition.actions)
  return value.map((entry, index) => {
    const where = `Subscription ${index + 1}`
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new MappingFileError(`${where} is not an object.`)
    }
    const { partnerAction, subscribe, mapping, name } = entry as Record<string, unknown>
    if (typeof partnerAction !== 'string' || !actionKeys.includes(partnerAction)) {
      throw new MappingFileError(
        `${where}: partnerAction must be one of ${actionKeys.join(', ')} (got ${JSON.stringify(partnerAction)}).`
      )
    }
    if (typeof subscribe !== 'string' || subscribe.trim() === '' || 'error' in parseFql(subscribe)) {
      throw new MappingFileError(
        `${where}: subscribe must be a valid subscription such as type = "identify" (got ${JSON.stringify(subscribe)}).`
      )
    }
    if (mapping !== undefined && (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping))) {
      throw new MappingFileError(`${where}: mapping must be an object of field → value or directive.`)
    }
    const action = definition.actions[partnerAction]
    return {
      name: typeof name === 'string' && name.trim() ? name : action.title,
      partnerAction,
      subscribe,
      mapping: (mapping as Record<string, unknown> | undefined) ?? defaultValues(action.fields)
    }
  })
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
