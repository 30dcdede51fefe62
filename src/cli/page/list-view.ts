import { postJson, type Refusal } from './api.js'
import { connectionPanel } from './connection-panel.js'
import { el, setStatus } from './dom.js'
import { placeLink } from './links.js'
import { actionOf, hasEdits, type PageState } from './state.js'
import type { ChangeAnswer, ListedSubscription } from './types.js'

function mappingFileNote(state: PageState): HTMLElement {
  const { mappingFile } = state.model
  const note = el('p', { id: 'mapping-file', class: 'file-note' })
  if (mappingFile.inUse) {
    note.append('Saved in ', el('code', { text: mappingFile.path }), ', the file the host reads its mappings from.')
  } else {
    note.append(
      'The host runs the presets (it was started without ',
      el('code', { text: '--mapping' }),
      '). The first change writes ',
      el('code', { text: mappingFile.path }),
      mappingFile.exists ? ' (it exists and will be replaced)' : '',
      ', and from then on the host reads its mappings from that file. Next time, start with ',
      el('code', { text: `npm start -- --mapping ${mappingFile.path}` }),
      '.'
    )
  }
  return note
}

function recentLine(state: PageState, subscription: ListedSubscription): string {
  const { recentEvents } = state.model
  if (recentEvents === 0) return subscription.enabled ? 'None received yet.' : 'Off: it receives no event.'
  const of = `${subscription.recentMatches} of the last ${recentEvents}`
  return subscription.enabled ? `Matched ${of}.` : `Off: it receives no event (its trigger matches ${of}).`
}

/** The open mapping, saved meanwhile from the list, keeps its edits over what is saved now. */
function followSaved(state: PageState): void {
  const draft = state.draft
  const saved = draft?.position === undefined ? undefined : state.model.subscriptions[draft.position - 1]
  if (!draft || !saved) return
  draft.saved = saved
  draft.enabled = saved.enabled
}

/** On/off: saved in the mapping file at once; an off mapping receives no event. */
function onOffSwitch(state: PageState, subscription: ListedSubscription, status: HTMLElement): HTMLButtonElement {
  const button = el('button', {
    type: 'button',
    class: `switch ${subscription.enabled ? 'on' : 'off'}`,
    role: 'switch',
    'aria-checked': String(subscription.enabled),
    'aria-label': `${subscription.name} (mapping ${subscription.position})`,
    text: subscription.enabled ? 'On' : 'Off'
  })
  button.addEventListener('click', () => {
    button.disabled = true
    const enabled = !subscription.enabled
    postJson<ChangeAnswer & Refusal>('/mapping/subscription/enabled', {
      position: subscription.position,
      was: subscription,
      enabled
    })
      .then(({ status: code, body }) => {
        if (code !== 200) return setStatus(status, body.error, 'bad')
        state.model = { ...state.model, ...body }
        followSaved(state)
        state.render()
        setStatus(
          document.getElementById('list-status')!,
          `Saved: ${subscription.name} is ${enabled ? 'on' : 'off'}.`,
          'ok'
        )
      })
      .catch(state.reportFailure)
  })
  return button
}

function mappingCard(state: PageState, subscription: ListedSubscription, status: HTMLElement): HTMLElement {
  const { position, partnerAction, enabled, subscribe, trigger } = subscription
  const unsaved = state.draft?.position === position && hasEdits(state.draft)
  return el(
    'li',
    {
      class: `mapping-card ${enabled ? '' : 'is-off'}`.trim(),
      'data-position': position,
      'data-action': partnerAction
    },
    el(
      'div',
      { class: 'mapping-card-head' },
      placeLink(state, { view: 'mapping', mapping: position, step: 'trigger' }, subscription.name, {
        class: 'mapping-name'
      }),
      unsaved ? el('span', { class: 'badge retryable', text: 'unsaved edits' }) : null,
      el('span', { class: 'spacer' }),
      onOffSwitch(state, subscription, status)
    ),
    el(
      'dl',
      { class: 'facts' },
      el('dt', { text: 'Action' }),
      el('dd', { class: 'action-title', text: actionOf(state, partnerAction).title }),
      el('dt', { text: 'Trigger' }),
      el(
        'dd',
        {},
        el('span', { class: 'trigger', text: trigger ?? 'The trigger does not parse.' }),
        ' ',
        el('code', { class: 'fql', text: subscribe })
      ),
      el('dt', { text: 'Recent events' }),
      el('dd', { class: 'recent', text: recentLine(state, subscription) })
    )
  )
}

/** Add a mapping: pick an action, and it opens with that action's preset. */
function addMapping(state: PageState): HTMLElement {
  const select = el(
    'select',
    { id: 'add-action' },
    state.model.actions.map((action) => el('option', { value: action.key, text: action.title }))
  )
  const add = el('button', { type: 'button', id: 'add-mapping', text: 'Add a mapping' })
  add.addEventListener('click', () => {
    state.draft = undefined
    state.go({ view: 'mapping', mapping: 'new', action: select.value, step: 'trigger' })
  })
  return el(
    'div',
    { class: 'add-mapping' },
    el('label', { for: select.id, text: 'Add a mapping for the action' }),
    el('div', { class: 'row' }, select, add)
  )
}

/** Which events the counts are of, and where each one's delivery is. */
function recentNote(state: PageState): HTMLElement {
  const { recentEvents } = state.model
  const last = recentEvents === 1 ? 'event' : `${recentEvents} events`
  const counted =
    recentEvents === 0 ? 'No event has come to /v1/… yet' : `Recent events: the last ${last} that came to /v1/…`
  return el(
    'p',
    { class: 'hint' },
    `${counted}; what the host did with each is on the `,
    el('a', { href: '/deliveries/page', text: 'Deliveries' }),
    ' page.'
  )
}

/** A new mapping opened and not saved yet: the way back to it. */
function unsavedNew(state: PageState): HTMLElement | null {
  const draft = state.draft
  if (!draft || draft.position !== undefined) return null
  const place = { view: 'mapping', mapping: 'new', action: draft.partnerAction, step: 'trigger' } as const
  return el(
    'p',
    { class: 'off' },
    `A new mapping, ${draft.name}, is not saved yet: `,
    placeLink(state, place, 'open it'),
    '.'
  )
}

/** The first screen: every mapping with its trigger, action, on/off and recent matches; then the Zendesk connection. */
export function listView(state: PageState): HTMLElement {
  const status = el('span', { id: 'list-status', class: 'status', role: 'status' })
  const { subscriptions } = state.model
  return el(
    'div',
    {},
    el(
      'section',
      { id: 'mappings', class: 'panel', 'aria-labelledby': 'mappings-title' },
      el(
        'div',
        { class: 'subscription-head' },
        el('h2', { id: 'mappings-title', text: `Mappings (${subscriptions.length})` }),
        status
      ),
      mappingFileNote(state),
      recentNote(state),
      unsavedNew(state),
      subscriptions.length
        ? el(
            'ul',
            { class: 'mapping-list', 'aria-label': 'Mappings' },
            subscriptions.map((subscription) => mappingCard(state, subscription, status))
          )
        : el('p', { class: 'off', text: 'No mapping: no event runs any action. Add one below.' }),
      addMapping(state)
    ),
    connectionPanel(state)
  )
}
