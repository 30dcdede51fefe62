import { postJson, refusalProblems, type Refusal } from './api.js'
import { el, pretty, setStatus, show } from './dom.js'
import { actionResultView, changesView } from './results.js'
import type { PageState } from './state.js'
import type { SendAnswer } from './types.js'

interface SendParts {
  example: HTMLSelectElement
  event: HTMLTextAreaElement
  error: HTMLElement
  status: HTMLElement
  result: HTMLElement
}

function matchCell(subscription: SendAnswer['subscriptions'][number]): HTMLElement {
  const [kind, text] = !subscription.enabled ? ['no', 'off'] : subscription.matches ? ['yes', '✓ yes'] : ['no', '– no']
  return el('td', {}, el('span', { class: `mark ${kind}`, text }))
}

function matchesTable(answer: SendAnswer): HTMLElement {
  const head = el(
    'tr',
    {},
    ['Matches', 'Mapping', 'Action', 'Trigger'].map((title) => el('th', { text: title }))
  )
  const rows = answer.subscriptions.map((subscription) =>
    el(
      'tr',
      { class: subscription.matches && subscription.enabled ? 'matched' : 'unmatched' },
      matchCell(subscription),
      el('td', { text: subscription.name }),
      el('td', { class: 'nowrap' }, el('code', { text: subscription.partnerAction })),
      el('td', {}, el('code', { text: subscription.subscribe }))
    )
  )
  const table = el('table', { id: 'matches', class: 'grid' }, el('thead', {}, head), el('tbody', {}, rows))
  return el(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Mappings and whether they match' },
    table
  )
}

function resultView(state: PageState, answer: SendAnswer): HTMLElement {
  const { event, report } = answer
  return el(
    'div',
    { id: 'result-body' },
    el(
      'p',
      { id: 'result-event', class: 'event-line' },
      el('strong', { text: report.description }),
      el('span', { class: 'muted', text: ` · messageId ${event.messageId}` })
    ),
    changesView(state, answer.changes),
    el('h3', { text: 'Mappings' }),
    matchesTable(answer),
    el('h3', { text: 'Actions run' }),
    el(
      'div',
      { id: 'actions-run' },
      report.actions.length
        ? report.actions.map(actionResultView)
        : el('p', { class: 'off', text: 'No mapping that is on matches this event: nothing was sent to Zendesk.' })
    )
  )
}

function summaryOf(answer: SendAnswer): string {
  const counts = new Map<string, number>()
  for (const result of answer.report.actions) counts.set(result.result, (counts.get(result.result) ?? 0) + 1)
  const summary = [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')
  return `Sent: ${summary || 'no mapping matched'}`
}

/** Sends the event through every mapping that is on, as saved; a failed send leaves no earlier result on the page. */
async function sendEvent(state: PageState, parts: SendParts): Promise<void> {
  show(parts.error, false)
  parts.result.replaceChildren(el('p', { id: 'result-empty', class: 'hint', text: 'Sending…' }))
  let event: unknown
  try {
    event = JSON.parse(parts.event.value)
  } catch (error) {
    parts.error.textContent = `The event is not valid JSON: ${(error as Error).message}`
    show(parts.error, true)
    parts.result.replaceChildren()
    return setStatus(parts.status, 'Not sent', 'bad')
  }
  setStatus(parts.status, 'Sending…', 'muted')
  const { status, body } = await postJson<SendAnswer & Refusal>('/mapping/send', { event })
  if (status !== 200) {
    parts.error.textContent = refusalProblems(body).join(' ')
    show(parts.error, true)
    parts.result.replaceChildren()
    return setStatus(parts.status, 'Not sent', 'bad')
  }
  parts.result.replaceChildren(resultView(state, body))
  setStatus(parts.status, summaryOf(body), 'ok')
}

function exampleSelect(state: PageState, event: HTMLTextAreaElement): HTMLSelectElement {
  const select = el(
    'select',
    { id: 'example' },
    el('option', { value: '', text: 'Paste your own event…' }),
    state.examples.map((example, index) => el('option', { value: String(index), text: example.label }))
  )
  select.addEventListener('change', () => {
    const example = state.examples[Number(select.value)]
    if (select.value !== '' && example) event.value = pretty(example.event)
  })
  event.addEventListener('input', () => (select.value = ''))
  const firstIdentify = state.examples.findIndex((example) => example.event.type === 'identify')
  select.value = String(Math.max(0, firstIdentify))
  event.value = pretty(state.examples[Number(select.value)]?.event ?? {})
  return select
}

/** Send an event through every mapping that is on, as a source would, and see what each did. */
export function sendView(state: PageState): HTMLElement {
  const event = el('textarea', { id: 'event', rows: 14, spellcheck: 'false', autocomplete: 'off' })
  const parts: SendParts = {
    event,
    example: exampleSelect(state, event),
    error: el('p', { id: 'event-error', class: 'problem', role: 'alert', hidden: true }),
    status: el('span', { id: 'send-status', class: 'status', role: 'status' }),
    result: el('div', { id: 'result' })
  }
  const send = el('button', { id: 'send', type: 'button', class: 'primary', text: 'Send' })
  send.addEventListener('click', () => {
    send.disabled = true
    sendEvent(state, parts)
      .catch(state.reportFailure)
      .finally(() => (send.disabled = false))
  })
  event.addEventListener('keydown', (keyEvent) => {
    if (keyEvent.key === 'Enter' && (keyEvent.ctrlKey || keyEvent.metaKey)) send.click()
  })
  return el(
    'section',
    { id: 'try', class: 'panel', 'aria-labelledby': 'try-title' },
    el('h2', { id: 'try-title', text: 'Send an event' }),
    el('p', {
      class: 'hint',
      text: 'Runs the event through every mapping that is on, as saved, the way an event posted to /v1/… runs (without retries): which mappings match, what each action received and sent to Zendesk, and the result.'
    }),
    el('label', { for: 'example', text: 'Example event' }),
    parts.example,
    el('label', { for: 'event', text: 'Event JSON' }),
    event,
    parts.error,
    el('div', { class: 'row' }, send, parts.status),
    parts.result
  )
}
