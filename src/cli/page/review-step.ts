import { postJson, refusalProblems, type Refusal } from './api.js'
import { el, jsonBox, pretty, setStatus, showProblems } from './dom.js'
import type { OpenMapping } from './open-mapping.js'
import { actionResultView, changesView } from './results.js'
import { editedSubscription, testEventOf } from './state.js'
import { matchLine } from './trigger-step.js'
import type { TestAnswer } from './types.js'

function summary(open: OpenMapping): HTMLElement {
  const { draft, action } = open
  const facts: [string, string][] = [
    ['Name', draft.name],
    ['Action', action.title],
    ['Trigger', draft.preview?.fql.words ? `${draft.preview.fql.words} (${draft.subscribe})` : draft.subscribe],
    ['On or off', draft.enabled ? 'On' : 'Off: it receives no event'],
    ['Test event', draft.eventLabel || 'none']
  ]
  return el(
    'dl',
    { class: 'facts' },
    facts.map(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })])
  )
}

function testResult(open: OpenMapping, answer: TestAnswer): HTMLElement {
  const [result] = answer.report.actions
  return el(
    'div',
    { class: 'test-result' },
    answer.matches
      ? null
      : el('p', {
          class: 'off',
          text: 'Sent as a test although the trigger does not match this event: a real event like it never reaches this mapping.'
        }),
    result ? actionResultView(result) : null,
    changesView(open.state, answer.changes)
  )
}

/** Test this mapping: the test event through this mapping alone, as it is edited, saved or not. */
async function testMapping(
  open: OpenMapping,
  parts: { status: HTMLElement; problems: HTMLElement; result: HTMLElement }
): Promise<void> {
  const { draft } = open
  const event = testEventOf(draft)
  if (!event) {
    showProblems(parts.problems, ['The test event is not a JSON object: pick one in the Test event step.'])
    return
  }
  setStatus(parts.status, 'Sending…', 'muted')
  parts.result.replaceChildren()
  const { status, body } = await postJson<TestAnswer & Refusal>('/mapping/subscription/test', {
    event,
    subscription: editedSubscription(draft),
    position: draft.position
  })
  if (status !== 200) {
    showProblems(parts.problems, refusalProblems(body))
    setStatus(parts.status, 'Not sent', 'bad')
    return
  }
  showProblems(parts.problems, [])
  draft.tested = body
  const outcome = body.report.actions[0]?.result ?? 'no result'
  setStatus(parts.status, `Tested: ${outcome}`, outcome === 'delivered' ? 'ok' : 'bad')
  parts.result.replaceChildren(testResult(open, body))
}

function showReviewPreview(open: OpenMapping, step: HTMLElement): void {
  const preview = open.draft.preview
  if (!preview) return
  step.querySelector('.match')!.replaceWith(matchLine(open))
  step.querySelector('.facts')!.replaceWith(summary(open))
  const payload = step.querySelector<HTMLElement>('.preview-payload')!
  payload.textContent = preview.mappingProblem ?? pretty(preview.payload)
  payload.classList.toggle('bad', Boolean(preview.mappingProblem))
  const problems = preview.fields.map((problem) => problem.message)
  showProblems(step.querySelector<HTMLElement>('.review-problems')!, problems)
}

/** The review step: the mapped payload for the test event, its problems, and Test this mapping. */
export function reviewStep(open: OpenMapping): HTMLElement {
  const button = el('button', { type: 'button', id: 'test-mapping', class: 'primary', text: 'Test this mapping' })
  const parts = {
    status: el('span', { id: 'test-status', class: 'status', role: 'status' }),
    problems: el('ul', { class: 'problems', role: 'alert', hidden: true }),
    result: el('div', { id: 'test-result' })
  }
  const step = el(
    'div',
    { class: 'review-step' },
    summary(open),
    el('p', { class: 'match' }),
    el('h3', { text: 'Mapped payload for the test event (nothing sent yet)' }),
    jsonBox('Mapped payload for the test event', '', 'preview-payload'),
    el('ul', { class: 'problems review-problems', role: 'status', hidden: true }),
    el('p', {
      class: 'hint',
      text: 'Test this mapping sends the test event through this mapping alone, as edited here, saved or not, on or off; no other mapping runs.'
    }),
    el('div', { class: 'row' }, button, parts.status),
    parts.problems,
    parts.result
  )
  button.addEventListener('click', () => {
    button.disabled = true
    testMapping(open, parts)
      .catch(open.state.reportFailure)
      .finally(() => (button.disabled = false))
  })
  if (open.draft.tested) parts.result.replaceChildren(testResult(open, open.draft.tested))
  open.onPreview = () => showReviewPreview(open, step)
  showReviewPreview(open, step)
  return step
}
