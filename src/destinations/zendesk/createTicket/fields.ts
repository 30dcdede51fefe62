import type { InputField } from '@segment/actions-core'
import { property, sharedFields } from '../fields/ticket-fields'
import { enableBatchingField } from '../batch/fields'
import { receivedAtField } from '../fields/received-at'

/** `first`, else `second`, else `third` (each only when the path exists). */
const firstOf = (first: object, second: object, third?: object) => ({
  '@if': { exists: first, then: first, else: third ? { '@if': { exists: second, then: second, else: third } } : second }
})

export const fields: Record<string, InputField> = {
  subject: {
    label: 'Subject',
    description: "The ticket's subject line. Default: properties.subject.",
    type: 'string',
    default: property('subject')
  },
  comment: {
    label: 'Comment',
    description:
      "The ticket's first comment (its description); required by Zendesk. Default: properties.comment, else properties.description.",
    type: 'string',
    default: firstOf(property('comment'), property('description'))
  },
  html: sharedFields.html,
  public: {
    label: 'Public Comment',
    description:
      'Whether the requester can see the comment; off makes it an internal note. Zendesk makes it public when empty. Default: properties.public.',
    type: 'boolean',
    default: property('public')
  },
  priority: sharedFields.priority,
  status: sharedFields.status,
  type: sharedFields.type,
  tags: {
    label: 'Tags',
    description: 'Tags for the ticket. Default: properties.tags.',
    type: 'string',
    multiple: true,
    default: property('tags')
  },
  external_id: {
    label: 'External ID',
    description:
      "Your ID for the ticket. Before creating, the destination looks for a ticket with this external ID and, when one exists, returns it instead of creating a second; the create itself carries an idempotency key derived from it, so deliveries that race (retries, two workers) still make one ticket. Required; use a value that is unique per ticket. Default: properties.external_id, else the event's messageId.",
    type: 'string',
    default: firstOf(property('external_id'), { '@path': '$.messageId' })
  },
  custom_fields: sharedFields.custom_fields,
  group_id: {
    label: 'Group ID',
    description:
      "The Zendesk group the ticket is assigned to: pick one of the account's groups, or map its numeric id. Default: properties.group_id.",
    type: 'integer',
    dynamic: true,
    default: property('group_id')
  },
  assignee_email: {
    label: 'Assignee Email',
    description:
      "The email of the agent the ticket is assigned to: pick one of the account's agents, or map an email. Default: properties.assignee_email.",
    type: 'string',
    dynamic: true,
    default: property('assignee_email')
  },
  brand_id: {
    label: 'Brand ID',
    description:
      "The Zendesk brand of the ticket: pick one of the account's brands, or map its numeric id. Default: properties.brand_id.",
    type: 'integer',
    dynamic: true,
    default: property('brand_id')
  },
  ticket_form_id: {
    label: 'Ticket Form ID',
    description:
      "The Zendesk ticket form of the ticket: pick one of the account's active forms, or map its numeric id. Zendesk uses the default form when empty. Default: properties.ticket_form_id.",
    type: 'integer',
    dynamic: true,
    default: property('ticket_form_id')
  },
  zendesk_user_id: {
    label: 'Requester Zendesk User ID',
    description:
      'The numeric Zendesk id of the requester. When set, Requester Email and Requester External ID are not used. Default: context.zendesk_user_id.',
    type: 'string',
    default: { '@path': '$.context.zendesk_user_id' }
  },
  requester_email: {
    label: 'Requester Email',
    description:
      "The requester's email, used when Requester Zendesk User ID is empty. Zendesk finds the user with this email or creates one. Default: properties.requester_email, else context.traits.email, else traits.email.",
    type: 'string',
    default: firstOf(property('requester_email'), { '@path': '$.context.traits.email' }, { '@path': '$.traits.email' })
  },
  requester_name: {
    label: 'Requester Name',
    description:
      'The name Zendesk gives a requester it creates from Requester Email. Default: properties.requester_name, else context.traits.name, else traits.name.',
    type: 'string',
    default: firstOf(property('requester_name'), { '@path': '$.context.traits.name' }, { '@path': '$.traits.name' })
  },
  requester_external_id: {
    label: 'Requester External ID',
    description:
      'Used when both Requester Zendesk User ID and Requester Email are empty: the requester is the Zendesk user with this external ID (e.g. created by Upsert User). Default: userId.',
    type: 'string',
    default: { '@path': '$.userId' }
  },
  received_at: receivedAtField('a requester looked up by Requester External ID'),
  enable_batching: enableBatchingField(
    'the duplicate checks and the requesters looked up by external ID are shared, and tickets are created a few at a time.'
  )
}
