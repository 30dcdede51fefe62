import { spawn, type ChildProcess } from 'child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { PrivateParentError, startEmbeddedPostgres } from '../../src/cli/embedded-postgres'
import { dataFolderOutside } from '../../src/cli/host-database'
import { ZENDESK_ENV_VARS } from '../../src/cli/target'

/**
 * `npm start` (src/cli/main.ts) with its default database: PostgreSQL from npm, its data in .data/postgres of the
 * folder it runs in, kept across a stop and a start; and, where that folder is out of PostgreSQL's reach, one outside.
 */
jest.setTimeout(60_000)

const ROOT = path.resolve(__dirname, '../..')
const MAIN = path.join(ROOT, 'src/cli/main.ts')
const asRoot = process.getuid?.() === 0

let folder: string
const started: ChildProcess[] = []
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'npm-start-postgres-'))
})
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(folder, { recursive: true, force: true })
})

/** main.ts as `npm start` runs it, in `cwd`; `output` has what it printed, `exited` its exit code. */
function npmStart(cwd: string) {
  const env = { ...process.env }
  for (const key of [...ZENDESK_ENV_VARS, 'PORT', 'DATABASE_URL']) delete env[key]
  const tsNode = require.resolve('ts-node/dist/bin.js')
  const child = spawn(process.execPath, [tsNode, '--transpile-only', MAIN, '--port', '0'], { cwd, env })
  started.push(child)
  let text = ''
  child.stdout!.on('data', (chunk) => (text += chunk))
  child.stderr!.on('data', (chunk) => (text += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const listening = new Promise<string>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`npm start exited (${code}):\n${text}`)))
    child.stdout!.on('data', () => {
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]
      if (url) resolve(url)
    })
  })
  listening.catch(() => undefined)
  return { child, listening, exited, output: () => text }
}

const identifyOfNoOrganization = (url: string) =>
  fetch(`${url}/v1/identify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      userId: 'ned',
      traits: { name: 'Ned', email: 'ned@example.com', company: { id: 'nowhere' } }
    })
  }).then((answer) => answer.json())

test('npm start keeps accepted events in .data/postgres: stopped, it says so; started again, they are pending; a second host beside it is refused', async () => {
  chmodSync(folder, 0o711)
  const first = npmStart(folder)
  const url = await first.listening
  expect(first.output()).toContain('Accepted events are kept in PostgreSQL')
  // Its organization does not exist: the membership stays retryable.
  const { deliveryId } = await identifyOfNoOrganization(url)

  // A second host in the same folder leaves the first one's server alone, and says how to share it.
  const beside = npmStart(folder)
  expect(await beside.exited).toBe(2)
  expect(beside.output()).toMatch(
    /^Error: Another local host \(process \d+\) runs PostgreSQL on \S+: stop it first, or share its database by starting this one with DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\.\n$/
  )

  first.child.kill('SIGINT')
  expect(await first.exited).toBe(0)
  expect(first.output()).toMatch(
    new RegExp(
      `1 accepted event\\(s\\) still pending, kept in the database[^\\n]*\\n  ${deliveryId} identify userId=ned`
    )
  )
  // The server stopped with the host, its data kept.
  const data = path.join(folder, '.data', 'postgres')
  expect(existsSync(path.join(data, 'PG_VERSION'))).toBe(true)
  expect(existsSync(path.join(data, 'postmaster.pid'))).toBe(false)

  const second = npmStart(folder)
  const again = await second.listening
  const { deliveries } = await fetch(`${again}/deliveries`).then((answer) => answer.json())
  expect(deliveries).toContainEqual(expect.objectContaining({ id: deliveryId, state: 'retrying' }))
  second.child.kill('SIGINT')
  expect(await second.exited).toBe(0)
})

;(asRoot ? describe : describe.skip)('as root, PostgreSQL runs as nobody', () => {
  test('a parent folder private to others: the data goes to a folder of /var/tmp named after the project, said in a line, kept across a restart', async () => {
    // mkdtemp makes the folder private (mode 700).
    const project = path.join(folder, 'project')
    mkdirSync(project)
    const refused = startEmbeddedPostgres({ dataFolder: path.join(project, '.data', 'postgres') })
    await expect(refused).rejects.toThrow(PrivateParentError)
    await expect(refused).rejects.toThrow(
      `as root the host runs it as the user nobody, and ${folder} (mode 700) does not let others through. Run npm start as a normal user, or set DATABASE_URL to a PostgreSQL of your own, or pass --memory to keep events in memory.`
    )

    const outside = dataFolderOutside(project)
    try {
      const first = npmStart(project)
      const url = await first.listening
      expect(first.output()).toContain(
        `${folder} does not let others through, and as root PostgreSQL runs as the user nobody: its data goes to ${outside} instead of .data/postgres.`
      )
      const { deliveryId } = await identifyOfNoOrganization(url)
      first.child.kill('SIGINT')
      expect(await first.exited).toBe(0)
      expect(existsSync(path.join(outside, 'PG_VERSION'))).toBe(true)
      expect(existsSync(path.join(project, '.data'))).toBe(false)

      const second = npmStart(project)
      const again = await second.listening
      const { deliveries } = await fetch(`${again}/deliveries`).then((answer) => answer.json())
      expect(deliveries).toContainEqual(expect.objectContaining({ id: deliveryId, state: 'retrying' }))
      second.child.kill('SIGINT')
      expect(await second.exited).toBe(0)
    } finally {
      rmSync(path.dirname(outside), { recursive: true, force: true })
    }
  })
})
