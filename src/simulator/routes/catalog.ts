import type { Sim } from '../context'
import { idParam, json, notFound, queryValue, type ApiRequest } from '../http'
import { paginate } from '../pagination'
import { route } from '../router'

/** The ticket-side lists a mapping UI offers as choices (seeded by tests; read-only over HTTP). */
const lists: Record<string, (sim: Sim, req: ApiRequest) => unknown[]> = {
  ticket_fields: (sim) => sim.store.ticketFields,
  groups: (sim) => sim.store.groups,
  brands: (sim) => sim.store.brands,
  // ?active=true|false filters the forms (Zendesk's List Ticket Forms parameter)
  ticket_forms: (sim, req) => {
    const active = queryValue(req.query, 'active')
    return sim.store.ticketForms.filter((f) => active === undefined || String(f.active) === active)
  }
}

export const catalogRoutes = [
  ...Object.entries(lists).map(([resource, list]) =>
    route('GET', resource, (req, sim) => json(200, paginate(req, sim, resource, list(sim, req))))
  ),
  route('GET', 'ticket_fields/:id', (req, sim) => {
    const field = sim.store.ticketFields.find((f) => f.id === idParam(req))
    if (!field) throw notFound()
    return json(200, { ticket_field: field })
  })
]
