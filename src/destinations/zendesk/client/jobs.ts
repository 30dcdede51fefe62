import { APIError, PayloadValidationError } from '@segment/actions-core'
import { statusOf } from '../batch/results'
import { withRefusal, ZendeskRetryableError } from './errors'
import type { ZendeskHttp } from './http'
import { jobStatusAnswer, type JobResult, type JobStatus } from './schemas'

/** What Zendesk did with one item of a bulk job. */
export type JobItemOutcome = { ok: true; id?: number; status?: string } | { ok: false; error: Error }

/** How a job is followed: the first wait, the longest wait between polls, and how long in all. */
export interface JobPolling {
  firstWaitMs: number
  maxWaitMs: number
  budgetMs: number
}

export const PRODUCTION_JOB_POLLING: JobPolling = { firstWaitMs: 250, maxWaitMs: 2000, budgetMs: 20000 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Follows the bulk jobs of one action call. */
export class Jobs {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly polling: JobPolling
  ) {}

  /**
   * Submits a bulk request whose body holds its items under one key, e.g. `{ users: [...] }` (a refused submission
   * throws: the caller decides what to do instead), then follows its job to the end and returns one outcome per
   * item, in submission order.
   */
  async bulk(
    method: 'POST' | 'PUT',
    path: string,
    about: string,
    json: Record<string, readonly object[]>
  ): Promise<JobItemOutcome[]> {
    const items = Object.values(json)[0] ?? []
    const submitted =
      method === 'POST'
        ? await this.http.post(path, about, jobStatusAnswer, json)
        : await this.http.put(path, about, jobStatusAnswer, json)
    return this.follow(submitted.body.job_status, items)
  }

  /**
   * Never throws, so a batch always gets a result per event. Waits start short and double up to a cap; a 429/503
   * while polling waits for Retry-After. Items still unfinished when the time budget runs out are retryable;
   * a polling failure that retrying cannot fix (e.g. 401) gives every item an error with that status.
   */
  private async follow(job: JobStatus, items: readonly object[]): Promise<JobItemOutcome[]> {
    const total = items.length
    const deadline = Date.now() + this.polling.budgetMs
    let current = job
    let wait = this.polling.firstWaitMs
    // The last poll's failure, while no later poll succeeded: what the items are told when time runs out.
    let lastFailure: ZendeskRetryableError | undefined
    while (!isFinished(current)) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) return unfinished(current, total, lastFailure)
      await sleep(Math.min(wait, remaining))
      wait = Math.min(wait * 2, this.polling.maxWaitMs)
      try {
        const { body } = await this.http.get(`job_statuses/${current.id}`, `job status ${current.id}`, jobStatusAnswer)
        current = body.job_status
        lastFailure = undefined
      } catch (error) {
        if (!(error instanceof ZendeskRetryableError)) return pollingFailed(current, total, error)
        lastFailure = error
        const askedMs = (error.retryAfterSeconds ?? 0) * 1000
        if (Date.now() + askedMs >= deadline) return unfinished(current, total, lastFailure)
        wait = Math.max(wait, askedMs)
      }
    }
    return outcomes(current, items)
  }
}

function isFinished(job: JobStatus): boolean {
  return job.status === 'completed' || job.status === 'failed' || job.status === 'killed'
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
 * One outcome per submitted item. A result carrying `index` is matched by it, one carrying the id of an updated
 * record by that id. Zendesk sends the others (recorded creates carry no index) in submission order, so they fill
 * the items still open in order — which holds only when the job reports every item; otherwise they stay open.
 */
function outcomes(job: JobStatus, items: readonly object[]): JobItemOutcome[] {
  const results = job.results ?? []
  const positionOfId = new Map<number, number>()
  items.forEach((item, position) => {
    // Updates carry the id of the record they change.
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
