import { FEWEST_FOR_A_JOB } from '../client/constants'
import type { JobItemOutcome } from '../client/jobs'
import { chunk, statusOf, type Settled } from './results'

/** How one kind of record is deleted: one by its id, or up to 100 distinct ids in a `destroy_many` job. */
export interface Deletes {
  one(id: number): Promise<void>
  many(ids: number[]): Promise<JobItemOutcome[]>
}

const DELETED: Settled<void> = { ok: true, value: undefined }

/** A record that is already gone is as the delete asked. */
const goneOrFailed = (error: unknown): Settled<void> => (statusOf(error) === 404 ? DELETED : { ok: false, error })

/**
 * Deletes the records with these Zendesk ids, `size` at a time: in a `destroy_many` job, or, for fewer than a job
 * pays for, with one DELETE each. A record already gone (the DELETE's 404, a job item's RecordNotFound) counts as
 * deleted; a refused submission fails every record it held. The outcome of each distinct id.
 */
export async function deleteByIds(
  ids: readonly number[],
  size: number,
  deletes: Deletes
): Promise<Map<number, Settled<void>>> {
  const deleted = new Map<number, Settled<void>>()
  for (const part of chunk([...new Set(ids)], size)) {
    if (part.length < FEWEST_FOR_A_JOB) {
      await Promise.all(
        part.map(async (id) => deleted.set(id, await deletes.one(id).then(() => DELETED, goneOrFailed)))
      )
      continue
    }
    try {
      const outcomes = await deletes.many(part)
      outcomes.forEach((outcome, position) =>
        deleted.set(part[position], outcome.ok ? DELETED : goneOrFailed(outcome.error))
      )
    } catch (error) {
      part.forEach((id) => deleted.set(id, { ok: false, error }))
    }
  }
  return deleted
}
