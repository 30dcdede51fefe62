import { createHash } from 'crypto'
import { quote } from './quote'
import { BULK_LIMIT } from './constants'
import type { DeliveredWrites } from './delivered-writes'
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

/** What identifies an update for `DeliveredWrites`: the ticket and the event's message id. */
const updateKey = (id: number, messageId: string | undefined) =>
  messageId ? { ticketUpdate: { id, messageId } } : undefined

export class TicketsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly jobs: Jobs,
    private readonly inFlight: Map<string, Promise<TicketCreation>>,
    private readonly delivered: DeliveredWrites
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

  /**
   * `PUT tickets/{id}`; the id is not repeated in the body (Zendesk warns about it as an unpermitted key). An
   * update with a message id Zendesk accepted lately is not sent again: its comment would be added twice.
   */
  async update(id: number, changes: TicketChanges, messageId?: string): Promise<void> {
    const segment = idSegment(id, 'ticket_id')
    await this.delivered.once(this.http.origin, updateKey(id, messageId), async () => {
      await this.http.put(`tickets/${segment}`, `ticket ${segment}`, ticketAnswer, { ticket: changes })
      return true
    })
  }

  /**
   * The batch form `{"tickets":[{id, ...}]}`: each ticket gets its own changes. Updates whose message id
   * (`messageIds`, by position) Zendesk accepted lately are answered as done and left out of the job.
   */
  async updateMany(tickets: TicketUpdate[], messageIds: (string | undefined)[] = []): Promise<JobItemOutcome[]> {
    if (tickets.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} tickets per update_many call`)
    const keys = tickets.map((ticket, position) => updateKey(ticket.id, messageIds[position]))
    const outcomes: (JobItemOutcome | undefined)[] = tickets.map((ticket, position) =>
      this.delivered.answered(this.http.origin, keys[position]) ? { ok: true, id: ticket.id } : undefined
    )
    const positions = tickets.flatMap((_, position) => (outcomes[position] === undefined ? [position] : []))
    if (positions.length === 0) return outcomes as JobItemOutcome[]
    const sent = await this.jobs.bulk('PUT', 'tickets/update_many', `bulk update of ${positions.length} tickets`, {
      tickets: positions.map((position) => tickets[position])
    })
    positions.forEach((position, i) => {
      if (sent[i].ok) this.delivered.remember(this.http.origin, keys[position], true)
    })
    let next = 0
    return outcomes.map((outcome) => outcome ?? sent[next++])
  }
}
