import destination from './destinations/zendesk'

export default destination
export { destination }
