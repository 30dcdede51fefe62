import { TtlCache } from './ttl-cache'

/** How long Zendesk keeps a soft-deleted user before it deletes the user for good itself. */
export const SOFT_DELETED_KEPT_MS = 30 * 24 * 60 * 60 * 1000
const REMEMBERED_EXTERNAL_IDS = 10000

/**
 * The users soft-deleted here and not yet seen deleted for good, by account and external_id. A deletion request
 * whose permanent deletion failed finds its user here when it is retried, whatever Zendesk's lookups show of
 * soft-deleted users.
 */
export interface SoftDeletedUsers {
  remember(account: string, externalId: string, id: number): Promise<void>
  of(account: string, externalId: string): Promise<number[]>
  /** The user is gone for good (or was never soft-deleted): nothing is left to finish. */
  forget(account: string, externalId: string, id: number): Promise<void>
}

/** The users this process soft-deleted. */
export class MemorySoftDeletedUsers implements SoftDeletedUsers {
  private readonly ids: TtlCache<string, number[]>

  constructor(now: () => number) {
    this.ids = new TtlCache(REMEMBERED_EXTERNAL_IDS, SOFT_DELETED_KEPT_MS, now)
  }

  async remember(account: string, externalId: string, id: number): Promise<void> {
    const key = keyOf(account, externalId)
    this.ids.set(key, [...new Set([...(this.ids.get(key) ?? []), id])])
  }

  async of(account: string, externalId: string): Promise<number[]> {
    return this.ids.get(keyOf(account, externalId)) ?? []
  }

  async forget(account: string, externalId: string, id: number): Promise<void> {
    const key = keyOf(account, externalId)
    const left = (await this.of(account, externalId)).filter((remembered) => remembered !== id)
    if (left.length > 0) this.ids.set(key, left)
    else this.ids.delete(key)
  }
}

const keyOf = (account: string, externalId: string) => `${account} ${externalId.toLowerCase()}`
