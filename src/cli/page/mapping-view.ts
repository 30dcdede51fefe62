import { postJson, refusalProblems, type Refusal } from './api.js'
import { el, setStatus, show, showProblems } from './dom.js'
import { eventStep, pickDefaultEvent } from './event-step.js'
import { fieldsStep } from './fields-step.js'
import { previewScheduler, refreshPreview, type OpenMapping } from './open-mapping.js'
import { STEP_TITLES, STEPS, urlOf, type Place, type Step } from './places.js'
import { reviewStep } from './review-step.js'
import { actionOf, draftOfSaved, editedSubscription, hasEdits, newDraft, type Draft, type PageState } from './state.js'
import { triggerStep } from './trigger-step.js'
import type { ChangeAnswer } from './types.js'
import { placeLink } from './links.js'

type MappingPlace = Extract<Place, { view: 'mapping' }>

/** The draft the URL names: the one open already, or a fresh one of that saved mapping or of that action's preset. */
function draftFor(state: PageState, place: MappingPlace): Draft | undefined {
  const open = state.draft
  if (place.mapping === 'new') {
    if (open && open.position === undefined && open.partnerAction === place.action) return open
    const action = state.model.actions.find((candidate) => candidate.key === place.action)
    return action && newDraft(action)
  }
  if (open && open.position === place.mapping) return open
  const saved = state.model.subscriptions[place.mapping - 1]
  return saved && draftOfSaved(saved)
}

const STEP_BODIES: Record<Step, (open: OpenMapping) => HTMLElement> = {
  trigger: triggerStep,
  event: eventStep,
  fields: fieldsStep,
  review: reviewStep
}

/** Where the open mapping is in the URL: its position once saved, else `new` with its action. */
const placeOfDraft = (draft: Draft, step: Step): MappingPlace =>
  draft.position === undefined
    ? { view: 'mapping', mapping: 'new', action: draft.partnerAction, step }
    : { view: 'mapping', mapping: draft.position, step }

function stepNav(state: PageState, draft: Draft, current: Step): HTMLElement {
  const items = STEPS.map((step, index) =>
    el(
      'li',
      {},
      placeLink(state, placeOfDraft(draft, step), `${index + 1}. ${STEP_TITLES[step]}`, {
        'aria-current': step === current ? 'step' : undefined,
        class: step === current ? 'current' : undefined
      })
    )
  )
  return el('nav', { class: 'steps', 'aria-label': 'Steps of this mapping' }, el('ol', {}, items))
}

function stepFooter(state: PageState, draft: Draft, current: Step): HTMLElement {
  const index = STEPS.indexOf(current)
  const previous = STEPS[index - 1]
  const next = STEPS[index + 1]
  return el(
    'div',
    { class: 'row step-footer' },
    previous
      ? placeLink(state, placeOfDraft(draft, previous), `← ${STEP_TITLES[previous]}`, { class: 'button' })
      : null,
    el('span', { class: 'spacer' }),
    next
      ? placeLink(state, placeOfDraft(draft, next), `Next: ${STEP_TITLES[next]} →`, { class: 'button primary' })
      : null
  )
}

interface SaveBar {
  element: HTMLElement
  button: HTMLButtonElement
  status: HTMLElement
  problems: HTMLElement
}

function saveBar(): SaveBar {
  const button = el('button', { type: 'button', id: 'save', class: 'primary', text: 'Save' })
  const status = el('span', { id: 'save-status', class: 'status', role: 'status' })
  const problems = el('ul', { id: 'save-problems', class: 'problems', role: 'alert', hidden: true })
  return {
    element: el('div', { class: 'savebar' }, el('div', { class: 'row' }, button, status), problems),
    button,
    status,
    problems
  }
}

function showSaveState(draft: Draft, bar: SaveBar): void {
  const edited = hasEdits(draft)
  bar.button.disabled = !edited
  if (edited) setStatus(bar.status, draft.position === undefined ? 'Not saved yet' : 'Unsaved changes', 'warn')
  else if (!bar.status.classList.contains('ok')) setStatus(bar.status, 'No unsaved changes', 'muted')
}

/** Saves the open mapping alone; a new one is added to the mapping file and the URL names it from then on. */
async function save(open: OpenMapping, bar: SaveBar, step: Step, redrawLinks: () => void): Promise<void> {
  const { state, draft } = open
  const added = draft.position === undefined
  draft.saveTried = true
  open.onPreview()
  setStatus(bar.status, 'Saving…', 'muted')
  const { status, body } = await postJson<ChangeAnswer & Refusal>('/mapping/subscription/save', {
    position: draft.position,
    was: draft.saved,
    subscription: editedSubscription(draft)
  })
  if (status !== 200) {
    showProblems(bar.problems, refusalProblems(body))
    setStatus(bar.status, 'Not saved', 'bad')
    return
  }
  showProblems(bar.problems, [])
  state.model = { ...state.model, ...body }
  draft.position = body.position
  draft.saved = body.subscriptions[(body.position ?? 0) - 1]
  if (added) {
    history.replaceState(null, '', urlOf(placeOfDraft(draft, step)))
    redrawLinks()
  }
  setStatus(bar.status, `Saved to ${body.saved}${body.switched ? ' — the host now reads this file' : ''}`, 'ok')
  showSaveState(draft, bar)
}

function removeControls(open: OpenMapping): HTMLElement | null {
  const { state, draft } = open
  if (!draft.saved) return null
  const remove = el('button', { type: 'button', class: 'quiet danger', text: 'Remove this mapping' })
  const confirm = el('button', { type: 'button', class: 'danger', text: `Remove ${draft.name} from the mapping file` })
  const keep = el('button', { type: 'button', class: 'quiet', text: 'Keep it' })
  const asking = el('span', { class: 'row confirm', hidden: true }, confirm, keep)
  remove.addEventListener('click', () => show(asking, true))
  keep.addEventListener('click', () => show(asking, false))
  confirm.addEventListener('click', () => {
    postJson<ChangeAnswer & Refusal>('/mapping/subscription/remove', { position: draft.position, was: draft.saved })
      .then(({ status, body }) => {
        if (status !== 200) throw new Error(body.error)
        state.model = { ...state.model, ...body }
        state.draft = undefined
        state.go({ view: 'list' })
      })
      .catch(state.reportFailure)
  })
  return el('div', { class: 'remove' }, remove, asking)
}

function header(state: PageState, open: OpenMapping): HTMLElement {
  const { draft, action } = open
  return el(
    'div',
    { class: 'mapping-header' },
    placeLink(state, { view: 'list' }, '← All mappings', { class: 'back' }),
    el(
      'div',
      { class: 'subscription-head' },
      el('h2', { id: 'mapping-title', text: draft.name }),
      el('span', { class: 'tag', text: action.title }),
      draft.enabled ? null : el('span', { class: 'badge retryable', text: 'off: receives no event' }),
      el('span', { class: 'spacer' }),
      removeControls(open)
    )
  )
}

function missing(state: PageState, place: MappingPlace): HTMLElement {
  const what = place.mapping === 'new' ? `no action ${place.action ?? ''}` : `no mapping ${place.mapping}`
  return el(
    'section',
    { class: 'panel' },
    el('p', { class: 'problem', text: `There is ${what}.` }),
    placeLink(state, { view: 'list' }, '← All mappings')
  )
}

/** One mapping open, at one of its steps, with its save bar and the way back to the list. */
export function mappingView(state: PageState, place: MappingPlace): HTMLElement {
  const draft = draftFor(state, place)
  if (!draft) return missing(state, place)
  state.draft = draft
  const bar = saveBar()
  const open: OpenMapping = {
    state,
    draft,
    action: actionOf(state, draft.partnerAction),
    edited: () => undefined,
    onPreview: () => undefined
  }
  const schedulePreview = previewScheduler(open)
  const panel = el('section', { class: 'panel mapping', 'aria-labelledby': 'mapping-title' })
  open.edited = () => {
    draft.tested = undefined
    panel.querySelector('#mapping-title')!.textContent = draft.name
    showSaveState(draft, bar)
    schedulePreview()
  }
  // The steps show the test event: a mapping opened without one gets it first.
  const body = el('p', { class: 'muted', text: 'Loading the test event…' })
  // The header and the steps' links name the mapping: a new one is named by its position once saved.
  const links = () => [header(state, open), stepNav(state, draft, place.step), stepFooter(state, draft, place.step)]
  const redrawLinks = () => {
    const [head, nav, footer] = links()
    panel.querySelector('.mapping-header')!.replaceWith(head)
    panel.querySelector('.steps')!.replaceWith(nav)
    panel.querySelector('.step-footer')!.replaceWith(footer)
  }
  const [head, nav, footer] = links()
  panel.append(
    head,
    bar.element,
    nav,
    el('h3', {
      class: 'step-title',
      text: `Step ${STEPS.indexOf(place.step) + 1} of ${STEPS.length}: ${STEP_TITLES[place.step]}`
    }),
    body,
    footer
  )
  bar.button.addEventListener('click', () => save(open, bar, place.step, redrawLinks).catch(state.reportFailure))
  showSaveState(draft, bar)
  pickDefaultEvent(open)
    .then(() => {
      body.replaceWith(STEP_BODIES[place.step](open))
      return refreshPreview(open)
    })
    .catch(state.reportFailure)
  return panel
}
