import destination, { createDestination, zendeskOAuth } from './destinations/zendesk'

export default destination
export { createDestination, destination, zendeskOAuth }
export type { DestinationOptions, ZendeskTokens } from './destinations/zendesk'
