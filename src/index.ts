import destination, { createDestination, zendeskOAuth } from './destinations/zendesk'

export default destination
export { createDestination, destination, zendeskOAuth }
export type { DestinationOptions, ZendeskTokens } from './destinations/zendesk'
export type { Settings } from './destinations/zendesk/generated-types'
export type { Payload as UpsertUserPayload } from './destinations/zendesk/upsertUser/generated-types'
export type { Payload as UpdateOrganizationMembershipPayload } from './destinations/zendesk/updateOrganizationMembership/generated-types'
export type { Payload as UpsertOrganizationPayload } from './destinations/zendesk/upsertOrganization/generated-types'
export type { Payload as TrackEventPayload } from './destinations/zendesk/trackEvent/generated-types'
export type { Payload as CreateTicketPayload } from './destinations/zendesk/createTicket/generated-types'
export type { Payload as UpdateTicketPayload } from './destinations/zendesk/updateTicket/generated-types'
export type { Payload as UpsertCustomObjectRecordPayload } from './destinations/zendesk/upsertCustomObjectRecord/generated-types'
