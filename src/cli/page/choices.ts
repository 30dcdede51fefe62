import { postJson } from './api.js'
import { el, show } from './dom.js'
import { parsedMapping, type ChoicesState, type PageState } from './state.js'
import type { Choice } from './types.js'

/** The mapped field an action's account choices depend on: a custom object's fields are those of the object chosen. */
const CHOICES_DEPEND_ON: Record<string, string> = { upsertCustomObjectRecord: 'custom_object_key' }

/** The open mapping's value the choices of `dynamicKey` depend on, sent as their request's payload ({} when none). */
function choicesPayload(state: PageState, actionKey: string, dynamicKey: string): Record<string, string> {
  const key = CHOICES_DEPEND_ON[actionKey]
  if (!key || dynamicKey === key || state.draft?.partnerAction !== actionKey) return {}
  const value = parsedMapping(state.draft)?.[key]
  return typeof value === 'string' ? { [key]: value } : {}
}

/** Where the choices of a field are kept: by action, field and what they depend on. */
const choicesKey = (state: PageState, actionKey: string, dynamicKey: string) =>
  `${actionKey}:${dynamicKey}:${JSON.stringify(choicesPayload(state, actionKey, dynamicKey))}`

/** The choices of a field loaded so far, if a load was ever asked for. */
export const knownChoices = (state: PageState, actionKey: string, dynamicKey: string): ChoicesState | undefined =>
  state.choices.get(choicesKey(state, actionKey, dynamicKey))

/** The account's choices loaded so far for a field (`group_id`) or a part of an object field (`user_fields.__keys__`). */
export function choicesState(state: PageState, actionKey: string, dynamicKey: string): ChoicesState {
  const key = choicesKey(state, actionKey, dynamicKey)
  let choices = state.choices.get(key)
  if (!choices) {
    choices = { choices: [], loaded: false }
    state.choices.set(key, choices)
  }
  return choices
}

interface ChoicesPage {
  choices?: Choice[]
  nextPage?: string
  error?: { message?: string } | string
}

/** Loads the next page of choices (the first while none is loaded); a load under way is shared, not repeated. */
export function loadChoices(state: PageState, actionKey: string, dynamicKey: string): Promise<void> {
  const choices = choicesState(state, actionKey, dynamicKey)
  choices.loading ??= postJson<ChoicesPage>('/mapping/choices', {
    action: actionKey,
    field: dynamicKey,
    payload: choicesPayload(state, actionKey, dynamicKey),
    page: choices.nextPage
  })
    .then(({ body }) => {
      choices.choices = [...choices.choices, ...(body.choices ?? [])]
      choices.nextPage = body.nextPage
      choices.error = typeof body.error === 'string' ? body.error : body.error?.message
      choices.loaded = true
    })
    .finally(() => {
      choices.loading = undefined
    })
  return choices.loading
}

export interface PickerOptions {
  id: string
  actionKey: string
  dynamicKey: string
  label: string
  noun?: string
  isChosen(choice: Choice): boolean
  onPick(choice: Choice): void
}

function choiceButton(choice: Choice, chosen: boolean, onPick: (choice: Choice) => void): HTMLLIElement {
  const button = el(
    'button',
    {
      type: 'button',
      class: `choice${chosen ? ' chosen' : ''}`,
      'aria-pressed': String(chosen),
      'data-value': String(choice.value)
    },
    el('span', { text: choice.label }),
    el('code', { text: String(choice.value) })
  )
  button.addEventListener('click', () => onPick(choice))
  return el('li', {}, button)
}

/**
 * The account's choices for `dynamicKey`: search what is loaded, load the next page, pick one. Hidden when the account
 * has nothing to choose from (a text ticket field has no options).
 */
export function choicesPicker(state: PageState, options: PickerOptions): HTMLElement {
  const { id, actionKey, dynamicKey, label, noun = 'choices' } = options
  const loaded = choicesState(state, actionKey, dynamicKey)
  const listId = `${id}-choices`
  const search = el('input', {
    type: 'search',
    class: 'choices-search',
    value: loaded.search ?? '',
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
    const shown = loaded.choices.filter((choice) =>
      `${choice.label} ${choice.value} ${choice.description ?? ''}`.toLowerCase().includes(query)
    )
    list.replaceChildren(...shown.map((choice) => choiceButton(choice, options.isChosen(choice), options.onPick)))
    show(wrapper, !(loaded.loaded && !loaded.error && !loaded.nextPage && loaded.choices.length === 0))
    show(list, shown.length > 0)
    show(more, Boolean(loaded.nextPage))
    status.textContent = loaded.loaded ? `${shown.length} of ${loaded.choices.length} loaded` : ''
    show(error, Boolean(loaded.error))
    error.textContent = loaded.error ? `${label}: ${loaded.error}` : ''
  }
  const load = () => {
    status.textContent = 'Loading…'
    return loadChoices(state, actionKey, dynamicKey).then(render)
  }
  // Kept with the choices: the field is drawn again when the test event or the mapping changes.
  search.addEventListener('input', () => {
    loaded.search = search.value
    render()
  })
  more.addEventListener('click', () => load().catch(state.reportFailure))
  if (loaded.loaded) render()
  else load().catch(state.reportFailure)
  return wrapper
}
