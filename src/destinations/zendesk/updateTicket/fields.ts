import type { InputField } from '@segment/actions-core'
import { property, sharedFields } from '../fields/ticket-fields'
import { enableBatchingField, batchSizeField } from '../batch/fields'
import { messageIdField } from '../fields/message-id'

export const fields: Record<string, InputField> = {
  ticket_id: {
    label: 'Ticket ID',
    description: 'The numeric Zendesk id of the ticket to update. Default: properties.ticket_id.',
    type: 'string',
    default: property('ticket_id')
  },
  external_id: {
    label: 'External ID',
    description:
      'Finds the ticket when Ticket ID is empty: the ticket with this external ID (the newest one, if several have it). It is not changed on the ticket. Default: properties.external_id.',
    type: 'string',
    default: property('external_id')
  },
  subject: {
    label: 'Subject',
    description: 'A new subject line; empty leaves it unchanged. Default: properties.subject.',
    type: 'string',
    default: property('subject')
  },
  comment: {
    label: 'Comment',
    description: 'Added to the ticket as a new comment; empty adds none. Default: properties.comment.',
    type: 'string',
    default: property('comment')
  },
  html: sharedFields.html,
  public: {
    label: 'Public Comment',
    description:
      "Whether the requester can see the new comment; off makes it an internal note. When empty, Zendesk follows the ticket's first comment. Default: properties.public.",
    type: 'boolean',
    default: property('public')
  },
  priority: sharedFields.priority,
  status: sharedFields.status,
  type: sharedFields.type,
  tags: {
    label: 'Tags',
    description:
      "The ticket's tags. They replace all of its current tags (Zendesk's rule), so an empty list removes them all; unmapped leaves them unchanged. Default: properties.tags.",
    type: 'string',
    multiple: true,
    default: property('tags')
  },
  custom_fields: sharedFields.custom_fields,
  message_id: messageIdField('An update (with its comment)'),
  enable_batching: enableBatchingField('tickets are updated in bulk (up to 100 per request).'),
  batch_size: batchSizeField('tickets')
}
