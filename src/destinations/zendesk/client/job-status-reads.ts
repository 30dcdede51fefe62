import type { JobStatus } from './schemas'

/** Reads Zendesk's statuses of some jobs (one request), by id; a job it no longer lists is left out. */
export type PollJobs = (jobIds: string[]) => Promise<Map<string, JobStatus>>

/**
 * What a read learnt: the statuses by id, and whether Zendesk was polled for them (then a job left out is one
 * Zendesk no longer lists; otherwise it is one nobody read lately, whose status is as it was).
 */
export interface JobReads {
  statuses: Map<string, JobStatus>
  polled: boolean
}

/**
 * How a process learns the statuses of the jobs it follows: by polling Zendesk, or from a poll another process
 * sending to the account made a moment ago (which then read the other processes' jobs too).
 */
export interface JobStatusReads {
  /**
   * The statuses of `jobIds` on `account`; `poll` is asked when one of the `due` ones (those whose turn to be read
   * has come) was not read a moment ago.
   */
  read(account: string, jobIds: string[], due: string[], poll: PollJobs): Promise<JobReads>
}

/** One process alone: every read is its own poll. */
export const OWN_POLLS: JobStatusReads = {
  read: async (_account, jobIds, _due, poll) => ({ statuses: await poll(jobIds), polled: true })
}
