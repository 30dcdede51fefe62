import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { runsPipeline } from '../batch/pipeline'
import { dynamicFieldsOf } from '../fields/dynamic-fields'
import type { Instance } from '../instance'
import { createTickets } from './create'
import { fields } from './fields'

export default function createTicket(instance: Instance): ActionDefinition<Settings, Payload> {
  const dynamic = dynamicFieldsOf(instance)
  return {
    title: 'Create Ticket',
    description:
      "Create a Zendesk ticket. A ticket that already has the same external ID (by default the event's messageId) is returned instead of creating a second one, so redelivered events never duplicate tickets.",
    defaultSubscription: 'type = "track" and event = "Ticket Created"',
    fields,
    dynamicFields: {
      custom_fields: dynamic.ticketCustomFields,
      group_id: dynamic.groupChoices,
      brand_id: dynamic.brandChoices,
      ticket_form_id: dynamic.ticketFormChoices,
      assignee_email: dynamic.assigneeChoices
    },
    ...runsPipeline(instance, createTickets)
  }
}
