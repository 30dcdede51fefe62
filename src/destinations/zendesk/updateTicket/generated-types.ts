// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * The numeric Zendesk id of the ticket to update. Default: properties.ticket_id.
   */
  ticket_id?: string
  /**
   * Finds the ticket when Ticket ID is empty: the ticket with this external ID (the newest one, if several have it). It is not changed on the ticket. Default: properties.external_id.
   */
  external_id?: string
  /**
   * A new subject line; empty leaves it unchanged. Default: properties.subject.
   */
  subject?: string
  /**
   * Added to the ticket as a new comment; empty adds none. Default: properties.comment.
   */
  comment?: string
  /**
   * Send the comment as HTML (Zendesk keeps the formatting) instead of plain text (Zendesk strips HTML tags). Default: off.
   */
  html?: boolean
  /**
   * Whether the requester can see the new comment; off makes it an internal note. When empty, Zendesk follows the ticket's first comment. Default: properties.public.
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
   * The ticket's tags. They replace all of its current tags (Zendesk's rule), so an empty list removes them all; unmapped leaves them unchanged. Default: properties.tags.
   */
  tags?: string[]
  /**
   * Values for custom ticket fields, keyed by the numeric ticket field id, e.g. {"27642": "745"}: pick the fields and, for drop-downs and checkboxes, their values from the account. Default: properties.custom_fields.
   */
  custom_fields?: {}
  /**
   * The event's unique id. An update (with its comment) that Zendesk accepted for this id in the last 10 minutes is not sent again, so an event delivered twice (retried by the host, or run again after the Zendesk connection was renewed) is written once. Empty: always sent. Default: messageId.
   */
  message_id?: string
  /**
   * Let the host deliver events in batches: tickets are updated in bulk (up to 100 per request). Default: on.
   */
  enable_batching?: boolean
  /**
   * How many tickets go in one bulk request (at most 100, Zendesk's limit). Default: 100.
   */
  batch_size?: number
}
