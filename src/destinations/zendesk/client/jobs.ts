import { APIError, PayloadValidationError } from '@segment/actions-core'
import { statusOf } from '../batch/results'
import { ZendeskRetryableError } from './errors'
import type { ZendeskHttp } from './http'
import { quote } from '../fields/quote'

export interface JobStatus {
  id: string
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed'
  total?: number
  message?: string | null
  results?: JobResultItem[] | null
}

export interface JobResultItem {
  index?: number
  id?: number
  status?: string
  success?: boolean
  error?: string
  details?: string
  email?: string
  external_id?: string
}

export type JobItemOutcome = { ok: true; id?: number; status?: string } | { ok: false; error: Error }

export interface JobPolling {
  firstWaitMs: number
  maxWaitMs: number
  budgetMs: number
}

const DEFAULT_POLLING: JobPolling = { firstWaitMs: 250, maxWaitMs: 2000, budgetMs: 20000 }
let polling: JobPolling = DEFAULT_POLLING

/** Tests and the local runtime shorten the waits; production keeps the defaults. */
export function configureJobPolling(overrides: Partial<JobPolling> | undefined): void {
  polling = { ...DEFAULT_POLLING, ...overrides }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Follows a bulk job to its end and returns one outcome per submitted item (in submission order); it never
 * throws, so a batch always gets a result per event. Waits start short and double up to a cap; a 429/503
 * while polling waits for Retry-After. Items still unfinished when the time budget runs out are retryable;
 * a polling failure that retrying cannot fix (e.g. 401) gives every item an error with that status.
 */
export async function followJob(http: ZendeskHttp, job: JobStatus, total: number): Promise<JobItemOutcome[]> {
  const deadline = Date.now() + polling.budgetMs
  let current = job
  let wait = polling.firstWaitMs
  while (!isFinished(current)) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) return unfinished(current, total)
    await sleep(Math.min(wait, remaining))
    wait = Math.min(wait * 2, polling.maxWaitMs)
    try {
      const { body } = await http.get<{ job_status: JobStatus }>(
        `job_statuses/${jobIdSegment(current.id)}`,
        `job status ${current.id}`
      )
      current = body.job_status
    } catch (error) {
      if (!(error instanceof ZendeskRetryableError)) return pollingFailed(current, total, error)
      const askedMs = (error.retryAfterSeconds ?? 0) * 1000
      if (Date.now() + askedMs >= deadline) return unfinished(current, total)
      wait = Math.max(wait, askedMs)
    }
  }
  return outcomes(current, total)
}

function isFinished(job: JobStatus): boolean {
  return job.status === 'completed' || job.status === 'failed' || job.status === 'killed'
}

function jobIdSegment(id: string): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9-]{1,100}$/.test(id)) {
    throw new APIError(`Zendesk returned a job id that cannot be followed: ${quote(id)}`, 502)
  }
  return id
}

function pollingFailed(job: JobStatus, total: number, error: unknown): JobItemOutcome[] {
  const reason = error instanceof Error ? error.message : String(error)
  return Array.from({ length: total }, () => ({
    ok: false as const,
    error: new APIError(`Could not follow Zendesk job ${job.id}: ${reason}`, statusOf(error))
  }))
}

function unfinished(job: JobStatus, total: number): JobItemOutcome[] {
  return Array.from({ length: total }, () => ({
    ok: false as const,
    error: new ZendeskRetryableError(
      `Zendesk job ${job.id} was still ${job.status} when we stopped waiting; the event will be retried`,
      504
    )
  }))
}

function outcomes(job: JobStatus, total: number): JobItemOutcome[] {
  const results = Array.isArray(job.results) ? job.results : []
  const byIndex = new Map<number, JobResultItem>()
  results.forEach((item, position) => byIndex.set(typeof item.index === 'number' ? item.index : position, item))
  return Array.from({ length: total }, (_, index) => {
    const item = byIndex.get(index)
    if (!item) {
      const why = job.status === 'completed' ? 'reported no result for it' : `ended ${job.status}`
      const detail = job.message ? ` (${job.message})` : ''
      return { ok: false as const, error: new ZendeskRetryableError(`Zendesk job ${job.id} ${why}${detail}`, 500) }
    }
    if (item.error || item.success === false) return { ok: false as const, error: itemError(item) }
    return { ok: true as const, id: item.id, status: item.status }
  })
}

function itemError(item: JobResultItem): Error {
  const code = item.error ?? 'Failed'
  const message = `Zendesk rejected the item: ${code}${item.details ? ` — ${item.details}` : ''}`
  if (/NotFound/i.test(code)) return new APIError(message, 404)
  if (/Permission|Forbidden/i.test(code)) return new APIError(message, 403)
  if (/Conflict|Timeout|TooManyJobs|Temporar|Internal/i.test(code)) return new ZendeskRetryableError(message, 500)
  return new PayloadValidationError(message)
}
