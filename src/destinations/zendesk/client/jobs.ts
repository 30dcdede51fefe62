import { createHash } from 'crypto'
import { APIError, PayloadValidationError } from '@segment/actions-core'
import { statusOf, withRefusal, ZendeskRetryableError } from './errors'
import type { ZendeskHttp } from './http'
import { endedJobs, type JobEnd, type JobWatcher } from './job-watcher'
import { jobStatusAnswer, type JobResult, type JobStatus } from './schemas'

export { PRODUCTION_JOB_POLLING, type JobPolling } from './job-watcher'

/**
 * What Zendesk did with one item of a bulk job: the record's id (`recordId` where it is text, as a custom object
 * record's) and what it did (`Created`, `Updated`), when it says; or why it refused.
 */
export type JobItemOutcome = { ok: true; id?: number; recordId?: string; status?: string } | { ok: false; error: Error }

/**
 * An item of a completed job that Zendesk listed no result for: nothing says whether it was written. Retryable;
 * a write that is safe to repeat may send it again at once.
 */
export class UnreportedJobItem extends ZendeskRetryableError {}

/** Follows the bulk jobs of one action call, through the account's watcher. */
export class Jobs {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly watcher: JobWatcher
  ) {}

  /** A bulk request whose body holds its items under one key, e.g. `{ users: [...] }`: one outcome per item. */
  async bulk(
    method: 'POST' | 'PUT',
    path: string,
    about: string,
    json: Record<string, readonly object[]>
  ): Promise<JobItemOutcome[]> {
    const items = Object.values(json)[0] ?? []
    return this.followed(items, about, { method, path, json }, () =>
      method === 'POST'
        ? this.http.post(path, about, jobStatusAnswer, json)
        : this.http.put(path, about, jobStatusAnswer, json)
    )
  }

  /**
   * `POST {path}` with a body of another shape, e.g. a custom object job `{ job: { action, items } }`: `items` are
   * what the outcomes are for, in order (each result is matched to its item by index, id or external_id).
   */
  async posted(path: string, about: string, json: object, items: readonly object[]): Promise<JobItemOutcome[]> {
    return this.followed(items, about, { method: 'POST', path, json }, () =>
      this.http.post(path, about, jobStatusAnswer, json)
    )
  }

  /**
   * `DELETE {path}?ids=…`: a bulk delete naming its records' ids (checked path segments, at most 100) in the
   * query, followed to one outcome per id, in the order given; each result is matched to its record by id.
   */
  async bulkDelete(path: string, about: string, ids: readonly string[]): Promise<JobItemOutcome[]> {
    return this.followed(
      ids.map((id) => ({ id: Number(id) })),
      about,
      { method: 'DELETE', path, ids },
      () => this.http.deleteAnswered(path, about, jobStatusAnswer, { ids: ids.join(',') })
    )
  }

  /**
   * Submits a bulk request once one of the account's job slots is free (a refused submission throws: the caller
   * decides what to do instead), and follows the job to one outcome per item. The slot is the job's until Zendesk
   * says it has ended: a job still running when following stops keeps it. A job whose polls were refused with a
   * 401 (its token expired meanwhile) is kept by its `submission`: the same request made again after the
   * connection is renewed follows that job instead of submitting another.
   */
  private async followed(
    items: readonly object[],
    about: string,
    submission: object,
    submit: () => Promise<{ body: { job_status: JobStatus } }>
  ): Promise<JobItemOutcome[]> {
    const key = submissionKey(submission)
    const slot = await this.watcher.slots.take(this.http.origin, about, (ids) => endedJobs(this.http, ids))
    let end: JobEnd
    try {
      const job = this.watcher.unfollowed.take(key) ?? (await submit()).body.job_status
      await slot.submitted(job.id)
      end = await this.watcher.follow(job, this.http)
    } catch (error) {
      await slot.release()
      throw error
    }
    if (end.finished) await slot.release(end.seenAt)
    else await slot.leave()
    if ('pollingFailed' in end && statusOf(end.pollingFailed) === 401) this.watcher.unfollowed.keep(key, end.job)
    return outcomesOf(end, items)
  }
}

const submissionKey = (submission: object) => createHash('sha256').update(JSON.stringify(submission)).digest('hex')

/**
 * Never throws, so a batch always gets a result per event. Items still unfinished when the time budget ran out
 * are retryable; a polling failure that retrying cannot fix (e.g. 401) gives every item an error with that status.
 */
function outcomesOf(end: JobEnd, items: readonly object[]): JobItemOutcome[] {
  if (end.finished) return outcomes(end.job, items)
  if ('pollingFailed' in end) return pollingFailed(end.job, items.length, end.pollingFailed)
  return unfinished(end.job, items.length, end.lastFailure)
}

function pollingFailed(job: JobStatus, total: number, error: unknown): JobItemOutcome[] {
  const reason = error instanceof Error ? error.message : String(error)
  return Array.from({ length: total }, () => ({
    ok: false as const,
    error: new APIError(`Could not follow Zendesk job ${job.id}: ${reason}`, statusOf(error))
  }))
}

/** Retryable: with the last poll's failure (its status, message and Retry-After) when polling kept failing. */
function unfinished(job: JobStatus, total: number, lastFailure?: ZendeskRetryableError): JobItemOutcome[] {
  const stopped = `Zendesk job ${job.id} was still ${job.status} when we stopped waiting`
  return Array.from({ length: total }, () => ({
    ok: false as const,
    error: lastFailure
      ? new ZendeskRetryableError(
          `${stopped}, and its last status poll failed: ${lastFailure.message}`,
          lastFailure.status,
          lastFailure.retryAfterSeconds
        )
      : new ZendeskRetryableError(`${stopped}; the event will be retried`, 504)
  }))
}

/**
 * One outcome per submitted item. A result carrying `index` is matched by it, one carrying the id of an updated or
 * deleted record by that id, one carrying an external_id by the item with that external_id. Zendesk sends the
 * others (recorded creates carry no index) in submission order, so they fill the items still open in order — which
 * holds only when the job reports every item; otherwise they stay open.
 */
function outcomes(job: JobStatus, items: readonly object[]): JobItemOutcome[] {
  const results = job.results ?? []
  const positionOfKey = new Map<string, number>()
  items.forEach((item, position) => {
    for (const key of matchKeys(item)) if (!positionOfKey.has(key)) positionOfKey.set(key, position)
  })
  const matched = new Array<JobResult | undefined>(items.length)
  const inOrder: JobResult[] = []
  for (const result of results) {
    const position =
      typeof result.index === 'number'
        ? result.index
        : matchKeys(result)
            .map((key) => positionOfKey.get(key))
            .find((found) => found !== undefined)
    if (position !== undefined && position < items.length && !matched[position]) matched[position] = result
    else inOrder.push(result)
  }
  if (results.length === items.length) {
    for (let position = 0; position < items.length; position++) matched[position] ??= inOrder.shift()
  }
  return items.map((_, index) => {
    const item = matched[index]
    if (!item) {
      const detail = job.message ? ` (${job.message})` : ''
      if (job.status === 'completed') {
        return {
          ok: false as const,
          error: new UnreportedJobItem(`Zendesk job ${job.id} reported no result for it${detail}`, 500)
        }
      }
      return {
        ok: false as const,
        error: new ZendeskRetryableError(`Zendesk job ${job.id} ended ${job.status}${detail}`, 500)
      }
    }
    if (item.error || item.success === false) return { ok: false as const, error: itemError(item) }
    const { id, status } = item
    return {
      ok: true as const,
      ...(typeof id === 'number' ? { id } : typeof id === 'string' ? { recordId: id } : {}),
      status: status ?? undefined
    }
  })
}

/** What a job item or result is known by: the record's id (a number, or text), its external_id. */
function matchKeys(record: object): string[] {
  const { id, external_id } = record as { id?: unknown; external_id?: unknown }
  const keys: string[] = []
  if (typeof id === 'number' || typeof id === 'string') keys.push(`id:${id}`)
  if (typeof external_id === 'string') keys.push(`external_id:${external_id}`)
  return keys
}

/** Zendesk's error codes for job items (`TicketCreateFailed`, `RecordNotFound`, `PermissionDenied`, …). */
function itemError(item: JobResult): Error {
  const code = item.error ?? 'Failed'
  const message = `Zendesk rejected the item: ${code}${item.details ? ` — ${item.details}` : ''}`
  if (/NotFound/i.test(code)) return new APIError(message, 404)
  if (/Permission|Forbidden/i.test(code)) return new APIError(message, 403)
  if (/Conflict|Timeout|TooManyJobs|Temporar|Internal/i.test(code)) return new ZendeskRetryableError(message, 500)
  return withRefusal(new PayloadValidationError(message), {
    status: 422,
    error: code,
    description: item.details,
    fields: {}
  })
}
