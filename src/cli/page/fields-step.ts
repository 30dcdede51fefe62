import { el, isPlainObject, jsonBox, pretty } from './dom.js'
import { fieldProblems, problemsShown } from './field-problems.js'
import {
  describeDefault,
  eventPaths,
  fieldKind,
  mappedText,
  modesFor,
  shownMode,
  startValue,
  type EventPath
} from './field-values.js'
import { keysEditor } from './key-editor.js'
import { setFieldValue, type OpenMapping } from './open-mapping.js'
import { parsedMapping, testEventOf } from './state.js'
import type { FieldModel } from './types.js'
import { focusById, modeSelect, valueControls, type ValueTarget } from './value-controls.js'
import { advancedEditor, syncModeControl } from './mapping-json.js'

function fieldAbout(field: FieldModel): HTMLElement {
  return el(
    'div',
    { class: 'field-about' },
    el(
      'span',
      { class: 'field-label' },
      field.label,
      field.required ? el('span', { class: 'required', text: ' *' }) : null
    ),
    el('code', { class: 'key', text: field.key }),
    el('span', { class: 'muted', text: ` ${fieldKind(field)}` }),
    el('p', { class: 'field-description', text: field.description }),
    field.default === undefined
      ? null
      : el('p', { class: 'field-default muted' }, 'Default: ', el('code', { text: describeDefault(field.default) }))
  )
}

/** A field's problems show once the person has left it: focus moved out of its row (not redrawn in place). */
function touchedOnLeave(open: OpenMapping, row: HTMLElement, field: FieldModel): void {
  row.addEventListener('focusout', (focusEvent) => {
    const next = focusEvent.relatedTarget
    if (!row.isConnected || (next instanceof Node && row.contains(next))) return
    if (open.draft.touched.has(field.key)) return
    open.draft.touched.add(field.key)
    showFieldPreview(open, row, field)
  })
}

function fieldRow(open: OpenMapping, field: FieldModel, paths: EventPath[]): HTMLLIElement {
  const { state, draft, action } = open
  const value = draft.mapping[field.key]
  const mode = shownMode(draft.modes[field.key], field, value)
  const modeId = `mode-${field.key}`
  const rerender = () => {
    const fresh = fieldRow(open, field, eventPaths(testEventOf(draft)))
    row.replaceWith(fresh)
    showFieldPreview(open, fresh, field)
  }
  const target: ValueTarget = {
    state,
    draft,
    action,
    field,
    id: `value-${field.key}`,
    label: `${action.title}: ${field.label}`,
    blank: undefined,
    set: (next) => setFieldValue(open, field.key, next),
    rerender
  }
  const modes = modeSelect(
    { id: modeId, class: 'mode', 'aria-label': `${action.title}: how ${field.label} is mapped` },
    modesFor(field, mode),
    mode,
    (next) => {
      draft.modes[field.key] = next
      setFieldValue(open, field.key, startValue(next, field, value, paths))
      rerender()
      focusById(modeId)
    }
  )
  const controls =
    mode === 'keys' && isPlainObject(value)
      ? keysEditor(target, value, paths)
      : valueControls(target, mode, value, paths)
  const row = el(
    'li',
    { class: 'field-row', id: `field-${field.key}`, 'data-field': field.key, 'data-mode': mode },
    fieldAbout(field),
    el(
      'div',
      { class: 'field-value' },
      modes,
      el('div', { class: 'value-controls' }, controls),
      el('p', { class: 'mapped' }),
      el('ul', { class: 'field-problems' })
    )
  )
  touchedOnLeave(open, row, field)
  return row
}

/** One field's mapped value for the test event and, once they show, its problems. */
function showFieldPreview(open: OpenMapping, row: Element, field: FieldModel): void {
  const { draft } = open
  const payload = draft.preview?.payload
  const mapped = isPlainObject(payload) ? payload[field.key] : undefined
  row.querySelector('.mapped')!.textContent = draft.preview ? mappedText(mapped) : ''
  row.querySelectorAll<HTMLElement>('.key-row').forEach((keyRow) => {
    const keyValue = isPlainObject(mapped) ? mapped[keyRow.dataset.key ?? ''] : undefined
    keyRow.querySelector('.key-mapped')!.textContent = mappedText(keyValue)
  })
  const redraw = () => showFieldPreview(open, row, field)
  const problems = problemsShown(draft, field) ? fieldProblems(open.state, draft, field, redraw) : []
  row.querySelector('.field-problems')!.replaceChildren(...problems.map((text) => el('li', { text })))
  row.classList.toggle('has-problem', problems.length > 0)
}

/** Says so when the mapping does not match the test event: it would never get it, so its fields are not checked. */
function matchNote(open: OpenMapping): HTMLElement {
  const note = el('p', { class: 'off match-note', role: 'status' })
  const preview = open.draft.preview
  note.hidden = !preview || preview.matches
  note.textContent = `${open.draft.name} does not match this event: it would never receive it, so its fields are not checked against it. Pick a matching test event to check them.`
  return note
}

/** The fields step: each field of the action edited on its own row, or the whole mapping as JSON. */
export function fieldsStep(open: OpenMapping): HTMLElement {
  const { draft, action } = open
  const paths = eventPaths(testEventOf(draft))
  const body = draft.advanced
    ? advancedEditor(open)
    : el(
        'ul',
        { class: 'field-rows', 'aria-label': `${action.title} fields` },
        action.fields.map((field) => fieldRow(open, field, paths))
      )
  const toggle = el('button', {
    type: 'button',
    class: 'quiet advanced-toggle',
    'aria-pressed': String(draft.advanced),
    text: 'Advanced: edit as JSON'
  })
  const step = el(
    'div',
    { class: 'fields-step' },
    matchNote(open),
    action.syncMode ? syncModeControl(open) : null,
    el(
      'details',
      { class: 'preview', open: true },
      el('summary', { text: 'Preview: the mapped payload for the test event (nothing is sent)' }),
      jsonBox('Preview of the mapped payload', '', 'preview-payload')
    ),
    el(
      'div',
      { class: 'row' },
      el('h3', { class: 'subhead', text: 'Mapping' }),
      el('span', { class: 'spacer' }),
      toggle
    ),
    body
  )
  toggle.addEventListener('click', () => {
    if (draft.advanced && !parsedMapping(draft)) return
    draft.advanced = !draft.advanced
    draft.modes = {}
    step.replaceWith(fieldsStep(open))
  })
  open.onPreview = () => showFieldsPreview(open, step)
  if (draft.preview) showFieldsPreview(open, step)
  return step
}

function showFieldsPreview(open: OpenMapping, step: HTMLElement): void {
  step.querySelector('.match-note')?.replaceWith(matchNote(open))
  const preview = open.draft.preview
  const payload = step.querySelector<HTMLElement>('.preview-payload')!
  payload.textContent = preview?.mappingProblem ?? pretty(preview?.payload)
  payload.classList.toggle('bad', Boolean(preview?.mappingProblem))
  for (const field of open.action.fields) {
    const row = step.querySelector(`.field-row[data-field="${field.key}"]`)
    if (row) showFieldPreview(open, row, field)
  }
}
