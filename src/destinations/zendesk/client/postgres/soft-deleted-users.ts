import { SOFT_DELETED_KEPT_MS, type SoftDeletedUsers } from '../soft-deleted-users'
import type { Database } from './database'

/**
 * The users soft-deleted by any process using the database: a deletion request retried in another process than
 * the one whose permanent deletion failed still finds its user. A row older than Zendesk keeps soft-deleted users
 * is not read, and goes when its external_id is next remembered or forgotten.
 */
export class PostgresSoftDeletedUsers implements SoftDeletedUsers {
  constructor(private readonly db: Database) {}

  async remember(account: string, externalId: string, id: number): Promise<void> {
    await this.clearOld(account, externalId)
    await this.db.query(
      `INSERT INTO zendesk_soft_deleted_users (account, external_id, user_id, soft_deleted_at)
       VALUES ($1, lower($2), $3, now())
       ON CONFLICT (account, external_id, user_id) DO UPDATE SET soft_deleted_at = now()`,
      [account, externalId, id]
    )
  }

  async of(account: string, externalId: string): Promise<number[]> {
    const rows = await this.db.query<{ user_id: string }>(
      `SELECT user_id FROM zendesk_soft_deleted_users
       WHERE account = $1 AND external_id = lower($2) AND soft_deleted_at > now() - $3 * interval '1 millisecond'
       ORDER BY user_id`,
      [account, externalId, SOFT_DELETED_KEPT_MS]
    )
    return rows.map((row) => Number(row.user_id))
  }

  async forget(account: string, externalId: string, id: number): Promise<void> {
    await this.db.query(
      'DELETE FROM zendesk_soft_deleted_users WHERE account = $1 AND external_id = lower($2) AND user_id = $3',
      [account, externalId, id]
    )
    await this.clearOld(account, externalId)
  }

  private async clearOld(account: string, externalId: string): Promise<void> {
    await this.db.query(
      `DELETE FROM zendesk_soft_deleted_users
       WHERE account = $1 AND external_id = lower($2) AND soft_deleted_at <= now() - $3 * interval '1 millisecond'`,
      [account, externalId, SOFT_DELETED_KEPT_MS]
    )
  }
}
