import { choicesPicker, choicesState, loadChoices } from './choices.js'
import { el } from './dom.js'
import {
  childPath,
  KEY_MODES,
  pathOf,
  shownMode,
  startValue,
  type EditedField,
  type EventPath
} from './field-values.js'
import type { ChoicesState } from './state.js'
import { focusById, modeSelect, valueControls, type ValueTarget } from './value-controls.js'

/** What the rows of an object field do to its mapped object. */
interface KeyChanges {
  setKey(key: string, next: unknown): void
  removeKey(key: string): void
}

/** The field of one key: named by the account's label for it, typed as the account says. */
function keyFieldOf(field: EditedField, key: string, keys: ChoicesState | undefined): EditedField {
  const choice = keys?.choices.find((candidate) => String(candidate.value) === key)
  return {
    key: `${field.key}.${key}`,
    label: `${field.label}: ${choice?.label ?? key}`,
    type: choice?.type ?? 'string',
    // A drop-down ticket field's options (a checkbox's true and false are already a select).
    dynamic: Boolean(field.objectChoices?.values) && choice?.type !== 'boolean'
  }
}

/** One key of an object field: its name (the account's label for it), how its value is mapped, and Remove. */
function keyRow(
  target: ValueTarget,
  keys: ChoicesState | undefined,
  entry: { key: string; value: unknown; index: number },
  paths: EventPath[],
  changes: KeyChanges
): HTMLLIElement {
  const { draft, action, field, id, label } = target
  const { key, value, index } = entry
  const choice = keys?.choices.find((candidate) => String(candidate.value) === key)
  const name = choice?.label ?? key
  const keyField = keyFieldOf(field, key, keys)
  const rowId = `${id}-key-${index}`
  const keyTarget = {
    ...target,
    field: keyField,
    id: rowId,
    label: `${label}: ${name}`,
    blank: '',
    set: (next: unknown) => changes.setKey(key, next)
  }
  const mode = shownMode(draft.modes[keyField.key], keyField, value)
  const modes = modeSelect(
    { id: `${rowId}-mode`, class: 'key-mode', 'aria-label': `${action.title}: how ${keyField.label} is mapped` },
    KEY_MODES,
    mode,
    (next) => {
      draft.modes[keyField.key] = next
      changes.setKey(key, startValue(next, keyField, value, paths) ?? '')
      target.rerender()
      focusById(`${rowId}-mode`)
    }
  )
  const remove = el('button', {
    type: 'button',
    class: 'quiet danger',
    text: 'Remove',
    'aria-label': `Remove ${name} from ${field.label}`
  })
  remove.addEventListener('click', () => changes.removeKey(key))
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
function keyAdder(target: ValueTarget, keys: ChoicesState | undefined, addKey: (key: string) => void): HTMLElement {
  const { state, draft, action, field, id, label } = target
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
  const picker =
    keys &&
    choicesPicker(state, {
      id: `${id}-keys`,
      actionKey: action.key,
      dynamicKey: `${field.key}.__keys__`,
      label: field.label,
      noun: 'keys',
      isChosen: (choice) => hasKey(objectOf(draft.mapping[field.key]), String(choice.value)),
      onPick: (choice) => addKey(String(choice.value))
    })
  const hint = keys ? 'Add a key: type it, or pick one of the account’s keys.' : 'Add a key:'
  return el(
    'div',
    { class: 'key-add' },
    el('p', { class: 'key-add-hint muted', text: hint }),
    el('div', { class: 'row' }, input, add),
    picker
  )
}

const hasKey = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)

const objectOf = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

/**
 * An object field edited key by key, as on Segment's mapping screen: a row per key of the mapping's object, and a
 * key to add, typed or picked from the account's keys (user field keys, ticket field ids).
 */
export function keysEditor(target: ValueTarget, value: Record<string, unknown>, paths: EventPath[]): HTMLElement {
  const { state, draft, action, field, id, set, rerender } = target
  const keysKey = `${field.key}.__keys__`
  const keys = field.objectChoices?.keys ? choicesState(state, action.key, keysKey) : undefined
  // The rows show the keys' labels and value types from the account: drawn again once those are loaded.
  if (keys && !keys.loaded) loadChoices(state, action.key, keysKey).then(rerender).catch(state.reportFailure)
  const object = () => objectOf(draft.mapping[field.key])
  const changes: KeyChanges = {
    setKey: (key, next) => set({ ...object(), [key]: next }),
    removeKey: (key) => {
      const rest = { ...object() }
      delete rest[key]
      set(rest)
      rerender()
      focusById(`${id}-new-key`)
    }
  }
  const addKey = (key: string) => {
    // A new key maps the value of the same name where the default looks (`$.traits.plan`): nothing when absent.
    if (!hasKey(object(), key)) changes.setKey(key, { '@path': childPath(pathOf(field.default) ?? '$', key) })
    rerender()
    focusById(`${id}-key-${Object.keys(object()).indexOf(key)}-mode`)
  }
  const rows = Object.entries(value).map(([key, keyValue], index) =>
    keyRow(target, keys, { key, value: keyValue, index }, paths, changes)
  )
  return el(
    'div',
    { class: 'key-editor' },
    el('ul', { class: 'key-rows', 'aria-label': `${field.label}: keys` }, rows),
    keyAdder(target, keys, addKey)
  )
}
