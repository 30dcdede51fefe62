import { postJson } from './api.js'
import { el, pretty, show } from './dom.js'
import type { OpenMapping } from './open-mapping.js'
import { testEventOf, type Draft } from './state.js'
import { matchLine } from './trigger-step.js'
import type { TestEvent } from './types.js'

/** The events this draft can be tested with, those its trigger matches first. */
async function testEvents(draft: Draft): Promise<TestEvent[]> {
  const { body } = await postJson<{ events: TestEvent[] }>('/mapping/test-events', { subscribe: draft.subscribe })
  return body.events
}

const labelOf = (candidate: TestEvent): string =>
  candidate.receivedAt
    ? `Received ${new Date(candidate.receivedAt).toLocaleTimeString()}: ${candidate.label}`
    : `Example ${candidate.label}`

function useEvent(draft: Draft, candidate: TestEvent): void {
  draft.eventText = pretty(candidate.event)
  draft.eventLabel = labelOf(candidate)
}

/** A mapping opened without a test event gets the first one its trigger matches (else the first there is). */
export async function pickDefaultEvent(open: OpenMapping): Promise<void> {
  if (open.draft.eventText !== '') return
  const [first] = await testEvents(open.draft)
  if (first && open.draft.eventText === '') useEvent(open.draft, first)
}

function eventChoice(open: OpenMapping, candidate: TestEvent, index: number, onPick: () => void): HTMLElement {
  const id = `test-event-${index}`
  const radio = el('input', { type: 'radio', name: 'test-event', id, value: String(index) })
  radio.checked = open.draft.eventText === pretty(candidate.event)
  radio.addEventListener('change', () => {
    useEvent(open.draft, candidate)
    onPick()
  })
  return el(
    'li',
    { class: `test-event ${candidate.source}` },
    radio,
    el('label', { for: id, text: labelOf(candidate) })
  )
}

function eventGroup(legend: string, items: HTMLElement[]): HTMLElement | null {
  if (items.length === 0) return null
  return el('fieldset', { class: 'test-events' }, el('legend', { text: legend }), el('ul', {}, items))
}

/** The events offered: those the trigger matches, then the others. */
function eventList(open: OpenMapping, events: TestEvent[], onPick: () => void): HTMLElement {
  const choices = events.map((candidate, index) => ({ candidate, item: eventChoice(open, candidate, index, onPick) }))
  const matching = choices.filter(({ candidate }) => candidate.matches).map(({ item }) => item)
  const others = choices.filter(({ candidate }) => !candidate.matches).map(({ item }) => item)
  return el(
    'div',
    { class: 'event-choices' },
    matching.length === 0
      ? el('p', {
          class: 'off',
          text: 'No recent or example event matches the trigger: paste one below, or change the trigger.'
        })
      : eventGroup(`Match the trigger (${matching.length})`, matching),
    eventGroup(`Do not match the trigger (${others.length})`, others)
  )
}

function eventEditor(open: OpenMapping): HTMLElement {
  const { draft } = open
  const textarea = el('textarea', { id: 'test-event-json', rows: 14, spellcheck: 'false', autocomplete: 'off' })
  textarea.value = draft.eventText
  const problem = el('p', { class: 'problem small', role: 'alert', hidden: true })
  textarea.addEventListener('input', () => {
    draft.eventText = textarea.value
    draft.eventLabel = 'your own event'
    document.querySelectorAll<HTMLInputElement>('input[name="test-event"]').forEach((radio) => (radio.checked = false))
    const event = testEventOf(draft)
    problem.textContent = event ? '' : 'The test event is not a JSON object yet.'
    show(problem, !event)
    open.edited()
  })
  return el(
    'div',
    {},
    el('label', { for: textarea.id, text: 'Test event JSON (edit it, or paste your own)' }),
    textarea,
    problem
  )
}

/** The test event step: the last events the host received and the shipped examples, or an event pasted. */
export function eventStep(open: OpenMapping): HTMLElement {
  const list = el('div', { class: 'event-choices' }, el('p', { class: 'muted', text: 'Loading the events…' }))
  const step = el(
    'div',
    { class: 'event-step' },
    el('p', {
      class: 'hint',
      text: 'The last events this host received on /v1/… and the shipped examples; those the trigger matches come first.'
    }),
    matchLine(open),
    list,
    eventEditor(open)
  )
  const redraw = () => {
    step.replaceWith(eventStep(open))
    open.edited()
  }
  testEvents(open.draft)
    .then((events) => list.replaceWith(eventList(open, events, redraw)))
    .catch(open.state.reportFailure)
  open.onPreview = () => step.querySelector('.match')?.replaceWith(matchLine(open))
  return step
}
