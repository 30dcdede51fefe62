// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * The external ID of the Zendesk organization (the groupId of your group calls). Required. Default: traits.company.id.
   */
  organization_external_id: string
  /**
   * When true, the user is removed from the organization (not being a member is success); otherwise the user is added (already being one is success). Default: traits.company.remove.
   */
  remove?: boolean
  /**
   * The Zendesk id of the user; when set, no lookup is needed. Default: context.zendesk_user_id.
   */
  zendesk_user_id?: string
  /**
   * Finds the user by their Zendesk external ID when Zendesk User ID is empty. Default: userId.
   */
  external_id?: string
  /**
   * Finds the user by email when neither Zendesk User ID nor a user with User External ID is found. Default: traits.email.
   */
  email?: string
  /**
   * When the CDP received the event. While the event is less than 15 minutes old, on add, the user or the organization that Zendesk does not have yet is retried (the identify or group that creates it may still be on its way); after that it is a final error. Default: receivedAt, else timestamp.
   */
  received_at?: string | number
  /**
   * Let the host deliver events in batches: users and organizations are looked up once per batch, and memberships are added in bulk. Default: on.
   */
  enable_batching?: boolean
}
