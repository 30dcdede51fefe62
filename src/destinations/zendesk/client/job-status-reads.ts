import type { JobStatus } from './schemas'

/** Reads Zendesk's statuses of some jobs (one request), by id; a job it no longer lists is left out. */
export type PollJobs = (jobIds: string[]) => Promise<Map<string, JobStatus>>

/**
 * How a process learns the statuses of the jobs it follows: by polling Zendesk, or from a poll another process
 * sending to the account made a moment ago (which then read the other processes' jobs too).
 */
export interface JobStatusReads {
  /** The statuses of `jobIds` on `account`, by id; `poll` is asked for those nobody read a moment ago. */
  read(account: string, jobIds: string[], poll: PollJobs): Promise<Map<string, JobStatus>>
}

/** One process alone: every read is its own poll. */
export const OWN_POLLS: JobStatusReads = {
  read: (_account, jobIds, poll) => poll(jobIds)
}
