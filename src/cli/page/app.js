/* global document, fetch */
// The local mapping page. Data is only ever put on the page as text (textContent / text nodes), never as HTML.

const RECORD_COLUMNS = {
  users: ['id', 'name', 'email', 'external_id', 'organization_id', 'role', 'time_zone', 'phone', 'user_fields'],
  organizations: ['id', 'name', 'external_id', 'domain_names', 'organization_fields'],
  memberships: ['id', 'user_id', 'organization_id', 'default'],
  tickets: ['id', 'external_id', 'subject', 'status', 'priority', 'requester_id', 'comments'],
  events: ['type', 'user_id', 'source', 'properties', 'created_at']
}
const RECORD_TITLES = {
  users: 'Users',
  organizations: 'Organizations',
  memberships: 'Organization memberships',
  tickets: 'Tickets',
  events: 'Events'
}

const page = {
  model: undefined,
  /** the subscriptions being edited: { id, name, partnerAction, subscribe, mappingText } */
  editors: [],
  /** JSON of the subscriptions as last loaded or saved, to tell whether there are edits */
  savedJson: '',
  /** `${collection}:${id}` → the record as JSON, from the last records shown */
  seenRecords: undefined,
  nextEditorId: 1
}

const $ = (id) => document.getElementById(id)

/** A DOM element; strings among the children become text nodes, so nothing is parsed as HTML. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = value
    else node.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child)
  }
  return node
}

const pretty = (value) => JSON.stringify(value, null, 2)
const compact = (value) => JSON.stringify(value)

/** A mapping with one field per line, each value on its line as compact JSON: short and easy to edit. */
function mappingText(mapping) {
  const entries = Object.entries(mapping ?? {})
  if (entries.length === 0) return '{}'
  return `{\n${entries.map(([key, value]) => `  ${compact(key)}: ${compact(value)}`).join(',\n')}\n}`
}

function show(node, visible) {
  node.hidden = !visible
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } })
  const body = await response.json()
  return { status: response.status, body }
}

async function postJson(path, value) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(value)
  })
  const body = await response.json()
  return { status: response.status, body }
}

function setStatus(node, text, kind) {
  node.textContent = text
  node.className = `status ${kind ?? ''}`
}

/* ---------- mapping file and subscriptions being edited ---------- */

function editorFor(subscription) {
  return {
    id: page.nextEditorId++,
    name: subscription.name,
    partnerAction: subscription.partnerAction,
    subscribe: subscription.subscribe,
    mappingText: mappingText(subscription.mapping)
  }
}

/** The edited subscriptions as the host takes them; a mapping that is not JSON is sent as text so the host names it. */
function editedSubscriptions() {
  return page.editors.map((editor) => {
    let mapping
    try {
      mapping = JSON.parse(editor.mappingText)
    } catch {
      mapping = editor.mappingText
    }
    return { name: editor.name, partnerAction: editor.partnerAction, subscribe: editor.subscribe, mapping }
  })
}

const hasEdits = () => compact(editedSubscriptions()) !== page.savedJson

function mappingJsonProblems() {
  const problems = []
  page.editors.forEach((editor, index) => {
    try {
      JSON.parse(editor.mappingText)
    } catch (error) {
      problems.push(
        `Subscription ${index + 1} (${editor.partnerAction}): the mapping is not valid JSON: ${error.message}`
      )
    }
  })
  return problems
}

function renderMappingFile() {
  const { mappingFile } = page.model
  const note = $('mapping-file')
  note.replaceChildren()
  if (mappingFile.inUse) {
    note.append(
      'The host reads its subscriptions from ',
      el('code', { text: mappingFile.path }),
      '. Save writes them there, and the host uses them at once.'
    )
  } else {
    note.append(
      'The host runs the presets (it was started without ',
      el('code', { text: '--mapping' }),
      '). Save writes ',
      el('code', { text: mappingFile.path }),
      mappingFile.exists ? ' (it exists and will be replaced)' : '',
      ', and from then on the host reads its subscriptions from that file. Next time, start with ',
      el('code', { text: `npm start -- --mapping ${mappingFile.path}` }),
      '.'
    )
  }
}

function renderSaveState() {
  const edited = hasEdits()
  $('save').disabled = !edited
  if (edited) setStatus($('save-status'), 'Unsaved changes', 'warn')
  else if (!$('save-status').classList.contains('ok')) setStatus($('save-status'), 'No unsaved changes', 'muted')
}

function showProblems(list, problems) {
  list.replaceChildren(...problems.map((problem) => el('li', { text: problem })))
  show(list, problems.length > 0)
}

/** Where a new subscription goes: after the last one of the same or an earlier action, so actions run in order. */
function insertionIndex(actionKey) {
  const order = page.model.actions.map((action) => action.key)
  const rank = order.indexOf(actionKey)
  let index = 0
  page.editors.forEach((editor, i) => {
    if (order.indexOf(editor.partnerAction) <= rank) index = i + 1
  })
  return index
}

/** A field's default mapping in words: `$.traits.email`, `$.traits.first_name, else $.traits.firstName`. */
function describeDefault(value) {
  if (value === null || typeof value !== 'object') return compact(value)
  const keys = Object.keys(value)
  if (keys.length === 1 && typeof value['@path'] === 'string') return value['@path']
  if (keys.length === 1 && typeof value['@template'] === 'string') return value['@template']
  const condition = keys.length === 1 ? value['@if'] : undefined
  if (condition && typeof condition === 'object') {
    const otherwise = condition.else === undefined ? 'nothing' : describeDefault(condition.else)
    if (condition.exists !== undefined && compact(condition.exists) === compact(condition.then)) {
      return `${describeDefault(condition.then)}, else ${otherwise}`
    }
    const test = condition.exists !== undefined ? 'exists' : 'is blank'
    const subject = describeDefault(condition.exists ?? condition.blank)
    return `if ${subject} ${test}: ${describeDefault(condition.then)}, else ${otherwise}`
  }
  return compact(value)
}

/** e.g. `string list, required, choices from your Zendesk account` */
function fieldKind(field) {
  const notes = [field.multiple ? `${field.type} list` : field.type]
  if (field.required) notes.push('required')
  if (field.dynamic) notes.push('choices from your Zendesk account')
  return notes.join(', ')
}

function fieldsTable(action) {
  return el(
    'table',
    { class: 'grid fields' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { text: 'Field' }),
        el('th', { text: 'Description' }),
        el('th', { text: 'Default mapping' })
      )
    ),
    el(
      'tbody',
      {},
      action.fields.map((field) =>
        el(
          'tr',
          {},
          el(
            'td',
            { class: 'field-name' },
            el('strong', { text: field.label }),
            el(
              'div',
              {},
              el('code', { text: field.key }),
              el('span', {
                class: 'muted',
                text: ` ${fieldKind(field)}`
              })
            )
          ),
          el('td', { text: field.description }),
          el(
            'td',
            {},
            field.default === undefined
              ? el('span', { class: 'muted', text: 'none' })
              : el('code', { text: describeDefault(field.default), title: compact(field.default) })
          )
        )
      )
    )
  )
}

function subscriptionEditor(editor, action) {
  const number = page.editors.indexOf(editor) + 1
  const mappingError = el('p', { class: 'problem small', hidden: true })
  const checkMapping = () => {
    try {
      JSON.parse(editor.mappingText)
      show(mappingError, false)
    } catch (error) {
      mappingError.textContent = `Not valid JSON: ${error.message}`
      show(mappingError, true)
    }
  }
  const name = el('input', { type: 'text', id: `name-${editor.id}`, value: editor.name })
  const subscribe = el('input', {
    type: 'text',
    id: `subscribe-${editor.id}`,
    class: 'mono',
    value: editor.subscribe,
    spellcheck: 'false'
  })
  const mapping = el('textarea', {
    id: `mapping-${editor.id}`,
    class: 'mono',
    rows: Math.min(16, editor.mappingText.split('\n').length + 1),
    wrap: 'off',
    spellcheck: 'false',
    'data-action': editor.partnerAction
  })
  mapping.value = editor.mappingText
  name.addEventListener('input', () => {
    editor.name = name.value
    renderSaveState()
  })
  subscribe.addEventListener('input', () => {
    editor.subscribe = subscribe.value
    renderSaveState()
  })
  mapping.addEventListener('input', () => {
    editor.mappingText = mapping.value
    checkMapping()
    renderSaveState()
  })
  const reset = el('button', { type: 'button', class: 'quiet', text: 'Reset to preset' })
  reset.addEventListener('click', () => {
    editor.subscribe = action.preset.subscribe
    editor.mappingText = mappingText(action.preset.mapping)
    renderActions()
  })
  const remove = el('button', { type: 'button', class: 'quiet danger', text: 'Remove' })
  remove.addEventListener('click', () => {
    page.editors.splice(page.editors.indexOf(editor), 1)
    renderActions()
  })
  return el(
    'div',
    { class: 'subscription', 'data-subscription': String(number) },
    el(
      'div',
      { class: 'subscription-head' },
      el('span', { class: 'tag', text: `Subscription ${number}` }),
      el('span', { class: 'spacer' }),
      action.preset ? reset : null,
      remove
    ),
    el('label', { for: name.id, text: 'Name (shown in results)' }),
    name,
    el('label', { for: subscribe.id, text: 'Subscribe (which events, in FQL)' }),
    subscribe,
    el('label', {
      for: mapping.id,
      text: 'Mapping (JSON: each field → a value or a directive)'
    }),
    mapping,
    mappingError
  )
}

function renderActions() {
  const container = $('actions')
  container.replaceChildren()
  for (const action of page.model.actions) {
    const editors = page.editors.filter((editor) => editor.partnerAction === action.key)
    const add = el('button', {
      type: 'button',
      class: 'quiet',
      text: editors.length ? 'Add another subscription' : 'Enable with the preset'
    })
    add.addEventListener('click', () => {
      const preset = action.preset ?? { name: action.title, partnerAction: action.key, subscribe: '', mapping: {} }
      page.editors.splice(insertionIndex(action.key), 0, editorFor(preset))
      renderActions()
    })
    container.append(
      el(
        'article',
        { class: 'action', id: `action-${action.key}` },
        el(
          'div',
          { class: 'action-head' },
          el('h3', { text: action.title }),
          el('code', { class: 'key', text: action.key })
        ),
        el('p', { class: 'description', text: action.description }),
        el(
          'p',
          { class: 'preset' },
          el('span', { class: 'muted', text: 'Preset subscription ' }),
          action.preset ? el('code', { text: action.preset.subscribe }) : el('span', { text: 'none' })
        ),
        el(
          'div',
          { class: 'action-body' },
          el(
            'div',
            { class: 'action-fields' },
            el('h4', { text: `Fields (${action.fields.length})` }),
            fieldsTable(action)
          ),
          el(
            'div',
            { class: 'action-subscriptions' },
            el('h4', { text: 'Subscriptions' }),
            editors.length
              ? editors.map((editor) => subscriptionEditor(editor, action))
              : el('p', { class: 'off', text: 'Not enabled: no subscription runs this action.' }),
            el('div', { class: 'row' }, add)
          )
        )
      )
    )
  }
  renderSaveState()
}

async function saveMappings() {
  const problems = mappingJsonProblems()
  showProblems($('save-problems'), problems)
  if (problems.length) {
    setStatus($('save-status'), 'Not saved', 'bad')
    return
  }
  setStatus($('save-status'), 'Saving…', 'muted')
  const { status, body } = await postJson('/mapping/save', { subscriptions: editedSubscriptions() })
  if (status !== 200) {
    showProblems($('save-problems'), body.problems ?? [body.error])
    setStatus($('save-status'), 'Not saved', 'bad')
    return
  }
  await loadModel()
  setStatus($('save-status'), `Saved to ${body.saved}${body.switched ? ' — the host now reads this file' : ''}`, 'ok')
}

/* ---------- sending an event ---------- */

function outcomeBadge(result) {
  return el('span', { class: `badge ${result.result}`, text: `${result.result} · ${result.status}` })
}

function exchangeView(exchange) {
  const { request, response } = exchange
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
    request.body === undefined ? null : el('pre', { class: 'json', text: pretty(request.body) }),
    el(
      'details',
      {},
      el('summary', { text: `Response ${response.status}` }),
      el('pre', { class: 'json', text: response.body === undefined ? '(empty)' : pretty(response.body) })
    )
  )
}

function actionResultView(result) {
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
    el('pre', {
      class: 'json',
      text: result.payload === undefined ? '(the mapping gave no payload)' : pretty(result.payload)
    }),
    el('h5', { text: `Zendesk requests (${requests.length})` }),
    requests.length
      ? el('ol', { class: 'exchanges' }, requests.map(exchangeView))
      : el('p', { class: 'muted', text: 'No request was sent.' })
  )
}

function renderResult(answer) {
  const { event, subscriptions, report } = answer
  show($('result-empty'), false)
  show($('result-body'), true)
  $('result-event').replaceChildren(
    el('strong', { text: report.description }),
    el('span', { class: 'muted', text: ` · messageId ${event.messageId}` })
  )
  $('matches').replaceChildren(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { text: 'Matches' }),
        el('th', { text: 'Subscription' }),
        el('th', { text: 'Action' }),
        el('th', { text: 'Subscribe' })
      )
    ),
    el(
      'tbody',
      {},
      subscriptions.map((subscription) =>
        el(
          'tr',
          { class: subscription.matches ? 'matched' : 'unmatched' },
          el(
            'td',
            {},
            el('span', {
              class: `mark ${subscription.matches ? 'yes' : 'no'}`,
              text: subscription.matches ? '✓ yes' : '– no'
            })
          ),
          el('td', { text: subscription.name }),
          el('td', { class: 'nowrap' }, el('code', { text: subscription.partnerAction })),
          el('td', {}, el('code', { text: subscription.subscribe }))
        )
      )
    )
  )
  $('actions-run').replaceChildren(
    ...(report.actions.length
      ? report.actions.map(actionResultView)
      : [el('p', { class: 'off', text: 'No subscription matches this event: nothing was sent to Zendesk.' })])
  )
  if (answer.state) renderRecords(answer.state)
}

async function sendEvent() {
  show($('event-error'), false)
  let event
  try {
    event = JSON.parse($('event').value)
  } catch (error) {
    $('event-error').textContent = `The event is not valid JSON: ${error.message}`
    show($('event-error'), true)
    return
  }
  const problems = mappingJsonProblems()
  if (problems.length) {
    $('event-error').textContent = problems.join(' ')
    show($('event-error'), true)
    return
  }
  $('send').disabled = true
  setStatus($('send-status'), 'Sending…', 'muted')
  try {
    const request = hasEdits() ? { event, subscriptions: editedSubscriptions() } : { event }
    const { status, body } = await postJson('/mapping/send', request)
    if (status !== 200) {
      $('event-error').textContent = [
        body.error,
        ...(body.problems && body.problems.length > 1 ? body.problems : [])
      ].join(' ')
      show($('event-error'), true)
      setStatus($('send-status'), 'Not sent', 'bad')
      return
    }
    renderResult(body)
    const counts = body.report.actions.reduce(
      (all, result) => ({ ...all, [result.result]: (all[result.result] ?? 0) + 1 }),
      {}
    )
    const summary = Object.entries(counts)
      .map(([outcome, count]) => `${count} ${outcome}`)
      .join(', ')
    setStatus(
      $('send-status'),
      `Sent: ${summary || 'no action matched'}${request.subscriptions ? ' (with unsaved edits)' : ''}`,
      'ok'
    )
  } finally {
    $('send').disabled = false
  }
}

/* ---------- Zendesk records ---------- */

function cellText(key, value) {
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

function recordsTable(collection, records, previous) {
  const columns = RECORD_COLUMNS[collection]
  return el(
    'table',
    { class: 'grid records', 'data-collection': collection },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { text: '' }),
        columns.map((column) => el('th', { text: column }))
      )
    ),
    el(
      'tbody',
      {},
      records.map((record) => {
        const key = `${collection}:${record.id}`
        const change =
          previous === undefined
            ? ''
            : !previous.has(key)
              ? 'new'
              : previous.get(key) !== compact(record)
                ? 'changed'
                : ''
        return el(
          'tr',
          { class: change },
          el('td', { class: 'change' }, change ? el('span', { class: `tag ${change}`, text: change }) : null),
          columns.map((column) => el('td', { text: cellText(column, record[column]) }))
        )
      })
    )
  )
}

function renderRecords(state) {
  const previous = page.seenRecords
  const seen = new Map()
  const body = $('records-body')
  body.replaceChildren()
  for (const collection of Object.keys(RECORD_COLUMNS)) {
    const records = state[collection] ?? []
    records.forEach((record) => seen.set(`${collection}:${record.id}`, compact(record)))
    body.append(
      el(
        'div',
        { class: 'collection', id: `records-${collection}` },
        el('h3', { text: `${RECORD_TITLES[collection]} (${records.length})` }),
        records.length ? recordsTable(collection, records, previous) : el('p', { class: 'muted', text: 'None.' }),
        records.length
          ? el(
              'details',
              {},
              el('summary', { text: 'Every field (JSON)' }),
              el('pre', { class: 'json', text: pretty(records) })
            )
          : null
      )
    )
  }
  page.seenRecords = seen
}

async function loadRecords() {
  const { status, body } = await getJson('/simulator/state')
  if (status !== 200) {
    $('records-note').textContent = `${body.error} Look in your Zendesk account for the records.`
    return
  }
  $('records-note').textContent = 'The embedded simulator’s records. Rows the last event created or changed are marked.'
  renderRecords(body)
}

/* ---------- start ---------- */

async function loadModel() {
  const { body } = await getJson('/mapping/model')
  page.model = body
  page.editors = body.subscriptions.map(editorFor)
  page.savedJson = compact(editedSubscriptions())
  $('target').textContent = body.target.description
  $('target').className = `target ${body.target.kind}`
  renderMappingFile()
  renderActions()
}

async function loadExamples() {
  const { body } = await getJson('/mapping/examples')
  const select = $('example')
  body.examples.forEach((example, index) => select.append(el('option', { value: String(index), text: example.label })))
  const fill = () => {
    const example = body.examples[Number(select.value)]
    if (select.value !== '' && example) $('event').value = pretty(example.event)
  }
  select.addEventListener('change', fill)
  const firstIdentify = body.examples.findIndex((example) => example.event.type === 'identify')
  select.value = String(Math.max(0, firstIdentify))
  fill()
  $('event').addEventListener('input', () => {
    const example = body.examples[Number(select.value)]
    if (select.value !== '' && example && $('event').value !== pretty(example.event)) select.value = ''
  })
}

function reportFailure(error) {
  $('load-error').textContent = `The page could not talk to the local host: ${error.message}`
  show($('load-error'), true)
}

$('send').addEventListener('click', () => sendEvent().catch(reportFailure))
$('save').addEventListener('click', () => saveMappings().catch(reportFailure))
$('event').addEventListener('keydown', (keyEvent) => {
  if (keyEvent.key === 'Enter' && (keyEvent.ctrlKey || keyEvent.metaKey)) sendEvent().catch(reportFailure)
})

Promise.all([loadModel(), loadExamples(), loadRecords()]).catch(reportFailure)
