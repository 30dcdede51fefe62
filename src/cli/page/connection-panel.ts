import { getJson, postJson, type Refusal } from './api.js'
import { el, setStatus, show } from './dom.js'
import type { PageState } from './state.js'
import type { AccountView } from './types.js'

const CONNECTION_BADGES: Record<string, string> = {
  connected: 'delivered',
  'not connected': 'retryable',
  'reconnect needed': 'rejected'
}

/** A time from the host as the browser's local date and time. */
const localTime = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : undefined)

function facts(view: AccountView): [string, string | undefined][] {
  if (view.kind === 'legacy') return [['Account', view.account]]
  const who = view.connectedBy
  return [
    ['Account', view.account],
    ['Connected as', who && [who.name, who.email && `<${who.email}>`].filter(Boolean).join(' ')],
    ['How', view.grant && (view.grant === 'client_credentials' ? 'client credentials' : 'consent on Zendesk’s page')],
    ['OAuth client', `${view.clientId} (${view.clientKind})`],
    ['Connected at', localTime(view.connectedAt)],
    ['Token expires', view.state === 'connected' ? (localTime(view.expiresAt) ?? 'never') : undefined],
    ['Refresh token expires', localTime(view.refreshTokenExpiresAt)],
    ['Last refresh', localTime(view.lastRefreshAt) ?? (view.state === 'connected' ? 'not yet' : undefined)],
    ['Next refresh', localTime(view.nextRefreshAt)],
    ['Kept in', view.storedIn]
  ]
}

/** How the host reaches Zendesk: the account, who connected it, the token's end and last renewal, never a token. */
function renderConnection(panel: HTMLElement, view: AccountView): void {
  const part = <T extends HTMLElement>(id: string) => panel.querySelector<T>(`#${id}`)!
  const state = part('connection-state')
  state.textContent = view.kind === 'legacy' ? `legacy ${view.credential}` : view.state
  state.className = `badge ${view.kind === 'legacy' ? 'retryable' : CONNECTION_BADGES[view.state]}`
  const shown = facts(view).filter((fact): fact is [string, string] => Boolean(fact[1]))
  part('connection-details').replaceChildren(
    ...shown.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })])
  )
  const note =
    view.kind === 'legacy'
      ? view.note
      : view.state === 'connected'
        ? ''
        : 'Events wait (pending) until Zendesk is connected.'
  part('connection-note').textContent = note
  show(part('connection-note'), note !== '')
  const problem = view.kind === 'oauth' ? view.problem : undefined
  part('connection-problem').textContent = problem ?? ''
  show(part('connection-problem'), Boolean(problem))
  show(part('connection-actions'), view.kind === 'oauth')
  part<HTMLButtonElement>('disconnect').disabled = view.state === 'not connected'
}

/** To Zendesk's consent page; Zendesk sends the browser back to the host, which comes back here. */
async function connectZendesk(status: HTMLElement): Promise<void> {
  setStatus(status, 'Opening Zendesk’s consent page…', 'muted')
  const { status: code, body } = await postJson<{ authorizationUrl: string } & Refusal>('/connection/connect', {})
  if (code !== 200) return setStatus(status, body.error, 'bad')
  window.location.assign(body.authorizationUrl)
}

async function disconnectZendesk(panel: HTMLElement, status: HTMLElement): Promise<void> {
  setStatus(status, 'Disconnecting…', 'muted')
  const { status: code, body } = await postJson<{ account: AccountView; revoked?: boolean } & Refusal>(
    '/connection/disconnect',
    {}
  )
  if (code !== 200) return setStatus(status, body.error, 'bad')
  renderConnection(panel, body.account)
  setStatus(status, body.revoked ? 'Disconnected: the token is revoked.' : 'Disconnected.', 'ok')
}

/** The Zendesk connection panel: its state from the host, Connect Zendesk and Disconnect. */
export function connectionPanel(state: PageState): HTMLElement {
  const connect = el('button', { id: 'connect', type: 'button', class: 'primary', text: 'Connect Zendesk' })
  const disconnect = el('button', { id: 'disconnect', type: 'button', class: 'danger', text: 'Disconnect' })
  const status = el('span', { id: 'connection-status', class: 'status', role: 'status' })
  const panel = el(
    'section',
    { id: 'connection', class: 'panel', 'aria-labelledby': 'connection-title' },
    el(
      'div',
      { class: 'subscription-head' },
      el('h2', { id: 'connection-title', text: 'Zendesk connection' }),
      el('span', { id: 'connection-state', class: 'badge' })
    ),
    el('dl', { id: 'connection-details', class: 'facts' }),
    el('p', { id: 'connection-note', class: 'hint', hidden: true }),
    el('p', { id: 'connection-problem', class: 'problem', role: 'alert', hidden: true }),
    el('div', { id: 'connection-actions', class: 'row', hidden: true }, connect, disconnect, status)
  )
  connect.addEventListener('click', () => connectZendesk(status).catch(state.reportFailure))
  disconnect.addEventListener('click', () => disconnectZendesk(panel, status).catch(state.reportFailure))
  getJson<AccountView>('/connection')
    .then(({ body }) => renderConnection(panel, body))
    .catch(state.reportFailure)
  return panel
}
