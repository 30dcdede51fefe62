import type { JobItemOutcome } from '../client/jobs'
import { writeInBulk } from './bulk-writes'
import { statusOf, type Settled } from './results'

/** How one kind of record is deleted: one by its id, or up to 100 distinct ids in a `destroy_many` job. */
export interface Deletes {
  one(id: number): Promise<void>
  many(ids: number[]): Promise<JobItemOutcome[]>
}

const DELETED: Settled<void> = { ok: true, value: undefined }

/** A record that is already gone is as the delete asked. */
const goneOrFailed = (error: unknown): Settled<void> => (statusOf(error) === 404 ? DELETED : { ok: false, error })

/**
 * Deletes the records with these Zendesk ids, `size` at a time: in `destroy_many` jobs, or, for fewer than a job
 * pays for, with one DELETE each. A record already gone (the DELETE's 404, a job item's RecordNotFound) counts as
 * deleted; a refused submission fails every record it held. The outcome of each distinct id.
 */
export async function deleteByIds(
  ids: readonly number[],
  size: number,
  deletes: Deletes
): Promise<Map<number, Settled<void>>> {
  const distinct = [...new Set(ids)]
  const deleted = await writeInBulk(
    distinct,
    {
      job: (part) => deletes.many(part),
      written: () => undefined,
      refused: (_, error) => goneOrFailed(error),
      alone: (part) => Promise.all(part.map((id) => deletes.one(id).then(() => DELETED, goneOrFailed)))
    },
    { size }
  )
  return new Map(distinct.map((id, position) => [id, deleted[position]]))
}
