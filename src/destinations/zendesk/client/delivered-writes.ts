import { createHash } from 'crypto'
import { TtlCache } from './ttl-cache'

/** Long enough to cover actions-core running an event again after renewing the connection, and a quick redelivery. */
const REMEMBERED_MS = 10 * 60 * 1000
const REMEMBERED_WRITES = 50_000

/**
 * Writes that are not upserts (Events API events, ticket updates with a comment) that Zendesk accepted lately, by
 * a digest of the account and the write's identity (its kind, record and the event's message id). After a 401 and
 * a renewal actions-core runs every subscription of the event or batch again, and hosts redeliver: a write
 * remembered here is answered again, not sent again. A write under way is joined. A write without an identity
 * (no message id) is always sent.
 */
export class DeliveredWrites {
  private readonly underWay = new Map<string, Promise<unknown>>()
  private readonly delivered: TtlCache<string, unknown>

  constructor(now: () => number) {
    this.delivered = new TtlCache(REMEMBERED_WRITES, REMEMBERED_MS, now)
  }

  /** `send`'s answer, sent once for `what` on `account` while it is remembered; always sent without `what`. */
  async once<T>(account: string, what: object | undefined, send: () => Promise<T>): Promise<T> {
    if (what === undefined) return send()
    const key = writeKey(account, what)
    const delivered = this.delivered.get(key)
    if (delivered !== undefined) return delivered as T
    const underWay = this.underWay.get(key)
    if (underWay) return underWay as Promise<T>
    const sending = send()
    this.underWay.set(key, sending)
    try {
      const answer = await sending
      this.delivered.set(key, answer)
      return answer
    } finally {
      this.underWay.delete(key)
    }
  }

  /** The remembered answer for `what`, if Zendesk accepted it lately. */
  answered<T>(account: string, what: object | undefined): T | undefined {
    return what === undefined ? undefined : (this.delivered.get(writeKey(account, what)) as T | undefined)
  }

  remember(account: string, what: object | undefined, answer: unknown): void {
    if (what !== undefined) this.delivered.set(writeKey(account, what), answer)
  }
}

function writeKey(account: string, what: unknown): string {
  return createHash('sha256')
    .update(`${account}\n${JSON.stringify(what)}`)
    .digest('hex')
}
