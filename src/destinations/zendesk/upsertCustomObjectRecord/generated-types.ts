// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Payload {
  /**
   * The key of the Zendesk custom object the records belong to, e.g. order: pick one of the account's objects. Required.
   */
  custom_object_key: string
  /**
   * Your ID for the record, stored as its Zendesk external ID: the record with this external ID is updated, or created when there is none, so a redelivered event writes the same record. Required. Default: properties.id, else the event's messageId.
   */
  external_id: string
  /**
   * The record's name, which Zendesk needs for a new record. Not sent to an object that numbers its records' names itself. Default: properties.name.
   */
  name?: string
  /**
   * Values for the object's fields, keyed by field key: pick the fields and, for drop-downs and checkboxes, their values from the account. Each value is checked against its field's type before anything is sent (text, true/false, whole or decimal numbers, YYYY-MM-DD dates, an option's value or name, a list of them for a multi-select); null clears a field. A lookup field to users or organizations takes an external ID (a user's also an email), e.g. userId, traits.email or context.groupId, and points at that user or organization. A key the object has no field for (as given, in snake_case or in camelCase) is not sent and is reported. Default: all properties.
   */
  custom_object_fields?: {}
  /**
   * When the CDP received the event. While the event is less than 15 minutes old, a user or organization a lookup field points at that Zendesk does not have yet is retried (the identify or group that creates it may still be on its way); after that it is a final error. Default: receivedAt, else timestamp.
   */
  received_at?: string | number
  /**
   * Let the host deliver events in batches: each object's records are written in jobs of up to 100 (one request for one or two), and the users and organizations of lookup fields are looked up together. Default: on.
   */
  enable_batching?: boolean
  /**
   * How many records go in one bulk request (at most 100, Zendesk's limit). Default: 100.
   */
  batch_size?: number
}
