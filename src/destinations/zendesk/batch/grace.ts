import { createHash } from 'crypto'
import { IntegrationError, RetryableError } from '@segment/actions-core'
import { TtlCache } from '../client/ttl-cache'

/**
 * How long after the CDP received an event a user or organization it needs may still be missing: hosts run
 * subscriptions side by side, so the identify or group that creates it often reaches Zendesk a moment later.
 */
export const GRACE_WINDOW_MS = 15 * 60 * 1000
/** Events without a usable time, remembered so that the window runs from the first time they were seen. */
const FIRST_SEEN_SIZE = 10000
const FIRST_SEEN_MAX_AGE_MS = 24 * 60 * 60 * 1000

/**
 * The clock of one event: when the CDP received it, which decides whether a record it needs and Zendesk does
 * not have yet is still worth a retry.
 */
export interface EventClock {
  /**
   * The error for the event, which cannot be delivered because `records` do not exist (yet): retryable while the
   * event is young, then final, saying what to send first. `consequence` says what was not done.
   */
  missing(records: MissingRecord[], consequence: string, hint?: string): Error
}

/** When the CDP received one event (its mapped `received_at`), and what identifies the event if that is missing. */
interface EventTime {
  receivedAt?: string | number | null
  /**
   * Stable across deliveries of one event (a hash of the action, the account and the mapped payload); computed
   * only for an event without a usable time, so events that carry one pay nothing for it.
   */
  key(): string
}

/** A record an event needs and Zendesk does not have: its kind and a readable description, e.g. `user with email "a@b.c"`. */
export interface MissingRecord {
  kind: 'user' | 'organization'
  description: string
}

/** The event that creates each kind of record, and the error code once it is final. */
const CREATED_BY = { user: 'identify', organization: 'group' } as const
const FINAL_CODE = { user: 'ZENDESK_USER_NOT_FOUND', organization: 'ZENDESK_ORGANIZATION_NOT_FOUND' } as const

/**
 * Decides whether a missing record is worth a retry: yes while the event is young (received less than
 * GRACE_WINDOW_MS ago), after that a non-retryable error that says what to send first. A missing time counts
 * as young once; a time in the future is clamped to the moment this instance first saw the event.
 */
export class GraceWindow {
  private readonly firstSeen: TtlCache<string, number>

  constructor(private readonly now: () => number) {
    this.firstSeen = new TtlCache(FIRST_SEEN_SIZE, FIRST_SEEN_MAX_AGE_MS, now)
  }

  /** The clock of an event of `action` to `account`, received at `receivedAt` (its mapped `received_at`). */
  clockOf(action: string, account: string, payload: object, receivedAt?: string | number | null): EventClock {
    const key = () =>
      createHash('sha256')
        .update(`${action}\n${account}\n${JSON.stringify(payload)}`)
        .digest('hex')
    const event = { receivedAt, key }
    return { missing: (records, consequence, hint) => this.missing(event, records, consequence, hint) }
  }

  private missing(event: EventTime, missing: MissingRecord[], consequence: string, hint = ''): Error {
    const what = missing.map((record) => record.description).join(' and no ')
    const age = this.ageOf(event)
    if (age !== undefined && age < GRACE_WINDOW_MS) {
      return new RetryableError(
        `Zendesk has no ${what} yet, so ${consequence}; the event is ${duration(age)} old, so it will be retried until it is ${duration(GRACE_WINDOW_MS)} old (the ${missing.map((r) => CREATED_BY[r.kind]).join(' or ')} that creates it may still be on its way).`
      )
    }
    const sendFirst = missing.map((record) => `the ${CREATED_BY[record.kind]} that creates the ${record.kind}`)
    const when =
      age === undefined ? 'on a retry of an event without a time' : `${duration(age)} after the event was received`
    return new IntegrationError(
      `No Zendesk ${what} exists ${when}, so ${consequence}. Send ${sendFirst.join(' and ')} first.${hint}`,
      FINAL_CODE[missing[0].kind],
      404
    )
  }

  /** Milliseconds since the CDP received the event; undefined for an event without a time seen before. */
  private ageOf(event: EventTime): number | undefined {
    const now = this.now()
    const received = event.receivedAt || event.receivedAt === 0 ? new Date(event.receivedAt).getTime() : NaN
    if (!Number.isNaN(received) && received <= now) return now - received
    const key = event.key()
    const seen = this.firstSeen.get(key)
    if (seen === undefined) this.firstSeen.set(key, now)
    if (!Number.isNaN(received)) return now - (seen ?? now)
    return seen === undefined ? 0 : undefined
  }
}

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60000)
  if (minutes < 1) return `${Math.round(ms / 1000)} s`
  if (minutes < 120) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`
}
