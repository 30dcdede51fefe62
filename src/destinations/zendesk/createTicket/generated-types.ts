// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * The ticket's subject line. Default: properties.subject.
   */
  subject?: string
  /**
   * The ticket's first comment (its description); required by Zendesk. Default: properties.comment, else properties.description.
   */
  comment?: string
  /**
   * Send the comment as HTML (Zendesk keeps the formatting) instead of plain text (Zendesk strips HTML tags). Default: off.
   */
  html?: boolean
  /**
   * Whether the requester can see the comment; off makes it an internal note. Zendesk makes it public when empty. Default: properties.public.
   */
  public?: boolean
  /**
   * One of urgent, high, normal, low (any case). Default: properties.priority.
   */
  priority?: string
  /**
   * One of new, open, pending, hold, solved, closed (any case). Default: properties.status.
   */
  status?: string
  /**
   * One of problem, incident, question, task (any case). Default: properties.type.
   */
  type?: string
  /**
   * Tags for the ticket. Default: properties.tags.
   */
  tags?: string[]
  /**
   * Your ID for the ticket. Before creating, the destination looks for a ticket with this external ID and, when one exists, returns it instead of creating a second; the create itself carries an idempotency key derived from it, so deliveries that race (retries, two workers) still make one ticket. Required; use a value that is unique per ticket. Default: properties.external_id, else the event's messageId.
   */
  external_id?: string
  /**
   * Values for custom ticket fields, keyed by the numeric ticket field id, e.g. {"27642": "745"}: pick the fields and, for drop-downs and checkboxes, their values from the account. Default: properties.custom_fields.
   */
  custom_fields?: {}
  /**
   * The Zendesk group the ticket is assigned to: pick one of the account's groups, or map its numeric id. Default: properties.group_id.
   */
  group_id?: number
  /**
   * The email of the agent the ticket is assigned to: pick one of the account's agents, or map an email. Default: properties.assignee_email.
   */
  assignee_email?: string
  /**
   * The Zendesk brand of the ticket: pick one of the account's brands, or map its numeric id. Default: properties.brand_id.
   */
  brand_id?: number
  /**
   * The Zendesk ticket form of the ticket: pick one of the account's active forms, or map its numeric id. Zendesk uses the default form when empty. Default: properties.ticket_form_id.
   */
  ticket_form_id?: number
  /**
   * The numeric Zendesk id of the requester. When set, Requester Email and Requester External ID are not used. Default: context.zendesk_user_id.
   */
  zendesk_user_id?: string
  /**
   * The requester's email, used when Requester Zendesk User ID is empty. Zendesk finds the user with this email or creates one. Default: properties.requester_email, else context.traits.email, else traits.email.
   */
  requester_email?: string
  /**
   * The name Zendesk gives a requester it creates from Requester Email. Default: properties.requester_name, else context.traits.name, else traits.name.
   */
  requester_name?: string
  /**
   * Used when both Requester Zendesk User ID and Requester Email are empty: the requester is the Zendesk user with this external ID (e.g. created by Upsert User). Default: userId.
   */
  requester_external_id?: string
  /**
   * When the CDP received the event. While the event is less than 15 minutes old, a requester looked up by Requester External ID that Zendesk does not have yet is retried (the identify or group that creates it may still be on its way); after that it is a final error. Default: receivedAt, else timestamp.
   */
  received_at?: string | number
  /**
   * Let the host deliver events in batches: the duplicate checks and the requesters looked up by external ID are shared, and tickets are created a few at a time. Default: on.
   */
  enable_batching?: boolean
}
