import { postJson } from './api.js'
import { compact } from './dom.js'
import { editedSubscription, mappingText, testEventOf, type Draft, type PageState } from './state.js'
import type { ActionModel, SubscriptionPreview } from './types.js'

/** The mapping open in the view: its draft, its action, and what follows an edit. */
export interface OpenMapping {
  state: PageState
  draft: Draft
  action: ActionModel
  /** after every edit: the save bar says so, and a new preview is asked for */
  edited(): void
  /** the step shown draws the new preview */
  onPreview(): void
}

/** Sets (or, with undefined, removes) one key of the mapping being edited. */
export function setFieldValue(open: OpenMapping, key: string, value: unknown): void {
  const mapping = { ...open.draft.mapping }
  if (value === undefined) delete mapping[key]
  else mapping[key] = value
  open.draft.mapping = mapping
  open.draft.mappingText = mappingText(mapping)
  open.edited()
}

/** Asks the host what the draft does with its test event (nothing is sent), then the step shows it. */
export async function refreshPreview(open: OpenMapping): Promise<void> {
  const { draft } = open
  const asked = compact([editedSubscription(draft), draft.eventText])
  const label = draft.eventLabel
  const { body } = await postJson<{ subscriptions: SubscriptionPreview[] }>('/mapping/preview', {
    event: testEventOf(draft),
    subscriptions: [editedSubscription(draft)]
  })
  // Edited meanwhile: a newer preview is coming.
  if (asked !== compact([editedSubscription(draft), draft.eventText])) return
  draft.preview = body.subscriptions[0]
  draft.previewLabel = label
  open.onPreview()
}

/** Previews asked for at most every 150 ms while the person types. */
export function previewScheduler(open: OpenMapping): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  return () => {
    clearTimeout(timer)
    timer = setTimeout(() => refreshPreview(open).catch(open.state.reportFailure), 150)
  }
}
