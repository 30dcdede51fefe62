import { TtlCache } from './ttl-cache'
import type { ZendeskHttp } from './http'
import { customFieldSchema, type CustomField } from './schemas'

export type FieldKind = 'user_fields' | 'organization_fields'

const FIELD_LIST_MAX_AGE_MS = 5 * 60 * 1000
const REFRESH_AT_MOST_EVERY_MS = 60 * 1000

interface CachedFieldList {
  fields: CustomField[]
  loadedAt: number
}

/** The field lists of every account one destination instance talks to, keyed by account and kind. */
export class FieldListCache {
  readonly lists = new TtlCache<string, CachedFieldList>(500, FIELD_LIST_MAX_AGE_MS)
  readonly inFlight = new Map<string, Promise<CachedFieldList>>()
  /** Field creations under way, by account, kind and field key: concurrent batches share one request. */
  readonly creating = new Map<string, Promise<CustomField>>()
  /** Lists re-read (or tried) within the last minute, so a failing refresh is not retried per event. */
  readonly recentRefreshes = new TtlCache<string, true>(500, REFRESH_AT_MOST_EVERY_MS)
  /** Fields Zendesk refused to create (e.g. 403 for a non-admin token), with the reason, so no event asks again soon. */
  readonly refusedCreations = new TtlCache<string, string>(5000, FIELD_LIST_MAX_AGE_MS)

  clear(): void {
    this.lists.clear()
    this.inFlight.clear()
    this.creating.clear()
    this.recentRefreshes.clear()
    this.refusedCreations.clear()
  }
}

/**
 * An account's user or organization fields, read with pagination and cached for a few minutes in the
 * destination instance's cache. Concurrent callers share one request.
 */
export class FieldListsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly cache: FieldListCache
  ) {}

  async list(kind: FieldKind): Promise<CustomField[]> {
    const cached = this.cache.lists.get(this.key(kind))
    if (cached) return cached.fields
    return (await this.load(kind)).fields
  }

  /**
   * Re-reads the list when a trait matched nothing, at most once a minute per account, so a field an admin just
   * created is picked up without a request per event. Undefined when it was re-read too recently.
   */
  async refresh(kind: FieldKind): Promise<CustomField[] | undefined> {
    const key = this.key(kind)
    const cached = this.cache.lists.get(key)
    if (cached && (Date.now() - cached.loadedAt < REFRESH_AT_MOST_EVERY_MS || this.cache.recentRefreshes.get(key))) {
      return undefined
    }
    this.cache.recentRefreshes.set(key, true)
    return (await this.load(kind)).fields
  }

  /** Records a field this destination just created so the next event sees it without a refresh. */
  remember(kind: FieldKind, field: CustomField): void {
    const key = this.key(kind)
    const cached = this.cache.lists.get(key)
    if (cached && !cached.fields.some((f) => f.key === field.key)) {
      this.cache.lists.set(key, { fields: [...cached.fields, field], loadedAt: cached.loadedAt })
    }
  }

  /**
   * Creates a field through `create`, unless a creation of the same key on this account is under way: then its
   * answer (or failure) is this caller's too.
   */
  createShared(kind: FieldKind, fieldKey: string, create: () => Promise<CustomField>): Promise<CustomField> {
    const key = `${this.key(kind)}|${fieldKey}`
    let pending = this.cache.creating.get(key)
    if (!pending) {
      pending = create().finally(() => this.cache.creating.delete(key))
      this.cache.creating.set(key, pending)
    }
    return pending
  }

  /** Remembers for a few minutes that Zendesk refused to create this field, and why. */
  rememberRefused(kind: FieldKind, fieldKey: string, reason: string): void {
    this.cache.refusedCreations.set(`${this.key(kind)}|${fieldKey}`, reason)
  }

  /** Why Zendesk recently refused to create this field, if it did. */
  refused(kind: FieldKind, fieldKey: string): string | undefined {
    return this.cache.refusedCreations.get(`${this.key(kind)}|${fieldKey}`)
  }

  private key(kind: FieldKind): string {
    return `${this.http.origin}|${kind}`
  }

  private load(kind: FieldKind): Promise<CachedFieldList> {
    const key = this.key(kind)
    let pending = this.cache.inFlight.get(key)
    if (!pending) {
      const about = kind === 'user_fields' ? 'user fields' : 'organization fields'
      pending = this.http
        .listAll(kind, kind, about, customFieldSchema)
        .then((fields) => {
          const list = { fields, loadedAt: Date.now() }
          this.cache.lists.set(key, list)
          return list
        })
        .finally(() => this.cache.inFlight.delete(key))
      this.cache.inFlight.set(key, pending)
    }
    return pending
  }
}
