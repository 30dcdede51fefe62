import { APIError, PayloadValidationError, type JSONLikeObject } from '@segment/actions-core'
import type { ZendeskClient } from '../client'
import { idSegment } from '../client/http'
import { describeTicket, type TicketChanges } from '../client/tickets'
import { newestTicket, severalNote, ticketChanges } from '../fields/ticket-fields'
import { text } from '../fields/text'
import type { Payload } from './generated-types'

export type TicketReference = { kind: 'id'; id: number } | { kind: 'external_id'; externalId: string }

/** A checked update: which ticket, and what changes. */
export interface UpdateDraft {
  ref: TicketReference
  changes: TicketChanges
  /** The event's message id: an update Zendesk accepted lately for it is not sent again. */
  messageId?: string
}

/** The ticket to update, and a note when it was chosen among several with one external_id. */
export interface ResolvedTicket {
  id: number
  note?: string
}

function referenceOf(payload: Payload): TicketReference {
  if (text(payload.ticket_id)) return { kind: 'id', id: Number(idSegment(payload.ticket_id, 'ticket_id')) }
  const externalId = text(payload.external_id)
  if (externalId) return { kind: 'external_id', externalId }
  throw new PayloadValidationError(
    'Update Ticket needs ticket_id or external_id to find the ticket, and both are empty (map properties.ticket_id or properties.external_id).'
  )
}

/** Checks the payload before any request: the ticket reference, enums, custom field ids, something to change. */
export function updateDraftOf(payload: Payload): UpdateDraft {
  const ref = referenceOf(payload)
  const changes = ticketChanges(payload)
  if (Object.keys(changes).length === 0) {
    throw new PayloadValidationError(
      'Update Ticket has nothing to change: status, priority, type, subject, tags, custom_fields and comment are all empty.'
    )
  }
  return { ref, changes, messageId: text(payload.message_id) }
}

/** The ticket with this external_id (the newest of several); none is a 404 that retrying cannot fix. */
export async function ticketWithExternalId(client: ZendeskClient, externalId: string): Promise<ResolvedTicket> {
  const tickets = await client.tickets.findByExternalId(externalId)
  if (tickets.length === 0) {
    throw new APIError(
      `Zendesk has no ${describeTicket(externalId)} (archived tickets are not searched), so nothing was updated.`,
      404
    )
  }
  const ticket = newestTicket(tickets)
  return { id: ticket.id, note: severalNote(tickets, ticket, externalId) }
}

export function updatedResult(ticket: ResolvedTicket): JSONLikeObject {
  return ticket.note ? { id: ticket.id, updated: true, message: ticket.note } : { id: ticket.id, updated: true }
}
