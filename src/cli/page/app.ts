// The local mapping page: a list of mappings, one open at a time in steps, the event sender and the records.
import { getJson } from './api.js'
import { byId, show } from './dom.js'
import { listView } from './list-view.js'
import { mappingView } from './mapping-view.js'
import { placeOf, urlOf, type Place } from './places.js'
import { recordsView } from './records-view.js'
import { sendView } from './send-view.js'
import type { PageState } from './state.js'
import type { Example, PageModel } from './types.js'

function reportFailure(error: unknown): void {
  byId('load-error').textContent =
    `The page could not talk to the local host: ${(error as Error)?.message ?? String(error)}`
  show(byId('load-error'), true)
}

function viewOf(state: PageState, place: Place): HTMLElement {
  switch (place.view) {
    case 'mapping':
      return mappingView(state, place)
    case 'send':
      return sendView(state)
    case 'records':
      return recordsView(state)
    default:
      return listView(state)
  }
}

/** The header's links: the one for the view shown is marked current. */
function markCurrent(place: Place): void {
  const current = place.view === 'mapping' ? 'list' : place.view
  document.querySelectorAll<HTMLAnchorElement>('nav.views a[data-view]').forEach((link) => {
    if (link.dataset.view === current) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  })
}

function render(state: PageState): void {
  const place = placeOf(window.location.search)
  markCurrent(place)
  state.view.replaceChildren(viewOf(state, place))
  const title = state.view.querySelector('h2')?.textContent
  document.title = `${title ? `${title} · ` : ''}Zendesk destination · local mapping page`
}

/** The header's links move within the page (a new history entry) rather than loading it again. */
function followViewLinks(state: PageState): void {
  document.querySelectorAll<HTMLAnchorElement>('nav.views a[data-view]').forEach((link) =>
    link.addEventListener('click', (click) => {
      if (click.ctrlKey || click.metaKey || click.shiftKey || click.button !== 0) return
      click.preventDefault()
      state.go(placeOf(new URL(link.href).search))
    })
  )
}

async function start(): Promise<void> {
  const [model, examples] = await Promise.all([
    getJson<PageModel>('/mapping/model'),
    getJson<{ examples: Example[] }>('/mapping/examples')
  ])
  byId('target').textContent = model.body.target.description
  byId('target').className = `target ${model.body.target.kind}`
  const state: PageState = {
    model: model.body,
    examples: examples.body.examples,
    choices: new Map(),
    recordPages: {},
    lastChanges: [],
    view: byId('view'),
    go: (place) => {
      history.pushState(null, '', urlOf(place))
      render(state)
      window.scrollTo(0, 0)
    },
    render: () => render(state),
    reportFailure
  }
  window.addEventListener('popstate', () => render(state))
  followViewLinks(state)
  render(state)
}

start().catch(reportFailure)
