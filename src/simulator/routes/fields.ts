import type { Sim } from '../context'
import { json, wrapped, type ApiRequest, type Reply } from '../http'
import { createField, type FieldResource } from '../model/fields'
import { paginate } from '../pagination'
import { route, type Route } from '../router'
import type { FieldRecord } from '../types'

/** GET and POST for user_fields or organization_fields. */
function fieldRoutes(resource: FieldResource, singular: string, list: (sim: Sim) => FieldRecord[]): Route[] {
  return [
    route('GET', resource, (req: ApiRequest, sim: Sim) => json(200, paginate(req, sim, resource, list(sim)))),
    route('POST', resource, (req: ApiRequest, sim: Sim): Reply => {
      const field = createField(sim.store, list(sim), resource, wrapped(req.body, singular))
      return json(201, { [singular]: field }, { Location: field.url })
    })
  ]
}

export const customFieldRoutes = [
  ...fieldRoutes('user_fields', 'user_field', (sim) => sim.store.userFields),
  ...fieldRoutes('organization_fields', 'organization_field', (sim) => sim.store.organizationFields)
]
