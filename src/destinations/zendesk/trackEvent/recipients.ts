import { isAccountWide, statusOf } from '../batch/results'
import type { ZendeskClient } from '../client'
import type { EventReceipt, ZendeskEvent } from '../client/events'
import type { EventClock } from '../lookups/grace'
import { describeReference, findUserIds, forgetUser, type UserReference } from '../lookups/users'
import { text } from '../fields/text'

/** A reference's user id (undefined: Zendesk has no such user), or the error that stopped the lookup. */
type Outcome = { ok: true; id: number | undefined } | { ok: false; error: unknown }

function referenceKey(ref: UserReference): string {
  const zendeskId = text(ref.zendesk_user_id)
  if (zendeskId) return JSON.stringify(['id', zendeskId])
  return JSON.stringify([text(ref.external_id)?.toLowerCase() ?? null, text(ref.email)?.toLowerCase() ?? null])
}

/**
 * Sends events to the Zendesk users they reference, for one perform or performBatch call.
 * Each distinct reference is looked up once per call (and through the account-wide id cache across calls);
 * a batch looks its references up together (show_many).
 * A looked-up id that Zendesk no longer knows (404) is forgotten and looked up once more.
 * After a 401, 429 or 503 no further request is made: the remaining events fail with that error.
 */
export class EventRecipients {
  private readonly lookups = new Map<string, Promise<Outcome>>()
  private readonly relookups = new Map<string, Promise<Outcome>>()
  private stoppedBy: unknown

  constructor(private readonly client: ZendeskClient) {}

  /** Looks every distinct reference up at once, so the events can then be sent. */
  async resolveAll(refs: UserReference[]): Promise<void> {
    const distinct = new Map<string, UserReference>()
    for (const ref of refs) {
      const key = referenceKey(ref)
      if (!this.lookups.has(key) && !distinct.has(key)) distinct.set(key, ref)
    }
    const outcomes = await this.lookUp([...distinct.values()])
    ;[...distinct.keys()].forEach((key, position) => this.lookups.set(key, Promise.resolve(outcomes[position])))
  }

  /**
   * Sends the event to the user `ref` points at. A user Zendesk does not have is retryable while the event is
   * young (`clock`), then a final error: Track Event never creates users. An event with a `messageId` Zendesk
   * accepted lately for the user is not sent again.
   */
  async send(
    ref: UserReference,
    event: ZendeskEvent,
    clock: EventClock,
    messageId?: string
  ): Promise<{ userId: number; receipt: EventReceipt }> {
    const userId = await this.userId(this.lookups, ref, false, clock)
    try {
      return { userId, receipt: await this.track(userId, event, messageId) }
    } catch (error) {
      if (statusOf(error) !== 404 || text(ref.zendesk_user_id)) throw error
      const freshId = await this.userId(this.relookups, ref, true, clock)
      if (freshId === userId) throw error
      return { userId: freshId, receipt: await this.track(freshId, event, messageId) }
    }
  }

  private async track(userId: number, event: ZendeskEvent, messageId?: string): Promise<EventReceipt> {
    return this.guard(() => this.client.events.track(userId, event, messageId))
  }

  private async userId(
    memo: Map<string, Promise<Outcome>>,
    ref: UserReference,
    forget: boolean,
    clock: EventClock
  ): Promise<number> {
    const outcome = await this.outcome(memo, ref, forget)
    if (!outcome.ok) throw outcome.error
    if (outcome.id === undefined) {
      throw this.client.grace.missing(
        clock,
        [{ kind: 'user', description: describeReference(ref) }],
        'the event was not sent',
        ' Track Event never creates users; mapping zendesk_user_id also works.'
      )
    }
    return outcome.id
  }

  /** The memoised lookup of `ref`; outcomes, not rejections, so a failure shared by many events is never unhandled. */
  private outcome(memo: Map<string, Promise<Outcome>>, ref: UserReference, forget: boolean): Promise<Outcome> {
    const key = referenceKey(ref)
    let outcome = memo.get(key)
    if (!outcome) {
      if (forget) forgetUser(this.client, ref)
      outcome = this.lookUp([ref]).then(
        ([found]) => found,
        (error) => ({ ok: false, error })
      )
      memo.set(key, outcome)
    }
    return outcome
  }

  /** One outcome per reference: its user's id, or why there is none. */
  private async lookUp(refs: UserReference[]): Promise<Outcome[]> {
    if (this.stoppedBy) return refs.map(() => ({ ok: false, error: this.stoppedBy }))
    const lookups = await findUserIds(this.client, refs)
    for (const lookup of lookups) {
      if (!lookup.ok && isAccountWide(lookup.error)) this.stoppedBy ??= lookup.error
    }
    return lookups
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.stoppedBy) throw this.stoppedBy
    try {
      return await call()
    } catch (error) {
      if (isAccountWide(error)) this.stoppedBy ??= error
      throw error
    }
  }
}
