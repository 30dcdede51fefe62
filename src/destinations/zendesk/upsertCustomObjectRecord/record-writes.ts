import type { JSONLikeObject } from '@segment/actions-core'
import { eachAlone, writeInBulk, type BulkWrite, type Refusal } from '../batch/bulk-writes'
import { inOrderOf, statusOf, withMessagePrefix, type Settled } from '../batch/results'
import { leftUntouched, skippedMissing, unsupportedSyncMode, type SyncMode } from '../batch/sync-modes'
import type { ZendeskClient } from '../client'
import { describeRecord, type CustomObjectsApi, type RecordInput } from '../client/custom-objects'
import { fieldRefused, refusalOf } from '../client/errors'
import { UnreportedJobItem } from '../client/jobs'

/** One record's write, which the events that repeat it share. */
export interface RecordWrite {
  externalId: string
  record: RecordInput
}

/** A record Zendesk has, with its id. */
interface KnownRecord {
  id: string
  write: RecordWrite
}

type Written = Settled<JSONLikeObject>

/**
 * Writes one object's records (each at most once) as the sync mode asks, `size` to a job: one outcome per record,
 * in order. Upsert (a missing mode too) creates or updates by external_id, update only changes records Zendesk
 * has, add only creates new ones, delete deletes by external_id.
 */
export function writeRecords(
  client: ZendeskClient,
  objectKey: string,
  mode: SyncMode,
  writes: RecordWrite[],
  size: number
): Promise<Written[]> {
  const records = new ObjectRecords(client.customObjects, objectKey, size)
  if (mode === 'upsert') return records.upsert(writes)
  if (mode === 'update') return records.updateExisting(writes)
  if (mode === 'add') return records.addNew(writes)
  if (mode === 'delete') return records.delete(writes)
  return Promise.resolve(
    writes.map(() => ({ ok: false, error: unsupportedSyncMode('Upsert Custom Object Record', mode) }))
  )
}

/** The record writes of one object: each mode's job, and its way for one or two records (a request each). */
class ObjectRecords {
  constructor(
    private readonly api: CustomObjectsApi,
    private readonly objectKey: string,
    private readonly size: number
  ) {}

  /**
   * `create_or_update_by_external_id` jobs, or one `PATCH records?external_id=` each for one or two records. An
   * item the job reported nothing for is sent again alone: an upsert is safe to repeat.
   */
  upsert(writes: RecordWrite[]): Promise<Written[]> {
    return this.inBulk(writes, {
      job: (part) =>
        this.api.job(this.objectKey, {
          action: 'create_or_update_by_external_id',
          items: part.map(({ externalId, record }) => ({ external_id: externalId, ...record }))
        }),
      written: (write, { recordId, status }) => this.result(write, recordId, status ?? 'Upserted'),
      refused: (write, error) => (error instanceof UnreportedJobItem ? 'alone' : this.failed(write, error)),
      alone: (part) =>
        eachAlone(part, async (write) => {
          const saved = await this.api.upsert(this.objectKey, write.externalId, write.record)
          return this.result(write, saved.id, 'Upserted')
        })
    })
  }

  /**
   * The records are looked up; those Zendesk has are changed by id in `update` jobs (one `PATCH records/{id}` each
   * for one or two), the others skipped, as is one deleted between the lookup and its update: never created.
   */
  async updateExisting(writes: RecordWrite[]): Promise<Written[]> {
    const skipped = (write: RecordWrite): Written => ({ ok: false, error: this.skipped(write) })
    const { known, absent, failed } = await this.lookedUp(writes)
    const updated = await this.inBulk(known, {
      job: (part) =>
        this.api.job(this.objectKey, {
          action: 'update',
          items: part.map(({ id, write }) => ({ id, ...write.record }))
        }),
      written: ({ id, write }) => this.result(write, id, 'Updated'),
      refused: ({ write }, error): Refusal<KnownRecord, JSONLikeObject> => {
        if (statusOf(error) === 404) return skipped(write)
        return error instanceof UnreportedJobItem ? 'alone' : this.failed(write, error)
      },
      alone: (part) =>
        eachAlone(part, async ({ id, write }) => {
          try {
            return this.result(
              write,
              (await this.api.update(this.objectKey, id, write.externalId, write.record)).id,
              'Updated'
            )
          } catch (error) {
            throw statusOf(error) === 404 ? this.skipped(write) : error
          }
        })
    })
    return inOrderOf(writes, [...failed, [known.map(({ write }) => write), updated], [absent, absent.map(skipped)]])
  }

  /**
   * The records are looked up; those Zendesk has are left untouched, the others created in `create` jobs (one
   * `POST records` each for one or two). An item the job refused for what it holds is created alone, which tells a
   * record created elsewhere since the lookup (its external_id taken: left untouched) from a refused value.
   */
  async addNew(writes: RecordWrite[]): Promise<Written[]> {
    const untouched = (write: RecordWrite): Written => ({ ok: false, error: this.untouched(write) })
    const { known, absent, failed } = await this.lookedUp(writes)
    const created = await this.inBulk(absent, {
      job: (part) =>
        this.api.job(this.objectKey, {
          action: 'create',
          items: part.map(({ externalId, record }) => ({ external_id: externalId, ...record }))
        }),
      written: (write, { recordId }) => this.result(write, recordId, 'Created'),
      refused: (write, error) => (refusalOf(error)?.error ? 'alone' : this.failed(write, error)),
      alone: (part) =>
        eachAlone(part, async (write) => {
          try {
            const saved = await this.api.create(this.objectKey, { external_id: write.externalId, ...write.record })
            return this.result(write, saved.id, 'Created')
          } catch (error) {
            throw fieldRefused(error, 'external_id', 'DuplicateValue') ? this.untouched(write) : error
          }
        })
    })
    const existing = known.map(({ write }) => write)
    return inOrderOf(writes, [...failed, [existing, existing.map(untouched)], [absent, created]])
  }

  /**
   * `delete_by_external_id` jobs, or one `DELETE records?external_id=` each for one or two records. A record that
   * does not exist (the DELETE's 404, a job item's RecordNotFound) is already as asked.
   */
  delete(writes: RecordWrite[]): Promise<Written[]> {
    const gone = (write: RecordWrite) => this.result(write, undefined, 'Not found, nothing to delete')
    return this.inBulk(writes, {
      job: (part) =>
        this.api.job(this.objectKey, {
          action: 'delete_by_external_id',
          items: part.map(({ externalId }) => externalId)
        }),
      written: (write, { recordId }) => this.result(write, recordId, 'Deleted'),
      refused: (write, error) => {
        if (statusOf(error) === 404) return { ok: true, value: gone(write) }
        return error instanceof UnreportedJobItem ? 'alone' : this.failed(write, error)
      },
      alone: (part) =>
        eachAlone(part, async (write) => {
          try {
            await this.api.deleteByExternalId(this.objectKey, write.externalId)
            return this.result(write, undefined, 'Deleted')
          } catch (error) {
            if (statusOf(error) === 404) return gone(write)
            throw error
          }
        })
    })
  }

  private inBulk<Item>(items: Item[], write: BulkWrite<Item, JSONLikeObject>): Promise<Written[]> {
    return writeInBulk(items, write, { size: this.size })
  }

  /**
   * The records Zendesk has (with their ids) and those it has not, looked up together; a failed lookup is the
   * outcome of every write it was for.
   */
  private async lookedUp(
    writes: RecordWrite[]
  ): Promise<{ known: KnownRecord[]; absent: RecordWrite[]; failed: [RecordWrite[], Written[]][] }> {
    try {
      const found = await this.api.findByExternalIds(
        this.objectKey,
        writes.map((write) => write.externalId)
      )
      const known = writes.flatMap((write) => {
        const record = found.get(write.externalId)
        return record ? [{ id: record.id, write }] : []
      })
      return { known, absent: writes.filter((write) => !found.has(write.externalId)), failed: [] }
    } catch (error) {
      return { known: [], absent: [], failed: [[writes, writes.map(() => ({ ok: false, error }))]] }
    }
  }

  private result(write: RecordWrite, id: string | undefined, status: string): JSONLikeObject {
    return { id: id ?? null, external_id: write.externalId, status }
  }

  private failed(write: RecordWrite, error: unknown): Written {
    return { ok: false, error: withMessagePrefix(error, `${this.describe(write)}: `) }
  }

  private describe(write: RecordWrite): string {
    return describeRecord(this.objectKey, write.externalId)
  }

  private skipped(write: RecordWrite): Error {
    return skippedMissing(this.describe(write))
  }

  private untouched(write: RecordWrite): Error {
    return leftUntouched(`the ${this.describe(write)}`, 'record')
  }
}
