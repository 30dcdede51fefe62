import type { Mode } from './field-values.js'
import type { Place } from './places.js'
import type {
  ActionModel,
  Choice,
  Example,
  ListedSubscription,
  PageModel,
  RecordChange,
  SegmentEventJson,
  Subscription,
  SubscriptionPreview,
  TestAnswer
} from './types.js'

/** The account's choices loaded so far for a field (`group_id`) or a part of an object field (`user_fields.__keys__`). */
export interface ChoicesState {
  choices: Choice[]
  loaded: boolean
  nextPage?: string
  error?: string
  /** a load under way, shared rather than repeated */
  loading?: Promise<void>
  /** the search typed, kept while the field is drawn again */
  search?: string
}

/** The open mapping, edited step by step; kept while the person moves between its steps and the list. */
export interface Draft {
  /** where it is in the mapping file (from 1); undefined until a new mapping is saved */
  position?: number
  /** the mapping as saved, to tell edits and to show the host what is being changed */
  saved?: ListedSubscription
  name: string
  partnerAction: string
  subscribe: string
  enabled: boolean
  mapping: Record<string, unknown>
  /** the mapping as JSON, one field a line: what Advanced edits */
  mappingText: string
  advanced: boolean
  /** field → the form picked for its value */
  modes: Record<string, Mode>
  /** the fields the person has left: their problems show */
  touched: Set<string>
  /** Save was tried: every problem shows */
  saveTried: boolean
  /** the test event as JSON, as picked or typed */
  eventText: string
  /** where the test event came from, e.g. `7. track "Ticket Created" userId=12345` */
  eventLabel: string
  /** what the host says the mapping does with the test event (nothing sent) */
  preview?: SubscriptionPreview
  /** the label of the test event the preview is for */
  previewLabel?: string
  /** the last Test this mapping */
  tested?: TestAnswer
}

/** Everything the page knows; created once at start and handed to each view (no module-level state). */
export interface PageState {
  model: PageModel
  examples: Example[]
  choices: Map<string, ChoicesState>
  /** collection → the page of its records shown */
  recordPages: Record<string, number>
  /** the records the last send or test created or changed */
  lastChanges: RecordChange[]
  draft?: Draft
  /** the view's element: each view draws itself in it */
  view: HTMLElement
  /** moves to a place (a new history entry) and draws it */
  go(place: Place): void
  /** draws the place the URL names */
  render(): void
  reportFailure(error: unknown): void
}

export const actionOf = (state: PageState, key: string): ActionModel => {
  const action = state.model.actions.find((candidate) => candidate.key === key)
  if (!action) throw new Error(`There is no action ${key}.`)
  return action
}

/** A mapping with one field per line, each value on its line as compact JSON: short and easy to edit. */
export function mappingText(mapping: Record<string, unknown>): string {
  const entries = Object.entries(mapping)
  if (entries.length === 0) return '{}'
  return `{\n${entries.map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n')}\n}`
}

function draftFrom(subscription: Subscription, saved?: ListedSubscription): Draft {
  return {
    position: saved?.position,
    saved,
    name: subscription.name,
    partnerAction: subscription.partnerAction,
    subscribe: subscription.subscribe,
    enabled: subscription.enabled,
    mapping: structuredClone(subscription.mapping),
    mappingText: mappingText(subscription.mapping),
    advanced: false,
    modes: {},
    touched: new Set(),
    saveTried: false,
    eventText: '',
    eventLabel: ''
  }
}

export const draftOfSaved = (saved: ListedSubscription): Draft => draftFrom(saved, saved)

/** A new mapping of an action: its preset, or its suggested subscription (default trigger, field defaults). */
export function newDraft(action: ActionModel): Draft {
  return draftFrom(action.preset ?? { ...action.suggested, enabled: true })
}

/** The mapping JSON as typed in Advanced, or undefined while it does not parse. */
export function parsedMapping(draft: Draft): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(draft.mappingText)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The draft as the host takes it; a mapping that is not JSON is sent as text so the host names the problem. */
export function editedSubscription(draft: Draft): Subscription {
  return {
    name: draft.name,
    partnerAction: draft.partnerAction,
    subscribe: draft.subscribe,
    enabled: draft.enabled,
    mapping: parsedMapping(draft) ?? (draft.mappingText as unknown as Record<string, unknown>)
  }
}

const fileFields = ({ name, partnerAction, subscribe, enabled, mapping }: Subscription) =>
  JSON.stringify({ name, partnerAction, subscribe, enabled, mapping })

export const hasEdits = (draft: Draft): boolean =>
  !draft.saved || fileFields(editedSubscription(draft)) !== fileFields(draft.saved)

/** The test event, or undefined while its JSON does not parse. */
export function testEventOf(draft: Draft): SegmentEventJson | undefined {
  try {
    const event: unknown = JSON.parse(draft.eventText)
    return event !== null && typeof event === 'object' && !Array.isArray(event)
      ? (event as SegmentEventJson)
      : undefined
  } catch {
    return undefined
  }
}
