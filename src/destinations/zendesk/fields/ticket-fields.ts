import { PayloadValidationError, removeUndefined, type InputField } from '@segment/actions-core'
import type { TicketChanges, TicketComment, TicketCustomField, ZendeskTicket } from '../client/tickets'
import { quote } from '../client/quote'
import { text } from './text'
import { isZendeskId } from '../client/ids'

export const TICKET_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const
export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const
export const TICKET_TYPES = ['problem', 'incident', 'question', 'task'] as const

export const property = (name: string) => ({ '@path': `$.properties.${name}` })

/** Field definitions that mean the same in Create Ticket and Update Ticket. */
export const sharedFields = {
  html: {
    label: 'Comment Is HTML',
    description:
      'Send the comment as HTML (Zendesk keeps the formatting) instead of plain text (Zendesk strips HTML tags). Default: off.',
    type: 'boolean',
    default: false
  },
  priority: {
    label: 'Priority',
    description: `One of ${TICKET_PRIORITIES.join(', ')} (any case). Default: properties.priority.`,
    type: 'string',
    default: property('priority')
  },
  status: {
    label: 'Status',
    description: `One of ${TICKET_STATUSES.join(', ')} (any case). Default: properties.status.`,
    type: 'string',
    default: property('status')
  },
  type: {
    label: 'Type',
    description: `One of ${TICKET_TYPES.join(', ')} (any case). Default: properties.type.`,
    type: 'string',
    default: property('type')
  },
  custom_fields: {
    label: 'Custom Fields',
    description:
      'Values for custom ticket fields, keyed by the numeric ticket field id, e.g. {"27642": "745"}: pick the fields and, for drop-downs and checkboxes, their values from the account. Default: properties.custom_fields.',
    type: 'object',
    additionalProperties: true,
    dynamic: true,
    default: property('custom_fields')
  }
} satisfies Record<string, InputField>

/** The mapped values both ticket actions send as they are (after checking). */
export interface TicketFieldValues {
  subject?: string
  priority?: string
  status?: string
  type?: string
  tags?: string[]
  custom_fields?: { [id: string]: unknown }
  comment?: string
  html?: boolean
  public?: boolean
}

/** One of Zendesk's allowed values (any case), lowercased; anything else is a 400 listing the allowed values. */
export function allowedValue(value: unknown, field: string, allowed: readonly string[]): string | undefined {
  const given = text(value)
  if (given === undefined) return undefined
  const lower = given.toLowerCase()
  if (!allowed.includes(lower)) {
    throw new PayloadValidationError(`${field} ${quote(given)} is not valid; allowed: ${allowed.join(', ')}.`)
  }
  return lower
}

/** `{ "27642": "745" }` → Zendesk's `[{ id: 27642, value: "745" }]`; every key must be a numeric ticket field id. */
export function customFieldList(values: TicketFieldValues['custom_fields']): TicketCustomField[] | undefined {
  if (!values) return undefined
  const list = Object.entries(values).map(([id, value]) => {
    const key = id.trim()
    if (!isZendeskId(key)) {
      throw new PayloadValidationError(
        `custom_fields keys must be numeric Zendesk ticket field ids; ${quote(id)} is not one.`
      )
    }
    return { id: Number(key), value }
  })
  return list.length ? list : undefined
}

function tagList(tags: TicketFieldValues['tags']): string[] | undefined {
  if (!tags) return undefined
  return tags.map((tag) => text(tag)).filter((tag): tag is string => tag !== undefined)
}

/** The comment as Zendesk takes it: `html_body` keeps HTML, `body` is plain text; `public` only when mapped. */
function commentOf(values: TicketFieldValues): TicketComment | undefined {
  const body = text(values.comment)
  if (body === undefined) return undefined
  const comment: TicketComment = values.html ? { html_body: body } : { body }
  if (typeof values.public === 'boolean') comment.public = values.public
  return comment
}

/**
 * The fields both actions write, checked (enums, custom field ids) before any request, without empty values.
 * Throws PayloadValidationError naming the field.
 */
export function ticketChanges(values: TicketFieldValues): TicketChanges {
  const changes: TicketChanges = {
    subject: text(values.subject),
    priority: allowedValue(values.priority, 'priority', TICKET_PRIORITIES),
    status: allowedValue(values.status, 'status', TICKET_STATUSES),
    type: allowedValue(values.type, 'type', TICKET_TYPES),
    tags: tagList(values.tags),
    custom_fields: customFieldList(values.custom_fields),
    comment: commentOf(values)
  }
  return removeUndefined(changes)
}

/** The most recently created ticket (ties: the highest id), which both actions treat as "the" ticket of an external_id. */
export function newestTicket(tickets: ZendeskTicket[]): ZendeskTicket {
  const createdAt = (ticket: ZendeskTicket) => Date.parse(ticket.created_at ?? '') || 0
  return tickets.reduce((newest, ticket) =>
    createdAt(ticket) > createdAt(newest) || (createdAt(ticket) === createdAt(newest) && ticket.id > newest.id)
      ? ticket
      : newest
  )
}

/** A note for a result when several tickets share the external_id, saying which one was used. */
export function severalNote(tickets: ZendeskTicket[], chosen: ZendeskTicket, externalId: string): string | undefined {
  if (tickets.length < 2) return undefined
  return `${tickets.length} tickets have external_id ${quote(externalId)}; the newest (${chosen.id}) was used.`
}
