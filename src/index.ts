import destination, { createDestination } from './destinations/zendesk'

export default destination
export { createDestination, destination }
export type { DestinationOptions } from './destinations/zendesk'
