import { spawn } from 'child_process'
import path from 'path'
import { createInterface } from 'readline'
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'
import { until } from '../helpers/test-clock'

/**
 * Real worker processes (test/coordination/support/worker-process.ts), each with its own destination instance,
 * coordinated on one PostgreSQL database, sending to one simulated account that enforces 30 queued or running jobs.
 */
let postgres: RunningPostgres
let simulator: RunningSimulator
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())
afterEach(() => simulator?.close())

const start = async (options: SimulatorOptions) => {
  simulator = await startSimulator({ account: 'bulk-import', ...options })
}

interface WorkerOptions {
  postgres: string
  worker: number
  batches: number
  perBatch: number
  warmUpBatches?: number
  requestWindowMs?: number
}

/** Starts a worker process; `go` lets it send and gives each event's status. */
function worker(options: WorkerOptions) {
  const script = path.join(__dirname, 'support', 'worker-process.ts')
  const tsNode = require.resolve('ts-node/dist/bin.js')
  const settings = { simulator: simulator.url, requestWindowMs: 60_000, leaseMs: 1000, ...options }
  const child = spawn(process.execPath, [tsNode, '--transpile-only', script, JSON.stringify(settings)], {
    cwd: path.join(__dirname, '..', '..')
  })
  const lines = createInterface({ input: child.stdout })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      void exited.then((code) => reject(new Error(`worker ${options.worker} exited (${code})`)))
    })
  const ready = next()
  return {
    ready,
    go: async (): Promise<unknown[]> => {
      const answer = next()
      child.stdin.write('go\n')
      return JSON.parse(await answer)
    },
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    }
  }
}

const refused = () => simulator.requests.filter((request) => request.status === 429)
const polls = () => simulator.requests.filter((request) => request.path.includes('job_statuses/show_many'))
const submitted = () => simulator.requests.filter((request) => request.path.includes('create_or_update_many'))
const usersOf = (worker: number) =>
  simulator.state().users.filter((user) => user.external_id?.startsWith(`u-${worker}-`))

describe('worker processes on one account, coordinated on PostgreSQL', () => {
  it('two workers share the requests a window and the 30 job slots: nothing refused, every event delivered', async () => {
    await start({ accountRateLimit: { requests: 60, windowMs: 2000 }, jobMsPer100Items: 1000 })
    const url = await postgres.database()
    const workers = [0, 1].map((i) =>
      worker({ postgres: url, worker: i, batches: 20, perBatch: 30, requestWindowMs: 2000 })
    )
    await Promise.all(workers.map((one) => one.ready))
    const [first, second] = await Promise.all(workers.map((one) => one.go()))
    expect([...first, ...second]).toEqual(Array(2 * 20 * 30).fill(200))
    expect(refused()).toEqual([])
    expect(usersOf(0)).toHaveLength(600)
    expect(usersOf(1)).toHaveLength(600)
  }, 60_000)

  it('a worker killed while its jobs run: its slots stay held until Zendesk ends those jobs, then serve the others', async () => {
    // Jobs of 20 items take 4 s: the killed worker's 30 jobs outlive its 1-second lease. Its warm-up jobs of 3
    // items end in 0.6 s, so that it then has all 30 at once.
    await start({ jobMsPer100Items: 20_000 })
    const url = await postgres.database()
    const doomed = worker({ postgres: url, worker: 0, batches: 30, perBatch: 20, warmUpBatches: 30 })
    const survivor = worker({ postgres: url, worker: 1, batches: 10, perBatch: 20 })
    await Promise.all([doomed.ready, survivor.ready])
    void doomed.go().catch(() => undefined)
    // Killed once it follows all 30 jobs (a poll reads them all): it has noted each one's slot.
    await until(() => polls().some((request) => String(request.query.ids).split(',').length === 30))
    await doomed.kill()
    const statuses = await survivor.go()
    expect(statuses).toEqual(Array(10 * 20).fill(200))
    // Had the survivor submitted while the 30 jobs ran, Zendesk would have refused it (TooManyJobs).
    expect(refused()).toEqual([])
    expect(submitted()).toHaveLength(30 + 30 + 10)
    expect(usersOf(1)).toHaveLength(200)
  }, 60_000)
})
