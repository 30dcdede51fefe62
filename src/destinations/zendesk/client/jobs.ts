import { createHash } from 'crypto'
import { APIError, PayloadValidationError } from '@segment/actions-core'
import { statusOf, withRefusal, ZendeskRetryableError } from './errors'
import type { ZendeskHttp } from './http'
import type { JobEnd, JobWatcher } from './job-watcher'
import { jobStatusAnswer, type JobResult, type JobStatus } from './schemas'

export { PRODUCTION_JOB_POLLING, type JobPolling } from './job-watcher'

/** What Zendesk did with one item of a bulk job. */
export type JobItemOutcome = { ok: true; id?: number; status?: string } | { ok: false; error: Error }

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
    return this.followed(items, { method, path, json }, () =>
      method === 'POST'
        ? this.http.post(path, about, jobStatusAnswer, json)
        : this.http.put(path, about, jobStatusAnswer, json)
    )
  }

  /**
   * `DELETE {path}?ids=…`: a bulk delete naming its records' ids (checked path segments, at most 100) in the
   * query, followed to one outcome per id, in the order given; each result is matched to its record by id.
   */
  async bulkDelete(path: string, about: string, ids: readonly string[]): Promise<JobItemOutcome[]> {
    return this.followed(
      ids.map((id) => ({ id: Number(id) })),
      { method: 'DELETE', path, ids },
      () => this.http.deleteAnswered(path, about, jobStatusAnswer, { ids: ids.join(',') })
    )
  }

  /**
   * Submits a bulk request once one of the account's job slots is free (a refused submission throws: the caller
   * decides what to do instead), holding the slot until its job ends, and follows the job to one outcome per item.
   * A job whose polls were refused with a 401 (its token expired meanwhile) is kept by its `submission`: the same
   * request made again after the connection is renewed follows that job instead of submitting another.
   */
  private async followed(
    items: readonly object[],
    submission: object,
    submit: () => Promise<{ body: { job_status: JobStatus } }>
  ): Promise<JobItemOutcome[]> {
    const key = submissionKey(submission)
    await this.watcher.slots.take()
    try {
      const job = this.watcher.unfollowed.take(key) ?? (await submit()).body.job_status
      const end = await this.watcher.follow(job, this.http)
      if ('pollingFailed' in end && statusOf(end.pollingFailed) === 401) this.watcher.unfollowed.keep(key, end.job)
      return outcomesOf(end, items)
    } finally {
      this.watcher.slots.release()
    }
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
 * deleted record by that id. Zendesk sends the others (recorded creates carry no index) in submission order, so
 * they fill the items still open in order — which holds only when the job reports every item; otherwise they stay
 * open.
 */
function outcomes(job: JobStatus, items: readonly object[]): JobItemOutcome[] {
  const results = job.results ?? []
  const positionOfId = new Map<number, number>()
  items.forEach((item, position) => {
    // Updates and deletes carry the id of the record they change.
    const id = (item as { id?: unknown }).id
    if (typeof id === 'number') positionOfId.set(id, position)
  })
  const matched = new Array<JobResult | undefined>(items.length)
  const inOrder: JobResult[] = []
  for (const result of results) {
    const position = typeof result.index === 'number' ? result.index : positionOfId.get(result.id ?? NaN)
    if (position !== undefined && position < items.length && !matched[position]) matched[position] = result
    else inOrder.push(result)
  }
  if (results.length === items.length) {
    for (let position = 0; position < items.length; position++) matched[position] ??= inOrder.shift()
  }
  return items.map((_, index) => {
    const item = matched[index]
    if (!item) {
      const why = job.status === 'completed' ? 'reported no result for it' : `ended ${job.status}`
      const detail = job.message ? ` (${job.message})` : ''
      return { ok: false as const, error: new ZendeskRetryableError(`Zendesk job ${job.id} ${why}${detail}`, 500) }
    }
    if (item.error || item.success === false) return { ok: false as const, error: itemError(item) }
    return { ok: true as const, id: item.id ?? undefined, status: item.status ?? undefined }
  })
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
