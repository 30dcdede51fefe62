import { APIError } from '@segment/actions-core'
import type { DeliveredWrites } from './delivered-writes'
import { idSegment, type ZendeskHttp } from './http'
import { eventReceiptSchema, type EventReceipt } from './schemas'

export type { EventReceipt }

/** The `event` of an Events API request; `source` must not be `zendesk` (reserved). */
export interface ZendeskEvent {
  source: string
  type: string
  properties: Record<string, unknown>
  description?: string
  created_at?: string
}

const EVENTS_API_HINT =
  'The Events API needs a Suite Team plan or above and must be activated in Admin Center (Apps and integrations > APIs).'

export class EventsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly delivered: DeliveredWrites
  ) {}

  /**
   * `POST users/{id}/events` → 202. Never `user_profiles/events`, which would create an anonymous user. An event
   * with a message id Zendesk accepted lately for this user is answered again, not sent again (Zendesk would
   * record it twice).
   */
  async track(userId: number | string, event: ZendeskEvent, messageId?: string): Promise<EventReceipt> {
    const id = idSegment(userId, 'zendesk_user_id')
    const identity = messageId ? { event: { user: id, messageId } } : undefined
    try {
      return await this.delivered.once(this.http.origin, identity, async () => {
        const { body } = await this.http.post(`users/${id}/events`, `user ${id}`, eventReceiptSchema, { event })
        return body
      })
    } catch (error) {
      if (error instanceof APIError && error.status === 403)
        throw new APIError(`${error.message}. ${EVENTS_API_HINT}`, 403)
      throw error
    }
  }
}
