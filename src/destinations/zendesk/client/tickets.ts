import { quote } from '../fields/quote'
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

export class TicketsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly jobs: Jobs
  ) {}

  async create(ticket: NewTicket): Promise<ZendeskTicket> {
    const { body } = await this.http.post('tickets', `new ${describeTicket(ticket.external_id)}`, ticketAnswer, {
      ticket
    })
    return body.ticket
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

  /** `POST tickets/create_many` (up to 100), followed to one outcome per ticket. */
  async createMany(tickets: NewTicket[]): Promise<JobItemOutcome[]> {
    if (tickets.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} tickets per create_many call`)
    return this.jobs.bulk('POST', 'tickets/create_many', `bulk create of ${tickets.length} tickets`, { tickets })
  }

  /** The batch form `{"tickets":[{id, ...}]}`: each ticket gets its own changes. */
  async updateMany(tickets: TicketUpdate[]): Promise<JobItemOutcome[]> {
    if (tickets.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} tickets per update_many call`)
    return this.jobs.bulk('PUT', 'tickets/update_many', `bulk update of ${tickets.length} tickets`, { tickets })
  }
}
