/** The steps of an open mapping, in order. */
export const STEPS = ['trigger', 'event', 'fields', 'review'] as const
export type Step = (typeof STEPS)[number]

export const STEP_TITLES: Record<Step, string> = {
  trigger: 'Trigger',
  event: 'Test event',
  fields: 'Fields',
  review: 'Review and test'
}

/** Which view the URL names: the list, one mapping at one step, the event sender, the records. */
export type Place =
  | { view: 'list' }
  | { view: 'mapping'; mapping: number | 'new'; action?: string; step: Step }
  | { view: 'send' }
  | { view: 'records' }

const isStep = (value: string | null): value is Step => (STEPS as readonly string[]).includes(value ?? '')

/** `?mapping=5&step=fields` is mapping 5 at its fields; `?mapping=new&action=createTicket` a new one. */
export function placeOf(search: string): Place {
  const query = new URLSearchParams(search)
  const mapping = query.get('mapping')
  const step = query.get('step')
  if (mapping !== null) {
    const position = Number(mapping)
    return {
      view: 'mapping',
      mapping: Number.isInteger(position) && position > 0 ? position : 'new',
      action: query.get('action') ?? undefined,
      step: isStep(step) ? step : 'trigger'
    }
  }
  const view = query.get('view')
  return view === 'send' || view === 'records' ? { view } : { view: 'list' }
}

export function urlOf(place: Place): string {
  switch (place.view) {
    case 'list':
      return '/'
    case 'mapping': {
      const query = new URLSearchParams({ mapping: String(place.mapping) })
      if (place.action) query.set('action', place.action)
      query.set('step', place.step)
      return `/?${query}`
    }
    default:
      return `/?view=${place.view}`
  }
}
