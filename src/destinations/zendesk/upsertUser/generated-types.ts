// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * The user's email address. Zendesk matches an existing user on it. Default: traits.email.
   */
  email?: string
  /**
   * Your ID for the user, stored as its Zendesk external ID and used to match it. Default: userId.
   */
  external_id?: string
  /**
   * The user's full name; required by Zendesk when the user is new. Default: traits.name.
   */
  name?: string
  /**
   * Used with Last Name when Name is empty. Default: traits.first_name, else traits.firstName.
   */
  first_name?: string
  /**
   * Used with First Name when Name is empty. Default: traits.last_name, else traits.lastName.
   */
  last_name?: string
  /**
   * A Zendesk organization id (a number). Zendesk makes it the user's only organization. Default: traits.organizationId.
   */
  organization_id?: number
  /**
   * The user's time zone, e.g. "Berlin" or "America/New_York". Default: traits.timezone.
   */
  time_zone?: string
  /**
   * The user's phone number, best in E.164 form (+15551234567). Default: traits.phone.
   */
  phone?: string
  /**
   * Custom values saved to Zendesk user fields; the account's user field keys can be picked. A value is sent only when a user field with that key (as given, in snake_case or in camelCase) exists in Zendesk; others are logged and skipped. Default: all traits.
   */
  user_fields?: {}
  /**
   * Do not send Zendesk's verification email to a new user. Default: the "Skip Verify Email" setting.
   */
  skip_verify_email?: boolean
  /**
   * Mark the user's email as verified. Default: the "Create Users as Verified" setting.
   */
  verified?: boolean
  /**
   * What happens when an existing user is sent an email that is not its primary one: make it the primary email (verified when Create As Verified is on), or keep Zendesk's behaviour of adding it as a secondary email. Default: make it primary.
   */
  email_change?: 'make_primary' | 'add_secondary'
  /**
   * When a new email is made primary, remove the old one from the user: the address is then free for another user. Kept, the user can still be found by it. Default: kept.
   */
  remove_old_email?: boolean
  /**
   * Let the host deliver events in batches: users are sent to Zendesk in bulk (up to 100 per request); accounts without bulk import fall back to one request per user. Default: on.
   */
  enable_batching?: boolean
  /**
   * How many users go in one bulk request (at most 100, Zendesk's limit). Default: 100.
   */
  batch_size?: number
}
