/**
 * The simulator in a process of its own, as Zendesk is to the workers of a host: it prints its address, then
 * answers `stats` on stdin with one JSON line of what it saw (RecordedRequest aside, which stays here), and exits
 * on `close`.
 *
 *   ts-node --transpile-only simulator-process.ts '<SimulatorOptions as JSON>' <user external_id prefix>
 */
import { createInterface } from 'readline'
import { startSimulator, type SimulatorOptions } from '../../src/simulator'

/** What the bench reads of a run. */
export interface SimulatorStats {
  requests: number
  /** 429s of bulk submissions: TooManyJobs, or the account limit */
  refusedSubmissions: number
  /** 429s of any other request: the account limit */
  refusedOther: number
  submissions: number
  /** requests for job statuses */
  jobPolls: number
  /** users whose external_id starts with the prefix */
  users: number
  /** milliseconds from the first request to the last submission, and the requests by then */
  busyMs: number
  requestsWhileBusy: number
}

const SUBMISSION = /create_or_update_many|create_many|update_many|destroy_many/

async function main() {
  const options = JSON.parse(process.argv[2]) as SimulatorOptions
  const prefix = process.argv[3]
  const simulator = await startSimulator(options)
  process.stdout.write(`${simulator.url}\n`)
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'close') break
    const requests = simulator.requests
    const submissions = requests.filter((r) => SUBMISSION.test(r.path))
    const first = requests[0]?.at ?? 0
    const lastSubmission = submissions[submissions.length - 1]?.at ?? first
    const stats: SimulatorStats = {
      requests: requests.length,
      refusedSubmissions: submissions.filter((r) => r.status === 429).length,
      refusedOther: requests.filter((r) => r.status === 429 && !SUBMISSION.test(r.path)).length,
      submissions: submissions.length,
      jobPolls: requests.filter((r) => r.path.startsWith('/api/v2/job_statuses')).length,
      users: simulator.state().users.filter((user) => user.external_id?.startsWith(prefix)).length,
      busyMs: lastSubmission - first,
      requestsWhileBusy: requests.filter((r) => r.at <= lastSubmission).length
    }
    process.stdout.write(`${JSON.stringify(stats)}\n`)
  }
  await simulator.close()
  process.exit(0)
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exit(1)
})
