import { isEqual } from 'lodash'
import type { Sim } from '../context'
import {
  ApiError,
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

/** How long a ticket create's `Idempotency-Key` is kept (assumed; see ASSUMPTIONS.md). */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 2 * 60 * 60 * 1000

function create(req: ApiRequest, sim: Sim): Reply {
  const key = req.idempotencyKey
  if (key === undefined) return createOnce(req, sim)
  const earlier = sim.store.idempotencyKeys.get(key)
  if (earlier && earlier.expiresAt > sim.clock()) {
    if (!isEqual(earlier.request, req.body)) {
      throw new ApiError(
        json(400, {
          error: 'IdempotentRequestMismatch',
          description: 'The Idempotency-Key was already used with a different request body'
        })
      )
    }
    return json(201, earlier.answer, {
      ...earlier.headers,
      'x-idempotency-lookup': 'hit'
    })
  }
  let reply: Reply
  try {
    reply = createOnce(req, sim)
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    reply = error.reply
  }
  // Only a created ticket is kept: a refused create (a 422) may be sent again, corrected, with its key.
  if (reply.status === 201) {
    sim.store.idempotencyKeys.set(key, {
      request: req.body,
      answer: reply.body,
      headers: reply.headers ?? {},
      expiresAt: sim.clock() + IDEMPOTENCY_KEY_LIFETIME_MS
    })
  }
  return { ...reply, headers: { ...reply.headers, 'x-idempotency-lookup': 'miss' } }
}

function createOnce(req: ApiRequest, sim: Sim): Reply {
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
