import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { runsPipeline } from '../batch/pipeline'
import { dynamicFieldsOf } from '../fields/dynamic-fields'
import type { Instance } from '../instance'
import { fields } from './fields'
import { updateTickets } from './update'

export default function updateTicket(instance: Instance): ActionDefinition<Settings, Payload> {
  return {
    title: 'Update Ticket',
    description:
      'Update a Zendesk ticket, found by its id or else by its external ID: status, priority, type, subject, tags and custom fields, and add a comment.',
    defaultSubscription: 'type = "track" and event = "Ticket Updated"',
    fields,
    dynamicFields: { custom_fields: dynamicFieldsOf(instance).ticketCustomFields },
    ...runsPipeline(instance, updateTickets)
  }
}
