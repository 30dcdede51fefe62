import { PayloadValidationError, removeUndefined, type JSONLikeObject } from '@segment/actions-core'
import type { ZendeskClient } from '../client'
import { idSegment } from '../client/http'
import type { NewTicket, ZendeskTicket } from '../client/tickets'
import type { EventClock } from '../batch/grace'
import { findUserIdAfresh, findUserIds, type UserLookup } from '../lookups/users'
import { newestTicket, severalNote, ticketChanges } from '../fields/ticket-fields'
import { text } from '../fields/text'
import type { Payload } from './generated-types'
import { quote } from '../client/quote'

/** Who asked: a Zendesk user id, an email (Zendesk finds or creates the user) or an external_id to look up. */
export type RequesterReference =
  | { kind: 'id'; id: number }
  | { kind: 'email'; email: string; name?: string }
  | { kind: 'external_id'; externalId: string }

/** A checked ticket, ready to send once its requester is known. */
export interface TicketDraft {
  ticket: Omit<NewTicket, 'requester_id' | 'requester'>
  requester: RequesterReference
  /** When the CDP received the event: a requester not found is retryable while the event is young. */
  clock: EventClock
}

function requesterOf(payload: Payload): RequesterReference {
  if (text(payload.zendesk_user_id)) {
    return { kind: 'id', id: Number(idSegment(payload.zendesk_user_id, 'zendesk_user_id')) }
  }
  const email = text(payload.requester_email)
  if (email) return removeUndefined({ kind: 'email' as const, email, name: text(payload.requester_name) })
  const externalId = text(payload.requester_external_id)
  if (externalId) return { kind: 'external_id', externalId }
  throw new PayloadValidationError(
    'Create Ticket needs a requester and zendesk_user_id, requester_email and requester_external_id are all empty (map context.zendesk_user_id, properties.requester_email / traits.email, or userId).'
  )
}

/** Checks the payload before any request: comment, external_id, enums, custom field ids, requester. */
export function draftOf(payload: Payload, clock: EventClock): TicketDraft {
  const changes = ticketChanges(payload)
  if (!changes.comment) {
    throw new PayloadValidationError(
      "Create Ticket needs a comment (the ticket's first comment, which Zendesk requires) and comment is empty (map properties.comment or properties.description)."
    )
  }
  const externalId = text(payload.external_id)
  if (!externalId) {
    throw new PayloadValidationError(
      'Create Ticket needs an external_id, which keeps a retried delivery from creating a second ticket, and external_id is empty (map properties.external_id or messageId).'
    )
  }
  const ticket = removeUndefined({
    ...changes,
    comment: changes.comment,
    external_id: externalId,
    group_id: payload.group_id ?? undefined,
    assignee_email: text(payload.assignee_email),
    brand_id: payload.brand_id ?? undefined,
    ticket_form_id: payload.ticket_form_id ?? undefined
  })
  return { ticket, requester: requesterOf(payload), clock }
}

/** Resolves requesters, looking each external_id up once per action call (and through the instance's user cache). */
export class Requesters {
  private readonly lookups = new Map<string, Promise<UserLookup>>()

  constructor(private readonly client: ZendeskClient) {}

  /** Looks the external_id requesters up together (show_many), so no ticket needs a lookup of its own. */
  async resolveAll(refs: RequesterReference[]): Promise<void> {
    const externalIds = refs.flatMap((ref) => (ref.kind === 'external_id' ? [ref.externalId] : []))
    await this.lookUp(externalIds)
  }

  async fields(ref: RequesterReference, clock: EventClock): Promise<Pick<NewTicket, 'requester_id' | 'requester'>> {
    if (ref.kind === 'id') return { requester_id: ref.id }
    if (ref.kind === 'email') return { requester: removeUndefined({ email: ref.email, name: ref.name }) }
    if (!this.lookups.has(ref.externalId)) await this.lookUp([ref.externalId])
    const found = await this.lookups.get(ref.externalId)!
    if (!found.ok) throw found.error
    if (found.id === undefined) {
      throw clock.missing(
        [{ kind: 'user', description: `user with external_id ${quote(ref.externalId)}` }],
        'the ticket has no requester',
        ' Map requester_email or zendesk_user_id to create tickets for users Zendesk does not know.'
      )
    }
    return { requester_id: found.id }
  }

  /** Whether the requester's id came from the instance's cache: Zendesk may have deleted that user since. */
  async cachedId(ref: RequesterReference): Promise<boolean> {
    if (ref.kind !== 'external_id') return false
    const found = await this.lookups.get(ref.externalId)
    return found?.ok === true && found.cached === true
  }

  /** The requester's fields with its id looked up afresh, without the cache. */
  async refreshed(ref: RequesterReference, clock: EventClock): Promise<Pick<NewTicket, 'requester_id' | 'requester'>> {
    if (ref.kind === 'external_id') {
      this.lookups.set(ref.externalId, findUserIdAfresh(this.client, { external_id: ref.externalId }))
    }
    return this.fields(ref, clock)
  }

  /** One findUserIds call for the external_ids not asked for yet; never throws (a failure is each lookup's result). */
  private async lookUp(externalIds: string[]): Promise<void> {
    const wanted = [...new Set(externalIds)].filter((externalId) => !this.lookups.has(externalId))
    if (!wanted.length) return
    const found = findUserIds(
      this.client,
      wanted.map((externalId) => ({ external_id: externalId }))
    ).catch((error: unknown) => wanted.map((): UserLookup => ({ ok: false, error })))
    for (const [position, externalId] of wanted.entries()) {
      const lookup = found.then((lookups) => lookups[position])
      this.lookups.set(externalId, lookup)
    }
    await found
  }
}

export function createdResult(ticket: { id?: number | null }, externalId: string): JSONLikeObject {
  return { id: ticket.id ?? null, external_id: externalId, created: true }
}

/** The result for a ticket Zendesk already had under this ticket's Idempotency-Key or external_id. */
export function replayedResult(ticket: { id?: number | null }, externalId: string): JSONLikeObject {
  return {
    id: ticket.id ?? null,
    external_id: externalId,
    created: false,
    message: `Ticket ${ticket.id} was already created for external_id ${quote(externalId)} (by another delivery of this event), so no second ticket was created.`
  }
}

/** The result for a ticket that already existed: success, nothing created, and why. */
export function existingResult(tickets: ZendeskTicket[], externalId: string): JSONLikeObject {
  const ticket = newestTicket(tickets)
  const several = severalNote(tickets, ticket, externalId)
  return {
    id: ticket.id,
    external_id: externalId,
    created: false,
    message: `Ticket ${ticket.id} already has external_id ${quote(externalId)}, so no new ticket was created.${several ? ` ${several}` : ''}`
  }
}
