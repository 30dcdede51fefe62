import type { Sim } from '../context'
import { json } from '../http'
import { paginate } from '../pagination'
import { route } from '../router'

/** The ticket-side lists a mapping UI offers as choices (seeded by tests; read-only over HTTP). */
const lists: Record<string, (sim: Sim) => unknown[]> = {
  ticket_fields: (sim) => sim.store.ticketFields,
  groups: (sim) => sim.store.groups,
  brands: (sim) => sim.store.brands,
  ticket_forms: (sim) => sim.store.ticketForms
}

export const catalogRoutes = Object.entries(lists).map(([resource, list]) =>
  route('GET', resource, (req, sim) => json(200, paginate(req, sim, resource, list(sim))))
)
