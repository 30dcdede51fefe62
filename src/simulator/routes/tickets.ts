import type { Sim } from '../context'
import {
  idParam,
  json,
  notFound,
  queryList,
  queryValue,
  wrapped,
  wrappedList,
  type ApiRequest,
  type Input,
  type Reply
} from '../http'
import { ACCOUNT_ID } from '../state'
import { asItem, CREATE_WITH_INDEX, enqueueJob, ItemFailure, UPDATE_RESULTS } from '../jobs'
import { createTicket, presentTicket, updateTicket } from '../model/tickets'
import { paginate } from '../pagination'
import { route } from '../router'
import type { TicketRecord } from '../types'

function findTicket(sim: Sim, req: ApiRequest): TicketRecord {
  const ticket = sim.store.tickets.get(idParam(req))
  if (!ticket) throw notFound()
  return ticket
}

function create(req: ApiRequest, sim: Sim): Reply {
  const { ticket, audit } = createTicket(sim.store, wrapped(req.body, 'ticket'))
  return json(201, { ticket: presentTicket(ticket), audit }, { Location: ticket.url })
}

function update(req: ApiRequest, sim: Sim): Reply {
  const found = findTicket(sim, req)
  const input = wrapped(req.body, 'ticket')
  const headers = sim.limits.takeTicketUpdate(found.id)
  const { ticket, audit } = updateTicket(sim.store, found, input)
  return json(200, { ticket: presentTicket(ticket), audit }, headers)
}

/** GET /tickets, optionally ?external_id= (not unique, so a list), oldest first. */
function list(req: ApiRequest, sim: Sim): Reply {
  const externalId = queryValue(req.query, 'external_id')
  const tickets = [...sim.store.tickets.values()]
    .filter((t) => externalId === undefined || t.external_id === externalId)
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id)
  const headers = sim.limits.takeTicketsIndex()
  return json(200, paginate(req, sim, 'tickets', tickets.map(presentTicket)), headers)
}

function createMany(req: ApiRequest, sim: Sim): Reply {
  const items = wrappedList(req.body, 'tickets')
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_create_tickets',
    verb: 'Creating ticket',
    total: items.length,
    shape: CREATE_WITH_INDEX,
    run(index) {
      const { ticket } = asItem('TicketCreateFailed', () => createTicket(sim.store, items[index]))
      return { id: ticket.id, account_id: ACCOUNT_ID }
    }
  })
  return json(200, { job_status: jobStatus })
}

/** Batch form {"tickets":[{id,...}]} or bulk form ?ids=1,2 with {"ticket":{...}}. */
function updateMany(req: ApiRequest, sim: Sim): Reply {
  const ids = queryList(req.query, 'ids')
  let items: Input[]
  if (ids) {
    const changes = wrapped(req.body, 'ticket')
    items = ids.map((id) => ({ ...changes, id }))
  } else {
    items = wrappedList(req.body, 'tickets')
  }
  const jobStatus = enqueueJob(sim, {
    type: 'bulk_update_tickets',
    verb: 'Updating ticket',
    total: items.length,
    shape: UPDATE_RESULTS,
    run(index) {
      const ticket = sim.store.tickets.get(Number(items[index].id))
      if (!ticket) throw new ItemFailure('RecordNotFound', `Ticket ${items[index].id ?? '(no id)'} not found`)
      asItem('TicketUpdateFailed', () => updateTicket(sim.store, ticket, items[index]))
      return { id: ticket.id, action: 'update', status: 'Updated', success: true }
    },
    failureFields: (index) => ({ id: items[index].id ?? null, action: 'update', success: false })
  })
  return json(200, { job_status: jobStatus })
}

export const ticketRoutes = [
  route('POST', 'tickets', create),
  route('GET', 'tickets', list),
  route('POST', 'tickets/create_many', createMany),
  route('PUT', 'tickets/update_many', updateMany),
  route('GET', 'tickets/:id', (req, sim) => json(200, { ticket: presentTicket(findTicket(sim, req)) })),
  route('PUT', 'tickets/:id', update),
  route('GET', 'tickets/:id/comments', (req, sim) =>
    json(200, paginate(req, sim, 'comments', findTicket(sim, req).comments))
  )
]
