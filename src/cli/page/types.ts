import type { AccountView } from '../host-account'
import type { Subscription } from '../mapping-file'
import type { ListedSubscription, SubscriptionListing } from '../mapping-listing'
import type { SubscriptionPreview } from '../mapping-preview'
import type { RecordChange } from '../record-changes'
import type { SimulatorView } from '../replay'
import type { ActionResult, EventReport, ZendeskExchange } from '../run-events'

export type {
  AccountView,
  ActionResult,
  EventReport,
  ListedSubscription,
  RecordChange,
  SimulatorView,
  Subscription,
  SubscriptionListing,
  SubscriptionPreview,
  ZendeskExchange
}

export type SegmentEventJson = Record<string, unknown>

/** One of an action's fields, as `GET /mapping/model` describes it. */
export interface FieldModel {
  key: string
  label: string
  description?: string
  type: string
  required: boolean
  multiple: boolean
  dynamic: boolean
  /** the account lists this object field's keys, and perhaps each key's values */
  objectChoices?: { keys: boolean; values: boolean }
  choices?: (string | { value: unknown; label: string })[]
  default?: unknown
}

export interface SyncModeModel {
  label: string
  description: string
  default: string
  choices: { label: string; value: string }[]
}

export interface ActionModel {
  key: string
  title: string
  description: string
  preset?: Subscription
  /** what a new mapping of an action without a preset starts from: its default subscription and field defaults */
  suggested: Omit<Subscription, 'enabled'>
  syncMode?: SyncModeModel
  fields: FieldModel[]
}

export interface PageModel extends SubscriptionListing {
  target: { kind: 'simulator' | 'zendesk'; description: string }
  actions: ActionModel[]
}

/** A shipped example event. */
export interface Example {
  label: string
  event: SegmentEventJson
}

/** An event a mapping can be tested with: one the host received, or a shipped example. */
export interface TestEvent extends Example {
  source: 'received' | 'example'
  matches: boolean
  receivedAt?: string
}

/** One of a field's choices from the Zendesk account. */
export interface Choice {
  value: string | number
  label: string
  description?: string
  /** a ticket field's or user field's type, for a key of an object field */
  type?: string
}

/** What a run answers: the report, and the simulator's records it created or changed. */
export interface RunAnswer {
  event: SegmentEventJson & { messageId: string }
  report: EventReport
  state?: SimulatorView
  changes?: RecordChange[]
}

/** `POST /mapping/send`: every subscription and whether it matched. */
export interface SendAnswer extends RunAnswer {
  subscriptions: (Subscription & { matches: boolean })[]
}

/** `POST /mapping/subscription/test`: one mapping alone. */
export interface TestAnswer extends RunAnswer {
  matches: boolean
}

/** A change to the saved mappings answers the mapping list as it now is. */
export interface ChangeAnswer extends SubscriptionListing {
  saved: string
  switched: boolean
  /** where a saved mapping now is */
  position?: number
}
