import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { enableBatchingField } from '../batch/fields'
import { runsPipeline } from '../batch/pipeline'
import { receivedAtField } from '../fields/received-at'
import { messageIdField } from '../fields/message-id'
import type { Instance } from '../instance'
import { trackEvents } from './track'

export default function trackEvent(instance: Instance): ActionDefinition<Settings, Payload> {
  return {
    title: 'Track Event',
    description:
      "Add a custom event to an existing Zendesk user's timeline with the Events API. The user is found by Zendesk user ID, else by external ID or email; users are never created.",
    defaultSubscription: 'type = "track" and event != "Ticket Created" and event != "Ticket Updated"',
    fields: {
      zendesk_user_id: {
        label: 'Zendesk User ID',
        description:
          'The numeric Zendesk user id. When set, the event is sent to this user directly, without a search. Default: context.zendesk_user_id.',
        type: 'string',
        default: { '@path': '$.context.zendesk_user_id' }
      },
      external_id: {
        label: 'External ID',
        description:
          "Your ID for the user, matched against the Zendesk user's external ID when Zendesk User ID is empty. Default: userId.",
        type: 'string',
        default: { '@path': '$.userId' }
      },
      email: {
        label: 'Email',
        description:
          "The user's email address, used to find the Zendesk user when Zendesk User ID is empty and no user has the External ID. Default: properties.email, else context.traits.email.",
        type: 'string',
        default: {
          '@if': {
            exists: { '@path': '$.properties.email' },
            then: { '@path': '$.properties.email' },
            else: { '@path': '$.context.traits.email' }
          }
        }
      },
      event_type: {
        label: 'Event Name',
        description:
          'The event\'s type as shown in Zendesk, e.g. "Article Read". Default: the track call\'s event name.',
        type: 'string',
        required: true,
        default: { '@path': '$.event' }
      },
      source: {
        label: 'Source',
        description:
          'Where the event comes from, as shown in Zendesk. "zendesk" is reserved by Zendesk and rejected. Default: "segment".',
        type: 'string',
        required: true,
        default: 'segment'
      },
      properties: {
        label: 'Properties',
        description: "Details saved with the event (a JSON object). Default: the track call's properties.",
        type: 'object',
        additionalProperties: true,
        default: { '@path': '$.properties' }
      },
      description: {
        label: 'Description',
        description: 'A short text saved with the event. Default: none.',
        type: 'string'
      },
      created_at: {
        label: 'Event Time',
        description:
          "When the event happened; Zendesk uses the time it receives the event when empty. Default: the call's timestamp.",
        type: 'datetime',
        default: { '@path': '$.timestamp' }
      },
      received_at: receivedAtField('the user'),
      message_id: messageIdField('An event'),
      enable_batching: enableBatchingField(
        'each distinct user is looked up once per batch, then the events are sent a few at a time.'
      )
    },
    ...runsPipeline(instance, trackEvents)
  }
}
