import { createHash } from 'crypto'
import { quote } from './quote'
import { BULK_LIMIT } from './constants'
import { idSegment, type ZendeskHttp } from './http'
import type { JobItemOutcome, Jobs } from './jobs'
import { ticketAnswer, ticketSchema, type ZendeskTicket } from './schemas'

export type { ZendeskTicket }

export interface TicketComment {
  body?: string
  html_body?: string
  public?: boolean
}

export interface TicketCustomField {
  id: number
  value: unknown
}

/** What both ticket actions may write. */
export interface TicketChanges {
  subject?: string
  comment?: TicketComment
  priority?: string
  status?: string
  type?: string
  tags?: string[]
  custom_fields?: TicketCustomField[]
}

export interface NewTicket extends TicketChanges {
  comment: TicketComment
  external_id: string
  requester_id?: number
  requester?: { email: string; name?: string }
  group_id?: number
  assignee_email?: string
  brand_id?: number
  ticket_form_id?: number
}

export interface TicketUpdate extends TicketChanges {
  id: number
}

export function describeTicket(externalId: string): string {
  return `ticket with external_id ${quote(externalId)}`
}

/** What `POST tickets` gave: the ticket, and whether Zendesk replayed an earlier answer for the same key. */
export interface TicketCreation {
  ticket: ZendeskTicket
  replayed: boolean
}

/**
 * The `Idempotency-Key` of the ticket with this external_id on this account: the same on every retry and in
 * every process, so Zendesk creates the ticket once while it keeps the key. Hashed, so any external_id fits a header.
 */
export function idempotencyKeyOf(account: string, externalId: string): string {
  const digest = createHash('sha256').update(`${account}\n${externalId}`).digest('hex')
  return `actions-zendesk-ticket-${digest}`
}

export class TicketsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly jobs: Jobs,
    private readonly inFlight: Map<string, Promise<TicketCreation>>
  ) {}

  /**
   * `POST tickets` with an `Idempotency-Key` derived from the account and the external_id: a request Zendesk
   * has seen with this key (and this body) answers the ticket it created then (`x-idempotency-lookup: hit`).
   * A create of the same ticket already under way in this destination instance is joined, not sent again.
   */
  async create(ticket: NewTicket): Promise<TicketCreation> {
    const key = idempotencyKeyOf(this.http.origin, ticket.external_id)
    const underWay = this.inFlight.get(key)
    if (underWay) return { ...(await underWay), replayed: true }
    const creation = this.send(key, ticket)
    this.inFlight.set(key, creation)
    try {
      return await creation
    } finally {
      this.inFlight.delete(key)
    }
  }

  private async send(key: string, ticket: NewTicket): Promise<TicketCreation> {
    const { body, headers } = await this.http.post(
      'tickets',
      `new ${describeTicket(ticket.external_id)}`,
      ticketAnswer,
      { ticket },
      { 'Idempotency-Key': key }
    )
    return { ticket: body.ticket, replayed: headers.get('x-idempotency-lookup')?.toLowerCase() === 'hit' }
  }

  /**
   * Every ticket with this external_id (Zendesk does not keep them unique; archived tickets are not listed).
   * Only exact matches are kept, so a Zendesk that ignored the filter could never make us touch unrelated tickets.
   */
  async findByExternalId(externalId: string): Promise<ZendeskTicket[]> {
    const tickets = await this.http.listAll(
      'tickets',
      'tickets',
      `tickets with external_id ${quote(externalId)}`,
      ticketSchema,
      { external_id: externalId }
    )
    return tickets.filter((ticket) => ticket.external_id === externalId)
  }

  /** `PUT tickets/{id}`; the id is not repeated in the body (Zendesk warns about it as an unpermitted key). */
  async update(id: number, changes: TicketChanges): Promise<ZendeskTicket> {
    const segment = idSegment(id, 'ticket_id')
    const { body } = await this.http.put(`tickets/${segment}`, `ticket ${segment}`, ticketAnswer, { ticket: changes })
    return body.ticket
  }

  /** The batch form `{"tickets":[{id, ...}]}`: each ticket gets its own changes. */
  async updateMany(tickets: TicketUpdate[]): Promise<JobItemOutcome[]> {
    if (tickets.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} tickets per update_many call`)
    return this.jobs.bulk('PUT', 'tickets/update_many', `bulk update of ${tickets.length} tickets`, { tickets })
  }
}
