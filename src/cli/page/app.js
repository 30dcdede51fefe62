/* global document, window, fetch, structuredClone, setTimeout, clearTimeout, URL */
// The local mapping page. Data is only ever put on the page as text (textContent / text nodes), never as HTML.

const RECORD_COLUMNS = {
  users: ['id', 'name', 'email', 'external_id', 'organization_id', 'role', 'time_zone', 'phone', 'user_fields'],
  organizations: ['id', 'name', 'external_id', 'domain_names', 'organization_fields'],
  memberships: ['id', 'user_id', 'organization_id', 'default'],
  tickets: ['id', 'external_id', 'subject', 'status', 'priority', 'group_id', 'requester_id', 'comments'],
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
  nextEditorId: 1,
  /** `${action}:${field}` → the account's choices loaded so far: { choices, nextPage, error, loaded } */
  choices: new Map(),
  /** collection → the page of its records shown */
  recordPages: {}
}

/** Where a mapping keeps the action's sync mode (actions-core reads it there). */
const SYNC_MODE_KEY = '__segment_internal_sync_mode'
const RECORDS_PER_PAGE = 20

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
    mapping: structuredClone(subscription.mapping ?? {}),
    mappingText: mappingText(subscription.mapping),
    /** editing the raw JSON instead of field by field */
    advanced: false,
    /** field → the form picked for its value in the field-by-field editor */
    modes: {},
    /** what the host said the edits do with the example event */
    preview: undefined
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
  page.editors.forEach((editor) => {
    try {
      JSON.parse(editor.mappingText)
    } catch (error) {
      problems.push(`${actionTitle(editor.partnerAction)}: the mapping is not valid JSON: ${error.message}`)
    }
  })
  return problems
}

const actionTitle = (key) => page.model.actions.find((action) => action.key === key)?.title ?? key

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
  if (field.dynamic) notes.push(`${field.objectChoices?.keys ? 'keys' : 'choices'} from your Zendesk account`)
  return notes.join(', ')
}

/* ---------- the field-by-field editor ---------- */

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value)
const sameJson = (a, b) => compact(a) === compact(b)
const pathOf = (value) => (isPlainObject(value) && Object.keys(value).length === 1 ? value['@path'] : undefined)

/** The example event on the left, or undefined while its JSON does not parse. */
function currentEvent() {
  try {
    const event = JSON.parse($('event').value)
    return isPlainObject(event) ? event : undefined
  } catch {
    return undefined
  }
}

/** `$.traits` and `plan` → `$.traits.plan`; a key that is not a name is quoted: `$.properties["360000000021"]`. */
const childPath = (path, key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${compact(key)}]`)

/** Every path of the event with its value there: `$.traits.email` → "homer@…" (objects and lists too). */
function eventPaths(event) {
  const paths = []
  const walk = (value, path, depth) => {
    if (path !== '$') paths.push({ path, value })
    if (depth < 6 && isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, childPath(path, key), depth + 1)
    }
  }
  walk(event ?? {}, '$', 0)
  return paths
}

const shortValue = (value) => {
  const text = value === undefined ? 'not in this event' : compact(value)
  return text.length > 48 ? `${text.slice(0, 47)}…` : text
}

/** How a field's mapping value is edited: which of the builder's forms it has. */
function modeOf(field, value) {
  if (value === undefined) return 'none'
  if (field.default !== undefined && sameJson(value, field.default)) return 'default'
  if (typeof pathOf(value) === 'string') return 'path'
  if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value['@template'] === 'string') {
    return 'template'
  }
  const condition = isPlainObject(value) && Object.keys(value).length === 1 ? value['@if'] : undefined
  if (
    isPlainObject(condition) &&
    typeof pathOf(condition.exists) === 'string' &&
    sameJson(condition.exists, condition.then) &&
    (condition.else === undefined || typeof pathOf(condition.else) === 'string' || !isPlainObject(condition.else))
  ) {
    return 'if'
  }
  if (field.type === 'object' && isKeysObject(value)) return 'keys'
  if (!isPlainObject(value) && !(Array.isArray(value) && value.some(isPlainObject))) return 'literal'
  return 'json'
}

/** An object that is not a directive: each of its keys is a key of the mapped object. */
const isKeysObject = (value) => isPlainObject(value) && Object.keys(value).every((key) => !key.startsWith('@'))

/** The form shown: the one picked stays, even when its value reads as another (a path equal to the default). */
function shownMode(editor, field, value) {
  const picked = editor.modes[field.key]
  return picked && (picked === 'json' || modeOf(field, value) === 'default') ? picked : modeOf(field, value)
}

const MODES = [
  ['none', 'Not mapped'],
  ['default', 'Default'],
  ['path', 'Event path'],
  ['literal', 'Fixed value'],
  ['keys', 'Key by key'],
  ['if', 'Path if it exists, else…'],
  ['template', 'Template'],
  ['json', 'JSON (any directive)']
]

/** The forms a field's value can take: key by key only for an object, a fixed value only for anything else. */
function modesFor(field, mode) {
  const offered = {
    default: field.default !== undefined,
    keys: field.type === 'object',
    literal: field.type !== 'object'
  }
  return MODES.filter(([key]) => key === mode || (offered[key] ?? true))
}

/** The forms the value of one key of an object field can take. */
const KEY_MODES = MODES.filter(([key]) => ['path', 'literal', 'if', 'template', 'json'].includes(key))

function modeSelect(attributes, modes, mode, onChange) {
  const select = el(
    'select',
    attributes,
    modes.map(([key, text]) => el('option', { value: key, text }))
  )
  select.value = mode
  select.addEventListener('change', () => onChange(select.value))
  return select
}

/** A fixed value typed as text, turned into the field's type where it reads as one. */
function literalFrom(field, text) {
  if (field.multiple) {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  }
  if ((field.type === 'integer' || field.type === 'number') && text.trim() !== '' && !Number.isNaN(Number(text))) {
    return Number(text)
  }
  if (field.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}

const literalText = (value) => (Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value))

/** An else value typed as text: `$.a.b` is that path, anything else a fixed value. */
const elseFrom = (field, text) =>
  text.trim() === '' ? undefined : text.trim().startsWith('$.') ? { '@path': text.trim() } : literalFrom(field, text)
const elseText = (value) => (typeof pathOf(value) === 'string' ? pathOf(value) : literalText(value))

/** A starting value when the person switches a field to another form. */
function startValue(mode, field, current, paths) {
  const currentPath = pathOf(current) ?? paths.find((entry) => !isPlainObject(entry.value))?.path ?? '$.userId'
  switch (mode) {
    case 'default':
      return structuredClone(field.default)
    case 'path':
      return { '@path': currentPath }
    case 'literal':
      return field.type === 'boolean' ? true : ''
    case 'if':
      return { '@if': { exists: { '@path': currentPath }, then: { '@path': currentPath }, else: '' } }
    case 'template':
      return { '@template': `{{${currentPath.replace(/^\$\./, '')}}}` }
    case 'keys':
      return isKeysObject(current) ? current : {}
    case 'json':
      return current ?? {}
    default:
      return undefined
  }
}

function setFieldValue(editor, key, value) {
  const mapping = { ...(editor.mapping ?? {}) }
  if (value === undefined) delete mapping[key]
  else mapping[key] = value
  editor.mapping = mapping
  editor.mappingText = mappingText(mapping)
  mappingEdited(editor)
}

/** A select of the event's paths, each with its value there; a mapped path the event lacks stays listed. */
function pathSelect(id, label, current, paths, onChange) {
  const options = paths.map((entry) =>
    el('option', { value: entry.path, text: `${entry.path} = ${shortValue(entry.value)}` })
  )
  if (current && !paths.some((entry) => entry.path === current)) {
    options.unshift(el('option', { value: current, text: `${current} (not in this event)` }))
  }
  const select = el('select', { id, class: 'mono path-select', 'aria-label': label }, options)
  select.value = current ?? ''
  select.addEventListener('change', () => onChange(select.value))
  return select
}

/** The mapped field an action's account choices depend on: a custom object's fields are those of the object chosen. */
const CHOICES_DEPEND_ON = { upsertCustomObjectRecord: 'custom_object_key' }

/** The mapped value the choices of `dynamicKey` depend on, sent as the payload of their request ({} when none). */
function choicesPayload(editor, dynamicKey) {
  const key = CHOICES_DEPEND_ON[editor.partnerAction]
  const value = key && dynamicKey !== key ? editor.mapping?.[key] : undefined
  return typeof value === 'string' ? { [key]: value } : {}
}

const choicesKey = (editor, dynamicKey) =>
  `${editor.partnerAction}:${dynamicKey}:${compact(choicesPayload(editor, dynamicKey))}`

/** The account's choices loaded so far for a field (`group_id`) or a part of an object field (`user_fields.__keys__`). */
function choicesState(editor, dynamicKey) {
  const key = choicesKey(editor, dynamicKey)
  if (!page.choices.has(key)) page.choices.set(key, { choices: [], loaded: false })
  return page.choices.get(key)
}

/** Loads the next page of choices (the first while none is loaded); a load under way is shared, not repeated. */
function loadChoices(editor, dynamicKey) {
  const state = choicesState(editor, dynamicKey)
  const payload = choicesPayload(editor, dynamicKey)
  state.loading ??= postJson('/mapping/choices', {
    action: editor.partnerAction,
    field: dynamicKey,
    payload,
    page: state.nextPage
  })
    .then(({ body }) => {
      state.choices = [...state.choices, ...(body.choices ?? [])]
      state.nextPage = body.nextPage
      state.error = body.error?.message ?? body.error
      state.loaded = true
    })
    .finally(() => {
      state.loading = undefined
    })
  return state.loading
}

/**
 * The account's choices for `dynamicKey`: search what is loaded, load the next page, pick one. Hidden when the account
 * has nothing to choose from (a text ticket field has no options).
 */
function choicesPicker({ id, editor, dynamicKey, label, noun = 'choices', isChosen, onPick }) {
  const state = choicesState(editor, dynamicKey)
  const listId = `${id}-choices`
  const search = el('input', {
    type: 'search',
    class: 'choices-search',
    value: state.search ?? '',
    placeholder: `Search the loaded ${noun}`,
    'aria-label': `Search the account's ${noun} for ${label}`,
    'aria-controls': listId
  })
  const list = el('ul', { id: listId, class: 'choices', 'aria-label': `${label}: the account's ${noun}` })
  const more = el('button', { type: 'button', class: 'quiet', text: 'Load more' })
  const error = el('p', { class: 'problem small', role: 'alert', hidden: true })
  const status = el('span', { class: 'status muted', role: 'status' })
  const wrapper = el('div', { class: 'picker' }, el('div', { class: 'row' }, search, status), list, more, error)
  const render = () => {
    const query = search.value.trim().toLowerCase()
    const shown = state.choices.filter((choice) =>
      `${choice.label} ${choice.value} ${choice.description ?? ''}`.toLowerCase().includes(query)
    )
    list.replaceChildren(
      ...shown.map((choice) => {
        const chosen = isChosen(choice)
        const button = el(
          'button',
          {
            type: 'button',
            class: `choice${chosen ? ' chosen' : ''}`,
            'aria-pressed': String(chosen),
            'data-value': choice.value
          },
          el('span', { text: choice.label }),
          el('code', { text: choice.value })
        )
        button.addEventListener('click', () => onPick(choice))
        return el('li', {}, button)
      })
    )
    show(wrapper, !(state.loaded && !state.error && !state.nextPage && state.choices.length === 0))
    show(list, shown.length > 0)
    show(more, Boolean(state.nextPage))
    status.textContent = state.loaded ? `${shown.length} of ${state.choices.length} loaded` : ''
    show(error, Boolean(state.error))
    error.textContent = state.error ? `${label}: ${state.error}` : ''
  }
  const load = () => {
    status.textContent = 'Loading…'
    return loadChoices(editor, dynamicKey).then(render)
  }
  // Kept with the choices: the field is drawn again when the example event or the mapping changes.
  search.addEventListener('input', () => {
    state.search = search.value
    render()
  })
  more.addEventListener('click', () => load().catch(reportFailure))
  if (state.loaded) render()
  else load().catch(reportFailure)
  return wrapper
}

/**
 * The controls of one value in its current form. `target` says whose value it is: `{ editor, action, field, id, label,
 * set, rerender }`, a field of the action or one key of an object field.
 */
function valueControls(target, mode, value, paths) {
  const { editor, field, id, label, set, rerender } = target
  switch (mode) {
    case 'default':
      return el('code', { class: 'default-value', text: describeDefault(field.default) })
    case 'path':
      return pathSelect(id, `${label}: event path`, pathOf(value), paths, (path) => set({ '@path': path }))
    case 'literal': {
      const controls = []
      if (field.choices || field.type === 'boolean') {
        const choices = field.choices ?? [
          { value: true, label: 'true' },
          { value: false, label: 'false' }
        ]
        const options = choices.map((choice) =>
          typeof choice === 'object'
            ? el('option', { value: compact(choice.value), text: choice.label })
            : el('option', { value: compact(choice), text: String(choice) })
        )
        const select = el('select', { id, 'aria-label': `${label}: value` }, options)
        if (!options.some((option) => option.value === compact(value))) {
          select.prepend(el('option', { value: compact(value), text: `${literalText(value)} (not an option)` }))
        }
        select.value = compact(value)
        select.addEventListener('change', () => set(JSON.parse(select.value)))
        controls.push(select)
      } else {
        const input = el('input', {
          id,
          type: 'text',
          class: 'literal',
          value: literalText(value),
          'aria-label': `${label}: value`,
          placeholder: field.multiple ? 'values, separated by commas' : ''
        })
        input.addEventListener('input', () => set(literalFrom(field, input.value)))
        controls.push(input)
      }
      if (field.dynamic && field.type !== 'object') {
        controls.push(
          choicesPicker({
            id,
            editor,
            dynamicKey: field.key,
            label: field.label,
            isChosen: (choice) => String(choice.value) === literalText(value),
            onPick: (choice) => {
              set(literalFrom(field, String(choice.value)))
              rerender()
            }
          })
        )
      }
      return controls
    }
    case 'if': {
      const condition = value['@if']
      const path = pathSelect(id, `${label}: path that must exist`, pathOf(condition.exists), paths, (next) =>
        set({ '@if': { ...condition, exists: { '@path': next }, then: { '@path': next } } })
      )
      const otherwise = el('input', {
        type: 'text',
        class: 'mono',
        value: elseText(condition.else),
        'aria-label': `${label}: else (a value, or a $. path)`,
        placeholder: 'else: a value, or a $. path'
      })
      otherwise.addEventListener('input', () => {
        const next = { ...condition, else: elseFrom(field, otherwise.value) }
        if (next.else === undefined) delete next.else
        set({ '@if': next })
      })
      return [path, el('span', { class: 'muted', text: 'if it exists, else' }), otherwise]
    }
    case 'template': {
      const input = el('input', {
        id,
        type: 'text',
        class: 'mono',
        value: value['@template'],
        'aria-label': `${label}: template`
      })
      input.addEventListener('input', () => set({ '@template': input.value }))
      const insert = pathSelect(`${id}-insert`, `${label}: insert an event path`, '', paths, (path) => {
        input.value += `{{${path.replace(/^\$\./, '')}}}`
        set({ '@template': input.value })
      })
      insert.prepend(el('option', { value: '', text: 'Insert a path…' }))
      insert.value = ''
      return [input, insert]
    }
    case 'keys':
      return keysEditor(target, value, paths)
    case 'json': {
      const input = el('input', {
        id,
        type: 'text',
        class: 'mono',
        value: compact(value),
        'aria-label': `${label}: JSON value or directive`
      })
      const problem = el('span', { class: 'problem small', hidden: true })
      input.addEventListener('input', () => {
        try {
          set(JSON.parse(input.value))
          show(problem, false)
        } catch (error) {
          problem.textContent = `Not JSON yet: ${error.message}`
          show(problem, true)
        }
      })
      return [input, problem]
    }
    default:
      return el('span', { class: 'muted', text: field.required ? 'Required: map a value.' : 'Nothing is sent.' })
  }
}

/**
 * An object field edited key by key, as on Segment's mapping screen: a row per key of the mapping's object, and a
 * key to add, typed or picked from the account's keys (user field keys, ticket field ids).
 */
function keysEditor(target, value, paths) {
  const { editor, field, id, set, rerender } = target
  const keysKey = `${field.key}.__keys__`
  const keys = field.objectChoices?.keys ? choicesState(editor, keysKey) : undefined
  // The rows show the keys' labels and value types from the account: drawn again once those are loaded.
  if (keys && !keys.loaded) loadChoices(editor, keysKey).then(rerender).catch(reportFailure)
  const object = () => editor.mapping?.[field.key] ?? {}
  const setKey = (key, next) => set({ ...object(), [key]: next })
  const removeKey = (key) => {
    const rest = { ...object() }
    delete rest[key]
    set(rest)
    rerender()
    $(`${id}-new-key`)?.focus()
  }
  const addKey = (key) => {
    // A new key maps the value of the same name where the default looks (`$.traits.plan`): nothing when absent.
    if (!Object.hasOwn(object(), key)) setKey(key, { '@path': childPath(pathOf(field.default) ?? '$', key) })
    rerender()
    $(`${id}-key-${Object.keys(object()).indexOf(key)}-mode`)?.focus()
  }
  return el(
    'div',
    { class: 'key-editor' },
    el(
      'ul',
      { class: 'key-rows', 'aria-label': `${field.label}: keys` },
      Object.entries(value).map(([key, keyValue], index) =>
        keyRow(target, keys, key, keyValue, index, paths, { setKey, removeKey })
      )
    ),
    keyAdder(target, keys, addKey)
  )
}

/** One key of an object field: its name (the account's label for it), how its value is mapped, and Remove. */
function keyRow(target, keys, key, value, index, paths, { setKey, removeKey }) {
  const { editor, action, field, id, label, rerender } = target
  const choice = keys?.choices.find((candidate) => String(candidate.value) === key)
  const name = choice?.label ?? key
  const keyField = {
    key: `${field.key}.${key}`,
    label: `${field.label}: ${name}`,
    type: choice?.type ?? 'string',
    // A drop-down ticket field's options (a checkbox's true and false are already a select).
    dynamic: Boolean(field.objectChoices?.values) && choice?.type !== 'boolean'
  }
  const rowId = `${id}-key-${index}`
  const keyTarget = {
    ...target,
    field: keyField,
    id: rowId,
    label: `${label}: ${name}`,
    set: (next) => setKey(key, next)
  }
  const mode = shownMode(editor, keyField, value)
  const modes = modeSelect(
    { id: `${rowId}-mode`, class: 'key-mode', 'aria-label': `${action.title}: how ${keyField.label} is mapped` },
    KEY_MODES,
    mode,
    (next) => {
      editor.modes[keyField.key] = next
      setKey(key, startValue(next, keyField, value, paths))
      rerender()
      $(`${rowId}-mode`)?.focus()
    }
  )
  const remove = el('button', {
    type: 'button',
    class: 'quiet danger',
    text: 'Remove',
    'aria-label': `Remove ${name} from ${field.label}`
  })
  remove.addEventListener('click', () => removeKey(key))
  return el(
    'li',
    { class: 'key-row', 'data-key': key, 'data-mode': mode },
    el(
      'div',
      { class: 'key-head' },
      el('span', { class: 'key-label', text: name }),
      name === key ? null : el('code', { class: 'key', text: key }),
      choice?.description ? el('span', { class: 'key-about muted', text: choice.description }) : null,
      el('span', { class: 'spacer' }),
      remove
    ),
    el('div', { class: 'value-controls' }, modes, valueControls(keyTarget, mode, value, paths)),
    el('p', { class: 'key-mapped' })
  )
}

/** A key to add to an object field: typed, or picked from the account's keys. */
function keyAdder(target, keys, addKey) {
  const { editor, field, id, label } = target
  const input = el('input', {
    id: `${id}-new-key`,
    type: 'text',
    class: 'mono new-key',
    'aria-label': `${label}: a key to add`,
    placeholder: 'Type a key'
  })
  const add = el('button', { type: 'button', class: 'quiet', text: 'Add key' })
  const addTyped = () => {
    if (input.value.trim() !== '') addKey(input.value.trim())
  }
  add.addEventListener('click', addTyped)
  input.addEventListener('keydown', (keyEvent) => {
    if (keyEvent.key === 'Enter') addTyped()
  })
  return el(
    'div',
    { class: 'key-add' },
    el('p', {
      class: 'key-add-hint muted',
      text: keys ? 'Add a key: type it, or pick one of the account’s keys.' : 'Add a key:'
    }),
    el('div', { class: 'row' }, input, add),
    keys
      ? choicesPicker({
          id: `${id}-keys`,
          editor,
          dynamicKey: `${field.key}.__keys__`,
          label: field.label,
          noun: 'keys',
          isChosen: (choice) => Object.hasOwn(editor.mapping?.[field.key] ?? {}, String(choice.value)),
          onPick: (choice) => addKey(String(choice.value))
        })
      : null
  )
}

function fieldRow(editor, action, field, paths) {
  const value = editor.mapping?.[field.key]
  const mode = shownMode(editor, field, value)
  const target = {
    editor,
    action,
    field,
    id: `value-${editor.id}-${field.key}`,
    label: `${action.title}: ${field.label}`,
    set: (next) => setFieldValue(editor, field.key, next),
    rerender
  }
  const modes = modeSelect(
    {
      id: `mode-${editor.id}-${field.key}`,
      class: 'mode',
      'aria-label': `${action.title}: how ${field.label} is mapped`
    },
    modesFor(field, mode),
    mode,
    (next) => {
      editor.modes[field.key] = next
      setFieldValue(editor, field.key, startValue(next, field, value, paths))
      rerender()
      $(`mode-${editor.id}-${field.key}`)?.focus()
    }
  )
  const row = el(
    'li',
    { class: 'field-row', id: `field-${editor.id}-${field.key}`, 'data-field': field.key, 'data-mode': mode },
    el(
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
    ),
    el(
      'div',
      { class: 'field-value' },
      modes,
      el('div', { class: 'value-controls' }, valueControls(target, mode, value, paths)),
      el('p', { class: 'mapped' }),
      el('ul', { class: 'field-problems' })
    )
  )
  function rerender() {
    row.replaceWith(fieldRow(editor, action, field, eventPaths(currentEvent())))
    renderPreviewOf(editor)
  }
  return row
}

function fieldsEditor(editor, action) {
  const paths = eventPaths(currentEvent())
  return el(
    'ul',
    { class: 'field-rows', 'aria-label': `${action.title} fields` },
    action.fields.map((field) => fieldRow(editor, action, field, paths))
  )
}

function syncModeControl(editor, action) {
  const { syncMode } = action
  const id = `sync-mode-${editor.id}`
  const saved = editor.mapping?.[SYNC_MODE_KEY]
  const defaultLabel = syncMode.choices.find((choice) => choice.value === syncMode.default)?.label ?? syncMode.default
  // actions-core applies no default: a mapping without one runs the action with no sync mode.
  const notSet = el('option', { value: '', text: `Not set (choose one; the suggested one is ${defaultLabel})` })
  const select = el(
    'select',
    { id, 'data-action': action.key },
    saved === undefined ? notSet : null,
    syncMode.choices.map((choice) => el('option', { value: choice.value, text: choice.label }))
  )
  select.value = saved ?? ''
  select.addEventListener('change', () => {
    setFieldValue(editor, SYNC_MODE_KEY, select.value || undefined)
    notSet.remove()
  })
  return el(
    'div',
    { class: 'sync-mode' },
    el('label', { for: id, text: syncMode.label }),
    select,
    el('p', { class: 'hint', text: syncMode.description })
  )
}

function subscriptionEditor(editor, action) {
  const number = page.editors.filter((other) => other.partnerAction === action.key).indexOf(editor) + 1
  const mappingError = el('p', { class: 'problem small', role: 'alert', hidden: true })
  const checkMapping = () => {
    try {
      const parsed = JSON.parse(editor.mappingText)
      show(mappingError, false)
      return parsed
    } catch (error) {
      mappingError.textContent = `${action.title}: the mapping is not valid JSON: ${error.message}`
      show(mappingError, true)
      return undefined
    }
  }
  const name = el('input', { type: 'text', id: `name-${editor.id}`, value: editor.name })
  const subscribe = el('input', {
    type: 'text',
    id: `subscribe-${editor.id}`,
    class: 'mono',
    value: editor.subscribe,
    spellcheck: 'false',
    'aria-describedby': `fql-${editor.id}`
  })
  const mapping = el('textarea', {
    id: `mapping-${editor.id}`,
    class: 'mono',
    rows: Math.min(20, editor.mappingText.split('\n').length + 1),
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
    mappingEdited(editor)
  })
  mapping.addEventListener('input', () => {
    editor.mappingText = mapping.value
    const parsed = checkMapping()
    if (isPlainObject(parsed)) editor.mapping = parsed
    editor.modes = {}
    mappingEdited(editor)
  })
  const advanced = el('button', {
    type: 'button',
    class: 'quiet advanced-toggle',
    'aria-pressed': String(editor.advanced),
    text: 'Advanced: edit as JSON'
  })
  advanced.addEventListener('click', () => {
    if (editor.advanced && !isPlainObject(checkMapping())) return
    editor.advanced = !editor.advanced
    renderActions()
  })
  const reset = el('button', { type: 'button', class: 'quiet', text: 'Reset to preset' })
  reset.addEventListener('click', () => {
    editor.subscribe = action.preset.subscribe
    editor.mapping = structuredClone(action.preset.mapping)
    editor.mappingText = mappingText(action.preset.mapping)
    editor.modes = {}
    renderActions()
  })
  const remove = el('button', { type: 'button', class: 'quiet danger', text: 'Remove' })
  remove.addEventListener('click', () => {
    page.editors.splice(page.editors.indexOf(editor), 1)
    renderActions()
  })
  return el(
    'div',
    { class: 'subscription', id: `subscription-${editor.id}`, 'data-action': action.key },
    el(
      'div',
      { class: 'subscription-head' },
      el('span', { class: 'tag', text: `${action.title} · subscription ${number}` }),
      el('span', { class: 'match', 'aria-live': 'polite' }),
      el('span', { class: 'spacer' }),
      action.preset ? reset : null,
      remove
    ),
    el('label', { for: name.id, text: 'Name (shown in results)' }),
    name,
    el('label', { for: subscribe.id, text: 'Subscribe (which events, in FQL)' }),
    subscribe,
    el('ul', { class: 'fql-messages', id: `fql-${editor.id}`, 'aria-live': 'polite' }),
    action.syncMode ? syncModeControl(editor, action) : null,
    el(
      'details',
      { class: 'preview', open: true },
      el('summary', { text: 'Preview: the mapped payload for the example event (nothing is sent)' }),
      el('pre', { class: 'json preview-payload', 'data-action': action.key })
    ),
    el(
      'div',
      { class: 'row' },
      el('h4', { class: 'subhead', text: 'Mapping' }),
      el('span', { class: 'spacer' }),
      advanced
    ),
    editor.advanced
      ? [
          el('label', { for: mapping.id, text: 'Mapping (JSON: each field → a value or a directive)' }),
          mapping,
          mappingError
        ]
      : fieldsEditor(editor, action)
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
      text: editors.length
        ? 'Add another subscription'
        : action.preset
          ? 'Enable with the preset'
          : 'Add a subscription'
    })
    add.addEventListener('click', () => {
      page.editors.splice(insertionIndex(action.key), 0, editorFor(action.preset ?? action.suggested))
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
        editors.length
          ? editors.map((editor) => subscriptionEditor(editor, action))
          : el('p', { class: 'off', text: `Not enabled: no subscription runs ${action.title}.` }),
        el('div', { class: 'row' }, add)
      )
    )
  }
  renderSaveState()
  schedulePreview()
}

/* ---------- live preview ---------- */

function mappingEdited(editor) {
  renderSaveState()
  schedulePreview()
  if (!editor.advanced) return
  const textarea = $(`mapping-${editor.id}`)
  if (textarea && textarea.value !== editor.mappingText) textarea.value = editor.mappingText
}

let previewTimer
function schedulePreview() {
  clearTimeout(previewTimer)
  previewTimer = setTimeout(() => refreshPreview().catch(reportFailure), 150)
}

/** Asks the host what the edits do with the example event (nothing is sent), then shows it on each field. */
async function refreshPreview() {
  const asked = editedSubscriptions()
  const editors = [...page.editors]
  const { body } = await postJson('/mapping/preview', { event: currentEvent(), subscriptions: asked })
  if (compact(asked) !== compact(editedSubscriptions())) return // edited meanwhile: a newer preview is coming
  editors.forEach((editor, index) => {
    editor.preview = body.subscriptions[index]
    renderPreviewOf(editor)
  })
}

/** A fixed value of a field with the account's choices that is not one of them (when all of them are loaded). */
function choiceProblem(editor, field) {
  const state = page.choices.get(choicesKey(editor, field.key))
  const value = editor.mapping?.[field.key]
  if (!field.dynamic || !state?.loaded || state.nextPage || state.error || modeOf(field, value) !== 'literal') return
  if (value === '' || state.choices.some((choice) => String(choice.value) === String(value))) return
  return `${field.label}: ${literalText(value)} is not one of the account’s ${state.choices.length} choices.`
}

/** The values the account lists for one key of an object field (a drop-down ticket field's options). */
function keyValueChoices(editor, field, key) {
  const dynamicKey = `${field.key}.${key}`
  const state = choicesState(editor, dynamicKey)
  if (!state.loaded && !state.loading) {
    loadChoices(editor, dynamicKey)
      .then(() => renderPreviewOf(editor))
      .catch(reportFailure)
  }
  return state
}

/** Mapped values of an object field with account choices (custom_fields) that are not among that key's options. */
function keyValueProblems(editor, field, mapped) {
  if (!field.objectChoices?.values || !isPlainObject(mapped)) return []
  return Object.entries(mapped).flatMap(([key, value]) => {
    const state = keyValueChoices(editor, field, key)
    if (!state.loaded || state.error || state.choices.length === 0) return []
    const options = state.choices.map((choice) => String(choice.value))
    const outside = (Array.isArray(value) ? value : [value]).filter((item) => !options.includes(String(item)))
    return outside.map(
      (item) => `${field.label}: ${compact(item)} is not an option of ${key} (options: ${options.join(', ')}).`
    )
  })
}

/** `companyRole`, `company_role` and `Company role` name the same field: the action matches keys that way. */
const looseKey = (key) => key.replace(/[\s_-]/g, '').toLowerCase()

/** Actions that create a field the account does not have yet: a new key is no problem for them. */
const CREATES_MISSING_KEYS = new Set(['upsertOrganization:organization_fields'])

/** Keys of an object field edited key by key that the account does not have (when all its keys are loaded). */
function unknownKeyProblems(editor, field) {
  if (CREATES_MISSING_KEYS.has(`${editor.partnerAction}:${field.key}`)) return []
  const value = editor.mapping?.[field.key]
  const state = page.choices.get(choicesKey(editor, `${field.key}.__keys__`))
  if (modeOf(field, value) !== 'keys' || !state?.loaded || state.nextPage || state.error) return []
  const known = new Set(state.choices.map((choice) => looseKey(String(choice.value))))
  return Object.keys(value)
    .filter((key) => !known.has(looseKey(key)))
    .map((key) => `${field.label}: ${key} is not one of the account’s ${state.choices.length} keys.`)
}

const mappedText = (value) => (value === undefined ? '→ nothing for this event' : `→ ${shortValue(value)}`)

function renderPreviewOf(editor) {
  const box = $(`subscription-${editor.id}`)
  const preview = editor.preview
  if (!box || !preview) return
  const action = page.model.actions.find((candidate) => candidate.key === editor.partnerAction)
  const messages = [
    ...(preview.fql.error ? [{ kind: 'bad', text: preview.fql.error }] : []),
    ...preview.fql.warnings.map((text) => ({ kind: 'warn', text }))
  ]
  box
    .querySelector('.fql-messages')
    .replaceChildren(...messages.map((message) => el('li', { class: `fql ${message.kind}`, text: message.text })))
  const match = box.querySelector('.match')
  match.textContent = preview.matches ? 'matches the example event' : 'does not match the example event'
  match.className = `match ${preview.matches ? 'yes' : 'no'}`
  const payload = box.querySelector('.preview-payload')
  payload.textContent = preview.mappingProblem ?? pretty(preview.payload)
  payload.classList.toggle('bad', Boolean(preview.mappingProblem))
  for (const field of action.fields) {
    const row = box.querySelector(`.field-row[data-field="${field.key}"]`)
    if (!row) continue
    const mapped = preview.payload?.[field.key]
    row.querySelector('.mapped').textContent = mappedText(mapped)
    for (const keyRow of row.querySelectorAll('.key-row')) {
      keyRow.querySelector('.key-mapped').textContent = mappedText(
        isPlainObject(mapped) ? mapped[keyRow.dataset.key] : undefined
      )
    }
    const problems = [
      ...preview.fields.filter((problem) => problem.field === field.key).map((problem) => problem.message),
      choiceProblem(editor, field),
      ...unknownKeyProblems(editor, field),
      ...keyValueProblems(editor, field, mapped)
    ].filter(Boolean)
    row.querySelector('.field-problems').replaceChildren(...problems.map((text) => el('li', { text })))
    row.classList.toggle('has-problem', problems.length > 0)
  }
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

/** Create Ticket that found its ticket by external_id and created none: delivered, but nothing new. */
function existingTicket(result) {
  if (result.action !== 'createTicket' || result.result !== 'delivered') return undefined
  const requests = result.requests ?? []
  const created = requests.some(
    ({ request }) =>
      request.method === 'POST' &&
      /\/api\/v2\/tickets(\/create_many)?(\.json)?(\?|$)/.test(new URL(request.url).pathname)
  )
  if (created) return undefined
  const found = requests
    .map(({ response }) => response.body?.tickets?.[0] ?? response.body?.results?.[0])
    .find((ticket) => ticket?.id !== undefined)
  return found ? { id: found.id } : undefined
}

function outcomeBadge(result) {
  const existing = existingTicket(result)
  const text = `${result.result} · ${result.status}${existing ? ` · already existed (ticket ${existing.id})` : ''}`
  return el('span', { class: `badge ${result.result}`, text })
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

/** Before each send: no result of an earlier event stays on the page. */
function clearResult() {
  show($('result-body'), false)
  show($('result-empty'), true)
  $('actions-run').replaceChildren()
  $('matches').replaceChildren()
  setStatus($('send-status'), '', 'muted')
}

async function sendEvent() {
  show($('event-error'), false)
  clearResult()
  let event
  try {
    event = JSON.parse($('event').value)
  } catch (error) {
    $('event-error').textContent = `The event is not valid JSON: ${error.message}`
    show($('event-error'), true)
    setStatus($('send-status'), 'Not sent', 'bad')
    return
  }
  const problems = mappingJsonProblems()
  if (problems.length) {
    $('event-error').textContent = problems.join(' ')
    show($('event-error'), true)
    setStatus($('send-status'), 'Not sent', 'bad')
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

function changeOf(collection, record, previous) {
  if (previous === undefined) return ''
  const key = `${collection}:${record.id}`
  if (!previous.has(key)) return 'new'
  return previous.get(key) !== compact(record) ? 'changed' : ''
}

function recordsTable(collection, records, changes) {
  const columns = RECORD_COLUMNS[collection]
  return el(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `${RECORD_TITLES[collection]} records` },
    el(
      'table',
      { class: 'grid records', 'data-collection': collection },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: 'change' }),
          columns.map((column) => el('th', { text: column }))
        )
      ),
      el(
        'tbody',
        {},
        records.map((record) => {
          const change = changes.get(record)
          return el(
            'tr',
            { class: change },
            el('td', { class: 'change' }, change ? el('span', { class: `tag ${change}`, text: change }) : null),
            columns.map((column) => el('td', { text: cellText(column, record[column]) }))
          )
        })
      )
    )
  )
}

/** One page of a collection's records, with buttons for the others; opens on the first page with a change. */
function recordsPage(collection, records, changes, jumpToChange) {
  const pages = Math.max(1, Math.ceil(records.length / RECORDS_PER_PAGE))
  const firstChanged = records.findIndex((record) => changes.get(record))
  if (jumpToChange && firstChanged >= 0) page.recordPages[collection] = Math.floor(firstChanged / RECORDS_PER_PAGE)
  const current = Math.min(page.recordPages[collection] ?? 0, pages - 1)
  const from = current * RECORDS_PER_PAGE
  const shown = records.slice(from, from + RECORDS_PER_PAGE)
  const container = el('div', { class: 'records-page' })
  const go = (target) => {
    page.recordPages[collection] = target
    container.replaceWith(recordsPage(collection, records, changes, false))
  }
  const previousButton = el('button', { type: 'button', class: 'quiet', text: 'Previous', disabled: current === 0 })
  const nextButton = el('button', { type: 'button', class: 'quiet', text: 'Next', disabled: current >= pages - 1 })
  previousButton.addEventListener('click', () => go(current - 1))
  nextButton.addEventListener('click', () => go(current + 1))
  container.append(recordsTable(collection, shown, changes))
  if (pages > 1) {
    container.append(
      el(
        'div',
        { class: 'row pager' },
        previousButton,
        el('span', { class: 'muted', text: `${from + 1}–${from + shown.length} of ${records.length}` }),
        nextButton
      )
    )
  }
  return container
}

function renderRecords(state) {
  const previous = page.seenRecords
  const seen = new Map()
  const body = $('records-body')
  body.replaceChildren()
  for (const collection of Object.keys(RECORD_COLUMNS)) {
    const records = state[collection] ?? []
    const changes = new Map(records.map((record) => [record, changeOf(collection, record, previous)]))
    records.forEach((record) => seen.set(`${collection}:${record.id}`, compact(record)))
    body.append(
      el(
        'div',
        { class: 'collection', id: `records-${collection}` },
        el('h3', { text: `${RECORD_TITLES[collection]} (${records.length})` }),
        records.length ? recordsPage(collection, records, changes, true) : el('p', { class: 'muted', text: 'None.' }),
        records.length
          ? el(
              'details',
              {},
              el('summary', { text: `Every field (JSON${records.length > 200 ? ', the first 200' : ''})` }),
              el('pre', { class: 'json', text: pretty(records.slice(0, 200)) })
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

/* ---------- Zendesk connection ---------- */

const CONNECTION_BADGES = { connected: 'delivered', 'not connected': 'retryable', 'reconnect needed': 'rejected' }

/** A time from the host as the browser's local date and time. */
const localTime = (iso) => (iso ? new Date(iso).toLocaleString() : undefined)

/** How the host reaches Zendesk: the account, who connected it, the token's end and last renewal, never a token. */
function renderConnection(view) {
  const state = $('connection-state')
  state.textContent = view.kind === 'legacy' ? `legacy ${view.credential}` : view.state
  state.className = `badge ${view.kind === 'legacy' ? 'retryable' : CONNECTION_BADGES[view.state]}`
  const who = view.connectedBy
  const facts = [
    ['Account', view.account],
    ['Connected as', who && [who.name, who.email && `<${who.email}>`].filter(Boolean).join(' ')],
    ['How', view.grant && (view.grant === 'client_credentials' ? 'client credentials' : 'consent on Zendesk’s page')],
    ['OAuth client', view.clientId && `${view.clientId} (${view.clientKind})`],
    ['Connected at', localTime(view.connectedAt)],
    ['Token expires', view.state === 'connected' ? (localTime(view.expiresAt) ?? 'never') : undefined],
    ['Refresh token expires', localTime(view.refreshTokenExpiresAt)],
    ['Last refresh', localTime(view.lastRefreshAt) ?? (view.state === 'connected' ? 'not yet' : undefined)],
    ['Next refresh', localTime(view.nextRefreshAt)],
    ['Kept in', view.storedIn]
  ].filter(([, value]) => value)
  $('connection-details').replaceChildren(
    ...facts.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })])
  )
  const note =
    view.kind === 'legacy'
      ? view.note
      : view.state === 'connected'
        ? ''
        : 'Events wait (pending) until Zendesk is connected.'
  $('connection-note').textContent = note
  show($('connection-note'), note !== '')
  $('connection-problem').textContent = view.problem ?? ''
  show($('connection-problem'), Boolean(view.problem))
  show($('connection-actions'), view.kind === 'oauth')
  $('disconnect').disabled = view.state === 'not connected'
}

async function loadConnection() {
  const { body } = await getJson('/connection')
  renderConnection(body)
}

/** To Zendesk's consent page; Zendesk sends the browser back to the host, which comes back here. */
async function connectZendesk() {
  setStatus($('connection-status'), 'Opening Zendesk’s consent page…', 'muted')
  const { status, body } = await postJson('/connection/connect', {})
  if (status !== 200) return setStatus($('connection-status'), body.error, 'bad')
  window.location.assign(body.authorizationUrl)
}

async function disconnectZendesk() {
  setStatus($('connection-status'), 'Disconnecting…', 'muted')
  const { status, body } = await postJson('/connection/disconnect', {})
  if (status !== 200) return setStatus($('connection-status'), body.error, 'bad')
  renderConnection(body.account)
  setStatus($('connection-status'), body.revoked ? 'Disconnected: the token is revoked.' : 'Disconnected.', 'ok')
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
  select.addEventListener('change', () => {
    fill()
    exampleChanged()
  })
  const firstIdentify = body.examples.findIndex((example) => example.event.type === 'identify')
  select.value = String(Math.max(0, firstIdentify))
  fill()
  $('event').addEventListener('input', () => {
    const example = body.examples[Number(select.value)]
    if (select.value !== '' && example && $('event').value !== pretty(example.event)) select.value = ''
  })
  $('event').addEventListener('input', exampleChanged)
}

let exampleTimer
/** The fields' event paths and the preview follow the example event. */
function exampleChanged() {
  // An error about the event sent before is not about this one.
  show($('event-error'), false)
  clearTimeout(exampleTimer)
  exampleTimer = setTimeout(() => {
    if (page.model && currentEvent()) renderActions()
  }, 300)
}

function reportFailure(error) {
  $('load-error').textContent = `The page could not talk to the local host: ${error.message}`
  show($('load-error'), true)
}

$('send').addEventListener('click', () => sendEvent().then(loadConnection).catch(reportFailure))
$('connect').addEventListener('click', () => connectZendesk().catch(reportFailure))
$('disconnect').addEventListener('click', () => disconnectZendesk().catch(reportFailure))
$('save').addEventListener('click', () => saveMappings().catch(reportFailure))
$('event').addEventListener('keydown', (keyEvent) => {
  if (keyEvent.key === 'Enter' && (keyEvent.ctrlKey || keyEvent.metaKey)) sendEvent().catch(reportFailure)
})

// The fields list the example event's paths, so the examples come first.
Promise.all([loadConnection(), loadExamples().then(loadModel), loadRecords()]).catch(reportFailure)
