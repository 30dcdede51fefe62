import { el, show } from './dom.js'
import { setFieldValue, type OpenMapping } from './open-mapping.js'
import { parsedMapping } from './state.js'

/** The sync mode mapping key: where actions-core reads an action's sync mode. */
const SYNC_MODE_KEY = '__segment_internal_sync_mode'

/** Advanced: the whole mapping as JSON, the same mapping the fields edit. */
export function advancedEditor(open: OpenMapping): HTMLElement {
  const { draft, action } = open
  const id = 'mapping-json'
  const textarea = el('textarea', {
    id,
    class: 'mono',
    rows: Math.min(20, draft.mappingText.split('\n').length + 1),
    spellcheck: 'false',
    'data-action': draft.partnerAction
  })
  textarea.value = draft.mappingText
  const problem = el('p', { class: 'problem small', role: 'alert', hidden: true })
  textarea.addEventListener('input', () => {
    draft.mappingText = textarea.value
    const parsed = parsedMapping(draft)
    if (parsed) draft.mapping = parsed
    problem.textContent = parsed ? '' : `${action.title}: the mapping is not a valid JSON object yet.`
    show(problem, !parsed)
    open.edited()
  })
  return el(
    'div',
    { class: 'advanced' },
    el('label', { for: id, text: 'Mapping (JSON: each field → a value or a directive)' }),
    textarea,
    problem
  )
}

/** An action's sync mode choice, kept in the mapping as __segment_internal_sync_mode. */
export function syncModeControl(open: OpenMapping): HTMLElement {
  const { draft, action } = open
  const syncMode = action.syncMode!
  const id = 'sync-mode'
  const saved = draft.mapping[SYNC_MODE_KEY] as string | undefined
  const defaultLabel = syncMode.choices.find((choice) => choice.value === syncMode.default)?.label ?? syncMode.default
  // actions-core applies no default: a mapping without one runs the action with no sync mode.
  const notSet = el('option', { value: '', text: `Not set (choose one; the suggested one is ${defaultLabel})` })
  const select = el(
    'select',
    { id, 'data-action': action.key },
    saved === undefined ? notSet : null,
    syncMode.choices.map((choice) => el('option', { value: choice.value, text: choice.label }))
  )
  select.value = saved ?? ''
  select.addEventListener('change', () => {
    setFieldValue(open, SYNC_MODE_KEY, select.value || undefined)
    notSet.remove()
  })
  return el(
    'div',
    { class: 'sync-mode' },
    el('label', { for: id, text: syncMode.label }),
    select,
    el('p', { class: 'hint', text: syncMode.description })
  )
}
