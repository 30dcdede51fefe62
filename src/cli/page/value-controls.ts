import { choicesPicker } from './choices.js'
import { compact, el, show, type Child } from './dom.js'
import {
  describeDefault,
  elseFrom,
  elseText,
  literalFrom,
  literalText,
  pathOf,
  shortValue,
  type EditedField,
  type EventPath,
  type Mode
} from './field-values.js'
import type { Draft, PageState } from './state.js'
import type { ActionModel } from './types.js'

/** Whose value the controls edit: a field of the action, or one key of an object field. */
export interface ValueTarget {
  state: PageState
  draft: Draft
  action: ActionModel
  field: EditedField
  /** the id of the value's main control */
  id: string
  /** names the value in labels, e.g. `Create Ticket: Group ID` */
  label: string
  /** what an empty fixed value maps: nothing for a field, "" for a key of an object field */
  blank: unknown
  set(next: unknown): void
  /** draws the field again (after a pick that changes more than the value) */
  rerender(): void
}

/** A select of the event's paths, each with its value there; a mapped path the event lacks stays listed. */
function pathSelect(
  id: string,
  label: string,
  current: string | undefined,
  paths: EventPath[],
  onChange: (path: string) => void
): HTMLSelectElement {
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

/** A fixed value from a list: the field's choices, or true and false. */
function choiceSelect(target: ValueTarget, value: unknown): HTMLSelectElement {
  const { field, id, label, set } = target
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
  return select
}

function literalControls(target: ValueTarget, value: unknown): Child[] {
  const { state, action, field, id, label, set, rerender, blank } = target
  if (field.choices || field.type === 'boolean') return [choiceSelect(target, value)]
  const typed = (text: string) => (text.trim() === '' ? blank : literalFrom(field, text))
  const input = el('input', {
    id,
    type: 'text',
    class: 'literal',
    value: literalText(value),
    'aria-label': `${label}: value`,
    placeholder: field.multiple ? 'values, separated by commas' : 'type a value'
  })
  input.addEventListener('input', () => set(typed(input.value)))
  if (!field.dynamic || field.type === 'object') return [input]
  const picker = choicesPicker(state, {
    id,
    actionKey: action.key,
    dynamicKey: field.key,
    label: field.label,
    isChosen: (choice) => String(choice.value) === literalText(value),
    onPick: (choice) => {
      set(literalFrom(field, String(choice.value)))
      rerender()
    }
  })
  return [input, picker]
}

function ifControls(target: ValueTarget, value: Record<string, any>, paths: EventPath[]): Child[] {
  const { field, id, label, set } = target
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

function templateControls(target: ValueTarget, value: Record<string, any>, paths: EventPath[]): Child[] {
  const { id, label, set } = target
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

function jsonControls(target: ValueTarget, value: unknown): Child[] {
  const { id, label, set } = target
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
      problem.textContent = `Not JSON yet: ${(error as Error).message}`
      show(problem, true)
    }
  })
  return [input, problem]
}

/** The controls of one value in its current form (key by key is the key editor's). */
export function valueControls(target: ValueTarget, mode: Mode, value: unknown, paths: EventPath[]): Child[] {
  switch (mode) {
    case 'default':
      return [el('code', { class: 'default-value', text: describeDefault(target.field.default) })]
    case 'path':
      return [
        pathSelect(target.id, `${target.label}: event path`, pathOf(value), paths, (path) =>
          target.set({ '@path': path })
        )
      ]
    case 'literal':
      return literalControls(target, value)
    case 'if':
      return ifControls(target, value as Record<string, any>, paths)
    case 'template':
      return templateControls(target, value as Record<string, any>, paths)
    case 'json':
      return jsonControls(target, value)
    default:
      return [
        el('span', { class: 'muted', text: target.field.required ? 'Required: map a value.' : 'Nothing is sent.' })
      ]
  }
}

/** The select of a value's form. */
export function modeSelect(
  attributes: Record<string, string>,
  modes: [Mode, string][],
  mode: Mode,
  onChange: (mode: Mode) => void
): HTMLSelectElement {
  const select = el(
    'select',
    attributes,
    modes.map(([key, text]) => el('option', { value: key, text }))
  )
  select.value = mode
  select.addEventListener('change', () => onChange(select.value as Mode))
  return select
}

/** Focuses an element by id once it is drawn again, if it is there. */
export const focusById = (id: string): void => document.getElementById(id)?.focus()
