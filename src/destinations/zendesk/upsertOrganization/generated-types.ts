// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * Your ID for the organization, stored as its Zendesk external ID and used to match it (case-insensitive). Required. Default: groupId.
   */
  external_id: string
  /**
   * The organization's name. Zendesk needs it for a new organization, and names are unique per account. Default: traits.name.
   */
  name?: string
  /**
   * Email domains whose users Zendesk adds to the organization, as a list or a comma-separated text. Replaces the list in Zendesk. Default: traits.domainNames.
   */
  domain_names?: string[]
  /**
   * The organization's tags, as a list or a comma-separated text. Replaces the tags in Zendesk. Default: traits.tags.
   */
  tags?: string[]
  /**
   * Details about the organization, such as its address. Default: traits.details.
   */
  details?: string
  /**
   * Notes about the organization. Default: traits.notes.
   */
  notes?: string
  /**
   * The organization's website, saved in the custom organization field with key "url" (created when missing): Zendesk's own organization url is its read-only API address. Default: traits.url.
   */
  url?: string
  /**
   * Custom values saved to Zendesk organization fields; the account's organization field keys can be picked. A key uses the existing field with that key (as given, in snake_case or in camelCase); otherwise a field with the snake_case key is created, typed from the value (true/false: checkbox, whole number: integer, other number: decimal, ISO date: date, else text). Keys that cannot be a Zendesk field key (letters, digits and underscores, not only digits) and values that are not single values are skipped and reported. The standard traits (id, name, domainNames, tags, details, notes, url, deleted) are not included. Default: all traits.
   */
  organization_fields?: {}
  /**
   * When true, the organization with this Group ID is deleted instead of upserted; if there is none, nothing happens. Default: traits.deleted.
   */
  deleted?: boolean
  /**
   * The external ID of a user to make a member of the organization. If Zendesk has no such user yet, the organization is still saved and the event fails: retryable while it is less than 15 minutes old (Received At), so the membership is made on a retry, then final. Default: userId.
   */
  user_external_id?: string
  /**
   * The Zendesk id of the user to make a member; used instead of Member External ID when set. Default: context.zendesk_user_id.
   */
  zendesk_user_id?: string
  /**
   * When the CDP received the event. While the event is less than 15 minutes old, the member user that Zendesk does not have yet is retried (the identify or group that creates it may still be on its way); after that it is a final error. Default: receivedAt, else timestamp.
   */
  received_at?: string | number
  /**
   * Let the host deliver events in batches: one lookup, then create and update jobs of up to 100 organizations. Default: on.
   */
  enable_batching?: boolean
  /**
   * How many organizations go in one bulk request (at most 100, Zendesk's limit). Default: 100.
   */
  batch_size?: number
}
