// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * The numeric Zendesk user id. When set, the event is sent to this user directly, without a search. Default: context.zendesk_user_id.
   */
  zendesk_user_id?: string
  /**
   * Your ID for the user, matched against the Zendesk user's external ID when Zendesk User ID is empty. Default: userId.
   */
  external_id?: string
  /**
   * The user's email address, used to find the Zendesk user when Zendesk User ID is empty and no user has the External ID. Default: properties.email, else context.traits.email.
   */
  email?: string
  /**
   * The event's type as shown in Zendesk, e.g. "Article Read". Default: the track call's event name.
   */
  event_type: string
  /**
   * Where the event comes from, as shown in Zendesk. "zendesk" is reserved by Zendesk and rejected. Default: "segment".
   */
  source: string
  /**
   * Details saved with the event (a JSON object). Default: the track call's properties.
   */
  properties?: {}
  /**
   * A short text saved with the event. Default: none.
   */
  description?: string
  /**
   * When the event happened; Zendesk uses the time it receives the event when empty. Default: the call's timestamp.
   */
  created_at?: string | number
  /**
   * When the CDP received the event. While the event is less than 15 minutes old, the user that Zendesk does not have yet is retried (the identify or group that creates it may still be on its way); after that it is a final error. Default: receivedAt, else timestamp.
   */
  received_at?: string | number
  /**
   * The event's unique id. An event that Zendesk accepted for this id in the last 10 minutes is not sent again, so an event delivered twice (retried by the host, or run again after the Zendesk connection was renewed) is written once. Empty: always sent. Default: messageId.
   */
  message_id?: string
  /**
   * Let the host deliver events in batches: each distinct user is looked up once per batch, then the events are sent a few at a time. Default: on.
   */
  enable_batching?: boolean
}
