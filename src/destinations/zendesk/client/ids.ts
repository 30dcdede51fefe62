/** A Zendesk record id as text: a positive whole number of at most 20 digits, nothing else. */
const ZENDESK_ID = /^[1-9]\d{0,19}$/

export function isZendeskId(text: string): boolean {
  return ZENDESK_ID.test(text)
}
