import type { JobReads, JobStatusReads, PollJobs } from '../job-status-reads'
import { jobStatusSchema, type JobStatus } from '../schemas'
import type { Database } from './database'

/** The account's jobs in their slots, with the status a process last read and whether that was within $2 ms. */
const KNOWN = `
SELECT job_id, job_status, status_at > now() - $2::float8 * interval '1 millisecond' AS fresh
FROM zendesk_job_slots WHERE account = $1 AND job_id IS NOT NULL`

const NOTE = `
UPDATE zendesk_job_slots AS slots SET job_status = polled.status, status_at = now()
FROM unnest($2::text[], $3::jsonb[]) AS polled(job_id, status)
WHERE slots.account = $1 AND slots.job_id = polled.job_id`

interface Known {
  job_id: string
  job_status: unknown
  fresh: boolean | null
}

/**
 * Job statuses shared by the processes using the database: a poll reads every job of the account in a slot whose
 * status nobody read within the last `freshMs` (at most 30, one `show_many`), and notes them on their slots; a
 * process whose due jobs were all read that lately polls nothing. Each process still follows its own jobs.
 */
export class PostgresJobStatuses implements JobStatusReads {
  constructor(
    private readonly db: Database,
    private readonly freshMs: number
  ) {}

  async read(account: string, jobIds: string[], due: string[], poll: PollJobs): Promise<JobReads> {
    let known: Known[]
    try {
      known = await this.db.query<Known>(KNOWN, [account, this.freshMs])
    } catch {
      return { statuses: await poll(jobIds), polled: true }
    }
    const fresh = new Map<string, JobStatus>()
    for (const row of known) {
      // Written by another process: read as carefully as Zendesk's answer it came from.
      const status = row.fresh ? jobStatusSchema.safeParse(row.job_status) : undefined
      if (status?.success) fresh.set(row.job_id, status.data)
    }
    const polledNow = due.every((id) => fresh.has(id))
      ? undefined
      : // The poll holds at least one of this process's jobs, so a lone job read at its own address is its own.
        await poll([...new Set([...jobIds, ...known.map((row) => row.job_id)])].filter((id) => !fresh.has(id)))
    if (polledNow && polledNow.size > 0) {
      const ids = [...polledNow.keys()]
      const statuses = [...polledNow.values()].map((status) => JSON.stringify(status))
      await this.db.query(NOTE, [account, ids, statuses]).catch(() => undefined)
    }
    const statuses = new Map<string, JobStatus>()
    for (const id of jobIds) {
      const status = polledNow?.get(id) ?? fresh.get(id)
      if (status) statuses.set(id, status)
    }
    return { statuses, polled: polledNow !== undefined }
  }
}
