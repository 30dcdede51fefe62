import { getJson, type Refusal } from './api.js'
import { compact, el, jsonBox, pretty } from './dom.js'
import type { PageState } from './state.js'
import type { SimulatorView } from './types.js'

type Collection = keyof SimulatorView
type RecordRow = Record<string, unknown> & { id: string | number }

const RECORD_COLUMNS: Record<Collection, string[]> = {
  users: ['id', 'name', 'email', 'external_id', 'organization_id', 'role', 'time_zone', 'phone', 'user_fields'],
  organizations: ['id', 'name', 'external_id', 'domain_names', 'organization_fields'],
  memberships: ['id', 'user_id', 'organization_id', 'default'],
  tickets: ['id', 'external_id', 'subject', 'status', 'priority', 'group_id', 'requester_id', 'comments'],
  events: ['type', 'user_id', 'source', 'properties', 'created_at']
}
const RECORD_TITLES: Record<Collection, string> = {
  users: 'Users',
  organizations: 'Organizations',
  memberships: 'Organization memberships',
  tickets: 'Tickets',
  events: 'Events'
}
const RECORDS_PER_PAGE = 20

function cellText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) {
    if (value.length === 0) return '—'
    if (value.every((item) => item !== null && typeof item === 'object')) {
      return `${value.length} ${value.length === 1 ? key.replace(/s$/, '') : key}`
    }
    return value.join(', ')
  }
  if (typeof value === 'object') return Object.keys(value).length ? compact(value) : '—'
  return String(value)
}

function recordsTable(
  collection: Collection,
  records: RecordRow[],
  changeOf: (record: RecordRow) => string
): HTMLElement {
  const columns = RECORD_COLUMNS[collection]
  const head = el(
    'tr',
    {},
    el('th', { text: 'change' }),
    columns.map((column) => el('th', { text: column }))
  )
  const rows = records.map((record) => {
    const change = changeOf(record)
    return el(
      'tr',
      { class: change },
      el('td', { class: 'change' }, change ? el('span', { class: `tag ${change}`, text: change }) : null),
      columns.map((column) => el('td', { text: cellText(column, record[column]) }))
    )
  })
  return el(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': `${RECORD_TITLES[collection]} records` },
    el('table', { class: 'grid records', 'data-collection': collection }, el('thead', {}, head), el('tbody', {}, rows))
  )
}

/** One page of a collection's records, with buttons for the others; opens on the first page with a change. */
function recordsPage(
  state: PageState,
  collection: Collection,
  records: RecordRow[],
  changeOf: (record: RecordRow) => string,
  jumpToChange: boolean
): HTMLElement {
  const pages = Math.max(1, Math.ceil(records.length / RECORDS_PER_PAGE))
  const firstChanged = records.findIndex((record) => changeOf(record))
  if (jumpToChange && firstChanged >= 0) state.recordPages[collection] = Math.floor(firstChanged / RECORDS_PER_PAGE)
  const current = Math.min(state.recordPages[collection] ?? 0, pages - 1)
  const from = current * RECORDS_PER_PAGE
  const shown = records.slice(from, from + RECORDS_PER_PAGE)
  const container = el('div', { class: 'records-page' }, recordsTable(collection, shown, changeOf))
  if (pages === 1) return container
  const go = (target: number) => {
    state.recordPages[collection] = target
    container.replaceWith(recordsPage(state, collection, records, changeOf, false))
  }
  const previous = el('button', { type: 'button', class: 'quiet', text: 'Previous', disabled: current === 0 })
  const next = el('button', { type: 'button', class: 'quiet', text: 'Next', disabled: current >= pages - 1 })
  previous.addEventListener('click', () => go(current - 1))
  next.addEventListener('click', () => go(current + 1))
  const range = el('span', { class: 'muted', text: `${from + 1}–${from + shown.length} of ${records.length}` })
  container.append(el('div', { class: 'row pager' }, previous, range, next))
  return container
}

function collectionView(state: PageState, collection: Collection, records: RecordRow[]): HTMLElement {
  const changes = new Map(
    state.lastChanges
      .filter((change) => change.collection === collection)
      .map((change) => [String(change.id), change.change])
  )
  const changeOf = (record: RecordRow) => changes.get(String(record.id)) ?? ''
  return el(
    'div',
    { class: 'collection', id: `records-${collection}` },
    el('h3', { text: `${RECORD_TITLES[collection]} (${records.length})` }),
    records.length
      ? recordsPage(state, collection, records, changeOf, true)
      : el('p', { class: 'muted', text: 'None.' }),
    records.length
      ? el(
          'details',
          {},
          el('summary', { text: `Every field (JSON${records.length > 200 ? ', the first 200' : ''})` }),
          jsonBox(`${RECORD_TITLES[collection]}: every field`, pretty(records.slice(0, 200)))
        )
      : null
  )
}

/** The simulator's records; those the last send or test created or changed are marked. */
export function recordsView(state: PageState): HTMLElement {
  const note = el('p', { id: 'records-note', class: 'hint', text: 'Loading the records…' })
  const body = el('div', { id: 'records-body' })
  getJson<SimulatorView & Refusal>('/simulator/state')
    .then(({ status, body: records }) => {
      if (status !== 200) {
        note.textContent = `${records.error} Look in your Zendesk account for the records.`
        return
      }
      note.textContent = 'The embedded simulator’s records. Rows the last send or test created or changed are marked.'
      const collections = Object.keys(RECORD_COLUMNS) as Collection[]
      body.replaceChildren(
        ...collections.map((collection) =>
          collectionView(state, collection, (records[collection] ?? []) as unknown as RecordRow[])
        )
      )
    })
    .catch(state.reportFailure)
  return el(
    'section',
    { id: 'records', class: 'panel', 'aria-labelledby': 'records-title' },
    el('h2', { id: 'records-title', text: 'Zendesk records' }),
    note,
    body
  )
}
