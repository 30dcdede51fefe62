import { el } from './dom.js'
import type { OpenMapping } from './open-mapping.js'
import { mappingText } from './state.js'

/** Whether the mapping matches its test event, in words. */
export function matchLine(open: OpenMapping): HTMLElement {
  const { preview, previewLabel } = open.draft
  const line = el('p', { class: 'match', 'aria-live': 'polite' })
  if (!preview) return line
  line.classList.add(preview.matches ? 'yes' : 'no')
  line.textContent = preview.matches
    ? `Matches the test event (${previewLabel}).`
    : `Does not match this event (${previewLabel}): a real event like it never reaches this mapping.`
  return line
}

function showTriggerPreview(open: OpenMapping, step: HTMLElement): void {
  const preview = open.draft.preview
  if (!preview) return
  step.querySelector('.trigger-words')!.textContent = preview.fql.words ? `In words: ${preview.fql.words}` : ''
  const messages = [
    ...(preview.fql.error ? [{ kind: 'bad', text: preview.fql.error }] : []),
    ...preview.fql.warnings.map((text) => ({ kind: 'warn', text }))
  ]
  step
    .querySelector('.fql-messages')!
    .replaceChildren(...messages.map((message) => el('li', { class: `fql ${message.kind}`, text: message.text })))
  step.querySelector('.match')!.replaceWith(matchLine(open))
}

function resetButton(open: OpenMapping, redraw: () => void): HTMLButtonElement | null {
  const preset = open.action.preset
  if (!preset) return null
  const reset = el('button', { type: 'button', class: 'quiet', text: 'Reset to preset' })
  reset.addEventListener('click', () => {
    open.draft.subscribe = preset.subscribe
    open.draft.mapping = structuredClone(preset.mapping)
    open.draft.mappingText = mappingText(preset.mapping)
    open.draft.modes = {}
    open.edited()
    redraw()
  })
  return reset
}

/** The trigger step: the mapping's name and which events it takes, in FQL checked as it is typed. */
export function triggerStep(open: OpenMapping): HTMLElement {
  const { draft, action } = open
  const name = el('input', { type: 'text', id: 'mapping-name', value: draft.name })
  const subscribe = el('input', {
    type: 'text',
    id: 'subscribe',
    class: 'mono',
    value: draft.subscribe,
    spellcheck: 'false',
    'aria-describedby': 'fql-messages'
  })
  name.addEventListener('input', () => {
    draft.name = name.value
    open.edited()
  })
  subscribe.addEventListener('input', () => {
    draft.subscribe = subscribe.value
    open.edited()
  })
  const step = el(
    'div',
    { class: 'trigger-step' },
    el('p', { class: 'description', text: `${action.title}: ${action.description}` }),
    el('label', { for: name.id, text: 'Name (shown in the list and in results)' }),
    name,
    el('label', { for: subscribe.id, text: 'Trigger: which events this mapping receives (FQL)' }),
    subscribe,
    el('p', { class: 'trigger-words muted' }),
    el('ul', { class: 'fql-messages', id: 'fql-messages', 'aria-live': 'polite' }),
    el('p', { class: 'match' }),
    el(
      'div',
      { class: 'row' },
      resetButton(open, () => step.replaceWith(triggerStep(open)))
    )
  )
  open.onPreview = () => showTriggerPreview(open, step)
  showTriggerPreview(open, step)
  return step
}
