import type { Scenario } from './scenario'
import { IDENTIFIES, runWorkers, type SeveralProcessesFigures } from './several-processes'

/**
 * The accounts the stream goes to: one working its jobs side by side (as the simulator does by default), and one
 * working them one at a time, whose queue of 30 jobs would outlast the 20 s a job is followed (with a fifth of the
 * events: it works them slowly).
 */
const ACCOUNTS = [
  { setup: 'jobs worked side by side', jobWorkers: undefined, share: 1 },
  { setup: 'jobs worked one at a time', jobWorkers: 1, share: 0.2 }
]

function line(f: SeveralProcessesFigures): string {
  return [
    f.setup.padEnd(26),
    `first attempt: ${f.firstAttempt} delivered, ${f.firstRetryableWithWait} retryable with a wait`.padEnd(60),
    `${f.stillQueued} "job still queued"`.padEnd(24),
    `${f.retryableWithoutWait} retryable without a wait`.padEnd(30),
    `${f.delivered}/${f.events} delivered in the end`.padEnd(34),
    `${f.requests} requests, ${f.refusedSubmissions + f.refusedOther} 429s, ${f.users} users, ${f.seconds.toFixed(0)} s`
  ].join('')
}

function problemsOf(f: SeveralProcessesFigures): string[] {
  const problems: string[] = []
  const name = `one process, ${f.setup}`
  if (f.stillQueued > 0) problems.push(`${name}: ${f.stillQueued} answers "job still queued"`)
  if (f.retryableWithoutWait > 0) problems.push(`${name}: ${f.retryableWithoutWait} retryable answers without a wait`)
  const answered = f.firstAttempt + f.firstRetryableWithWait
  if (answered !== f.events)
    problems.push(`${name}: ${f.events - answered} events neither delivered nor retryable with a wait at first`)
  if (f.delivered !== f.events) problems.push(`${name}: ${f.events - f.delivered} not delivered`)
  if (f.users !== f.events) problems.push(`${name}: ${f.users} users of ${f.events}`)
  return problems
}

/**
 * The "one process, N identifies without pause": one worker process keeps its batches in flight, sending
 * the events left retryable again once their wait has passed, against the simulator in its own process enforcing
 * the account limit and 30 jobs. Every event's first attempt must deliver it or be retryable with a wait.
 */
export const oneProcessStream: Scenario = {
  name: 'one-process-stream',
  about: (o) =>
    `${Math.round(IDENTIFIES * o.scale)} identifies without pause (a fifth as many to an account working its jobs one at a time), ` +
    `${o.batchesInFlight} batches in flight, ` +
    `${o.limitPerMinute} requests/minute in ${o.limitSeconds}-second windows, 30 jobs of ${o.jobMsPer100Items} ms per 100 items`,
  async run(options, print) {
    const figures: SeveralProcessesFigures[] = []
    for (const { setup, jobWorkers, share } of ACCOUNTS) {
      const result = await runWorkers(setup, 1, { ...options, scale: options.scale * share }, { jobWorkers })
      print(line(result))
      figures.push(result)
    }
    return {
      scenario: 'one-process-stream',
      figures,
      problems: figures.flatMap(problemsOf),
      panels: [
        {
          title: 'First attempts of identifies without pause, one process',
          unit: 'events',
          bars: figures.flatMap((f) => [
            { group: f.setup, series: 'delivered', value: f.firstAttempt },
            { group: f.setup, series: 'retryable with a wait', value: f.firstRetryableWithWait },
            { group: f.setup, series: 'job still queued', value: f.stillQueued }
          ])
        }
      ]
    }
  }
}
