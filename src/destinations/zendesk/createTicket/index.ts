import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { ZendeskClient } from '../client'
import { assigneeChoices, brandChoices, groupChoices, ticketCustomFields, ticketFormChoices } from '../fields/dynamic-fields'
import { createTicketsInBatch } from './batch'
import { fields } from './fields'
import { createdResult, draftOf, existingResult, Requesters } from './ticket'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Create Ticket',
  description:
    "Create a Zendesk ticket. A ticket that already has the same external ID (by default the event's messageId) is returned instead of creating a second one, so redelivered events never duplicate tickets.",
  defaultSubscription: 'type = "track" and event = "Ticket Created"',
  fields,
  dynamicFields: {
    custom_fields: ticketCustomFields,
    group_id: groupChoices,
    brand_id: brandChoices,
    ticket_form_id: ticketFormChoices,
    assignee_email: assigneeChoices
  },

  perform: async (request, { payload, settings }) => {
    const draft = draftOf(payload)
    const client = new ZendeskClient(request, settings)
    const externalId = draft.ticket.external_id
    const existing = await client.tickets.findByExternalId(externalId)
    if (existing.length) return existingResult(existing, externalId)
    const requester = await new Requesters(client).fields(draft.requester)
    const ticket = await client.tickets.create({ ...draft.ticket, ...requester })
    return createdResult(ticket, externalId)
  },

  performBatch: async (request, { payload: payloads, settings }) => {
    const results = await createTicketsInBatch(new ZendeskClient(request, settings), payloads)
    return results.toMultiStatus()
  }
}

export default action
