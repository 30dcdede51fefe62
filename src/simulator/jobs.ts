import { randomBytes } from 'crypto'
import { variantsOf, type Sim } from './context'
import { ApiError, json, RecordInvalid } from './http'
import type { Store } from './state'
import type { Job, JobResult, JobSpec, JobStatusRecord, ResultShape, Variants } from './types'

/** A bulk item that could not be processed: becomes `{index?, error, details}` in the job results. */
export class ItemFailure extends Error {
  constructor(
    readonly code: string,
    readonly details: string
  ) {
    super(details)
  }
}

/** Runs `process`, turning a validation error into an ItemFailure with Zendesk's message text. */
export function asItem<T>(code: string, process: () => T): T {
  try {
    return process()
  } catch (err) {
    if (err instanceof RecordInvalid) throw new ItemFailure(code, err.summary)
    throw err
  }
}

export const CREATE_WITH_INDEX: ResultShape = { indexOnSuccess: true, indexOnFailure: true }
export const CREATE_WITHOUT_INDEX: ResultShape = { indexOnSuccess: false, indexOnFailure: true }
export const UPDATE_RESULTS: ResultShape = { indexOnSuccess: false, indexOnFailure: false }

/** Retry-After of a TooManyJobs answer: an assumption (Zendesk's answer beyond the job limit is undocumented). */
const TOO_MANY_JOBS_RETRY_AFTER = 10

/** About what Zendesk takes: 1–2 s per 100 items. */
export const DEFAULT_JOB_MS_PER_100_ITEMS = 1500

function activeJobs(sim: Sim): number {
  return [...sim.store.jobs.values()].filter(isActive).length
}

/**
 * Queues a bulk job. Its items are applied only when the job completes (on the poll that completes it),
 * as in Zendesk, so the account shows no effect of a job that is still queued, working or stuck. Beyond the
 * account's job limit (30 queued or working), the request is refused with 429 TooManyJobs.
 */
export function enqueueJob(sim: Sim, spec: JobSpec): JobStatusRecord {
  const limit = sim.limits.endpoints.activeJobs
  if (limit !== false && activeJobs(sim) >= limit) {
    throw new ApiError(
      json(
        429,
        {
          error: 'TooManyJobs',
          description: `Too many jobs are queued or running (at most ${limit}); try again once some have completed`
        },
        { 'Retry-After': String(TOO_MANY_JOBS_RETRY_AFTER) }
      )
    )
  }
  const id = `V3-${randomBytes(16).toString('hex')}`
  const record: JobStatusRecord = {
    id,
    url: sim.store.apiUrl(`job_statuses/${id}`),
    job_type: spec.type,
    total: spec.total,
    progress: null,
    status: 'queued',
    message: null,
    results: null
  }
  const timing = sim.settings.jobTiming
  const now = sim.clock()
  const durationMs = 'msPer100Items' in timing ? Math.round((timing.msPer100Items * spec.total) / 100) : 0
  sim.store.jobs.set(id, {
    record,
    spec,
    polls: 0,
    startsAt: 'msPer100Items' in timing ? workerFor(sim.store, timing.workers, now, durationMs) : now,
    durationMs,
    failIndexes: [...(sim.faults.current.failJobItems?.indexes ?? [])]
  })
  return record
}

/**
 * When a job queued `now` starts: at once while a worker is free (or without a limit on them), else when the
 * worker done soonest is, which then works it for `durationMs`.
 */
function workerFor(store: Store, workers: number | undefined, now: number, durationMs: number): number {
  if (workers === undefined) return now
  const freeAt = store.jobWorkersFreeAt
  if (freeAt.length < workers) {
    freeAt.push(now + durationMs)
    return now
  }
  const soonest = freeAt.indexOf(Math.min(...freeAt))
  const startsAt = Math.max(now, freeAt[soonest])
  freeAt[soonest] = startsAt + durationMs
  return startsAt
}

/**
 * Timed jobs: completes (and applies) every job whose time has come, so the account shows its effect whether or
 * not anyone polls it. Called before each request is answered.
 */
export function completeDueJobs(sim: Sim): void {
  if (!('msPer100Items' in sim.settings.jobTiming) || sim.faults.current.stuckJobs) return
  const now = sim.clock()
  for (const job of sim.store.jobs.values()) {
    if (isActive(job) && now >= job.startsAt + job.durationMs) complete(job, variantsOf(sim))
  }
}

function isActive(job: Job): boolean {
  return job.record.status === 'queued' || job.record.status === 'working'
}

/**
 * One GET of the job. Timed jobs report their progress so far, once a worker works them (they complete in
 * `completeDueJobs`); the others
 * go queued -> working -> completed over `pollsToComplete` polls.
 */
export function pollJob(sim: Sim, id: string): JobStatusRecord | undefined {
  const job = sim.store.jobs.get(id)
  if (!job) return undefined
  const { record } = job
  if (!isActive(job) || sim.faults.current.stuckJobs) return record
  const timing = sim.settings.jobTiming
  if ('msPer100Items' in timing) {
    const now = sim.clock()
    if (now >= job.startsAt) working(job, Math.min(1, (now - job.startsAt) / Math.max(1, job.durationMs)))
    return record
  }
  job.polls += 1
  const pollsNeeded = Math.max(1, timing.pollsToComplete)
  if (job.polls >= pollsNeeded) complete(job, variantsOf(sim))
  else working(job, job.polls / pollsNeeded)
  return record
}

function working(job: Job, done: number): void {
  const { record } = job
  record.status = 'working'
  record.progress = Math.floor(record.total * done)
  record.message = `${job.spec.verb} #${record.progress}`
}

function withIndex(index: number, result: JobResult, wanted: boolean): JobResult {
  return wanted ? { index, ...result } : result
}

function complete(job: Job, variants: Variants): void {
  const { record, spec } = job
  const policy = variants.jobResultIndex
  const indexed = (recorded: boolean) => policy === 'always' || (policy === 'recorded' && recorded)
  let failures = 0
  const results: JobResult[] = []
  for (let index = 0; index < spec.total; index++) {
    try {
      if (job.failIndexes.includes(index)) throw new ItemFailure('InternalError', 'Simulated failure (failJobItems)')
      results.push(withIndex(index, spec.run(index), indexed(spec.shape.indexOnSuccess)))
    } catch (err) {
      if (!(err instanceof ItemFailure)) throw err
      failures += 1
      const failure = { ...spec.failureFields?.(index), error: err.code, details: err.details }
      results.push(withIndex(index, failure, indexed(spec.shape.indexOnFailure)))
    }
  }
  const failed = spec.total > 0 && failures === spec.total
  const at = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' +0000')
  record.status = failed ? 'failed' : 'completed'
  record.progress = spec.total
  record.message = `${failed ? 'Failed' : 'Completed'} at ${at}`
  record.results = spec.unreported ? null : results
}
