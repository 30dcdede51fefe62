import { el, jsonBox, pretty } from './dom.js'
import type { PageState } from './state.js'
import type { ActionResult, RecordChange, ZendeskExchange } from './types.js'

const TICKET_CREATION = /\/api\/v2\/tickets(\/create_many)?(\.json)?(\?|$)/

/** Create Ticket that found its ticket by external_id and created none: delivered, but nothing new. */
function existingTicket(result: ActionResult): { id: unknown } | undefined {
  if (result.action !== 'createTicket' || result.result !== 'delivered') return undefined
  const requests = result.requests ?? []
  const created = requests.some(
    ({ request }) => request.method === 'POST' && TICKET_CREATION.test(new URL(request.url).pathname)
  )
  if (created) return undefined
  const found = requests
    .map(({ response }) => {
      const body = response.body as { tickets?: { id?: unknown }[]; results?: { id?: unknown }[] } | undefined
      return body?.tickets?.[0] ?? body?.results?.[0]
    })
    .find((ticket) => ticket?.id !== undefined)
  return found ? { id: found.id } : undefined
}

function outcomeBadge(result: ActionResult): HTMLElement {
  const existing = existingTicket(result)
  const text = `${result.result} · ${result.status}${existing ? ` · already existed (ticket ${String(existing.id)})` : ''}`
  return el('span', { class: `badge ${result.result}`, text })
}

function exchangeView({ request, response }: ZendeskExchange, index: number): HTMLElement {
  return el(
    'li',
    { class: 'exchange' },
    el(
      'div',
      { class: 'exchange-line' },
      el('span', { class: `method ${request.method.toLowerCase()}`, text: request.method }),
      el('code', { class: 'url', text: request.url }),
      el('span', { class: `http ${response.status < 400 ? 'good' : 'bad'}`, text: `→ ${response.status}` })
    ),
    request.body === undefined ? null : jsonBox(`Request ${index + 1} body`, pretty(request.body)),
    el(
      'details',
      {},
      el('summary', { text: `Response ${response.status}` }),
      jsonBox(`Response ${index + 1} body`, response.body === undefined ? '(empty)' : pretty(response.body))
    )
  )
}

/** One action's result for an event: outcome, message, logs, mapped payload and each Zendesk request. */
export function actionResultView(result: ActionResult): HTMLElement {
  const requests = result.requests ?? []
  return el(
    'article',
    { class: `run ${result.result}`, 'data-action': result.action },
    el(
      'div',
      { class: 'run-head' },
      el('h4', { text: result.subscription }),
      el('code', { class: 'key', text: result.action }),
      el('span', { class: 'spacer' }),
      outcomeBadge(result)
    ),
    result.message ? el('p', { class: 'message', text: result.message }) : null,
    result.logs?.length
      ? el(
          'ul',
          { class: 'logs' },
          result.logs.map((line) => el('li', { text: line }))
        )
      : null,
    el('h5', { text: 'Mapped payload' }),
    jsonBox(
      `${result.subscription}: mapped payload`,
      result.payload === undefined ? '(the mapping gave no payload)' : pretty(result.payload)
    ),
    el('h5', { text: `Zendesk requests (${requests.length})` }),
    requests.length
      ? el('ol', { class: 'exchanges' }, requests.map(exchangeView))
      : el('p', { class: 'muted', text: 'No request was sent.' })
  )
}

/** The records a run created or changed, with a link to them in the Records view. */
export function changesView(state: PageState, changes: RecordChange[] | undefined): HTMLElement {
  if (changes === undefined) {
    return el('p', { class: 'muted', text: 'The events went to your Zendesk account: look there for the records.' })
  }
  state.lastChanges = changes
  const link = el('a', { href: '/?view=records', text: 'See them in Records' })
  link.addEventListener('click', (click) => {
    click.preventDefault()
    state.go({ view: 'records' })
  })
  const counts = changes.map(
    (change) =>
      `${change.change === 'new' ? 'new' : 'changed'} ${change.collection.replace(/s$/, '')} ${String(change.id)}`
  )
  return el(
    'p',
    { class: 'changes' },
    changes.length ? `Records: ${counts.join(', ')}. ` : 'No record was created or changed. ',
    link
  )
}
