import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { ZendeskClient } from '../client'
import { ticketCustomFields } from '../fields/dynamic-fields'
import { updateTicketsInBatch } from './batch'
import { fields } from './fields'
import { resolveTicket, updatedResult, updateDraftOf } from './target'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Update Ticket',
  description:
    'Update a Zendesk ticket, found by its id or else by its external ID: status, priority, type, subject, tags and custom fields, and add a comment.',
  defaultSubscription: 'type = "track" and event = "Ticket Updated"',
  fields,
  dynamicFields: { custom_fields: ticketCustomFields },

  perform: async (request, { payload, settings }) => {
    const draft = updateDraftOf(payload)
    const client = new ZendeskClient(request, settings)
    const ticket = await resolveTicket(client, draft.ref)
    await client.tickets.update(ticket.id, draft.changes)
    return updatedResult(ticket)
  },

  performBatch: async (request, { payload: payloads, settings }) => {
    const results = await updateTicketsInBatch(new ZendeskClient(request, settings), payloads)
    return results.toMultiStatus()
  }
}

export default action
