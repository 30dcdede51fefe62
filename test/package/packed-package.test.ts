import { execFile } from 'child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import { join, resolve } from 'path'
import { promisify } from 'util'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { hostLockfile } from './host-lockfile'

jest.setTimeout(90_000)

const run = promisify(execFile)
const repo = resolve(__dirname, '../..')
const typescript = require.resolve('typescript/bin/tsc')

/** A TypeScript host's own code, type-checked as CommonJS (host.ts) and as an ES module (host-esm.mts). */
const TYPESCRIPT_HOST = `import { Destination } from '@segment/actions-core'
import definition, {
  createDestination,
  zendeskOAuth,
  type DestinationOptions,
  type Settings,
  type TrackEventPayload,
  type ZendeskTokens
} from 'actions-zendesk'

const options: DestinationOptions = { origin: 'http://127.0.0.1:3000' }
export const settings: Settings = { subdomain: 'acme' }
export const payload: Pick<TrackEventPayload, 'event_type' | 'source'> = { event_type: 'Article Read', source: 'segment' }
export const store = (tokens: ZendeskTokens): string | undefined => tokens.refreshToken
export const consent: string = zendeskOAuth(options).authorizationUrl({
  subdomain: 'acme',
  clientId: 'host',
  redirectUri: 'http://127.0.0.1:4000/oauth/callback',
  state: 's',
  codeChallenge: 'c'
})
const destination = new Destination(definition)
export const actions: number = Object.keys(destination.actions).length + Object.keys(createDestination(options).actions).length
export const presets: number = definition.presets?.length ?? 0
`

/** The tsconfig the README gives a host, with skipLibCheck off. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2021',
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node']
  },
  files: ['host.ts', 'host-esm.mts']
}

/** One `node` run of a script in the host project; its last stdout line as JSON. */
async function runInHost(host: string, file: string, source: string, env: NodeJS.ProcessEnv = {}): Promise<any> {
  writeFileSync(join(host, file), source)
  const { stdout } = await run(process.execPath, [file], { cwd: host, env: { ...process.env, ...env } })
  return JSON.parse(stdout.trim().split('\n').pop()!)
}

describe('the packed package in an empty host project', () => {
  let work: string
  let host: string
  let files: string[]
  /** the host's type check, started once the package is installed (it takes the longest, so it runs alongside) */
  let typeCheck: Promise<unknown>

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'actions-zendesk-pack-'))
    host = join(work, 'host')
    // `npm pack` runs `prepare`, which builds dist/ from a clean slate.
    const packed = (await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo })).stdout
    const [result] = JSON.parse(packed.slice(packed.indexOf('[')))
    files = result.files.map((file: { path: string }) => file.path)
    const tarball = join(work, result.filename)
    mkdirSync(host)
    const manifest = {
      name: 'host',
      version: '1.0.0',
      private: true,
      dependencies: { 'actions-zendesk': `file:${tarball}` },
      devDependencies: { '@types/node': '20.19.43' }
    }
    writeFileSync(join(host, 'package.json'), JSON.stringify(manifest))
    // No network: the lockfile pins what this repository's `npm ci` already put in the npm cache.
    const lock = hostLockfile(JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')), manifest, tarball)
    writeFileSync(join(host, 'package-lock.json'), JSON.stringify(lock))
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: host })
    writeFileSync(join(host, 'host.ts'), TYPESCRIPT_HOST)
    writeFileSync(join(host, 'host-esm.mts'), TYPESCRIPT_HOST)
    writeFileSync(join(host, 'tsconfig.json'), JSON.stringify(TSCONFIG))
    typeCheck = run(process.execPath, [typescript, '-p', host], { cwd: host })
    typeCheck.catch(() => undefined) // awaited by its test
  })

  afterAll(async () => {
    await typeCheck?.catch(() => undefined)
    rmSync(work, { recursive: true, force: true })
  })

  it('ships the built package, its README and license, and nothing else', () => {
    expect(files).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts'])
    )
    expect(files.filter((path) => !path.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(files.filter((path) => /test|\.map$/.test(path))).toEqual([])
  })

  it('loads by require: the definition as default, with createDestination', async () => {
    const loaded = await runInHost(
      host,
      'require.cjs',
      `const zendesk = require('actions-zendesk')
console.log(JSON.stringify({
  actions: Object.keys(zendesk.default.actions).length,
  presets: zendesk.default.presets.length,
  createDestination: typeof zendesk.createDestination,
  built: Object.keys(zendesk.createDestination().actions).length,
  scheme: zendesk.default.authentication.scheme,
  zendeskOAuth: typeof zendesk.zendeskOAuth
}))`
    )
    expect(loaded).toEqual({
      actions: 7,
      presets: 6,
      createDestination: 'function',
      built: 7,
      scheme: 'oauth2',
      zendeskOAuth: 'function'
    })
  })

  it('loads by import: the definition as default export, with createDestination', async () => {
    const loaded = await runInHost(
      host,
      'import.mjs',
      `import definition, { createDestination, zendeskOAuth } from 'actions-zendesk'
console.log(JSON.stringify({
  actions: Object.keys(definition.actions).length,
  presets: definition.presets.length,
  createDestination: typeof createDestination,
  zendeskOAuth: typeof zendeskOAuth
}))`
    )
    expect(loaded).toEqual({ actions: 7, presets: 6, createDestination: 'function', zendeskOAuth: 'function' })
  })

  describe('against the simulator', () => {
    let simulator: RunningSimulator

    beforeAll(async () => {
      simulator = await startSimulator({ account: 'demo' })
    })
    afterAll(() => simulator.close())

    it('runs an event through new Destination(definition) from the host’s own actions-core', async () => {
      const errors = await runInHost(
        host,
        'event.cjs',
        `const { Destination } = require('@segment/actions-core')
const { createDestination } = require('actions-zendesk')
const destination = new Destination(createDestination({ origin: process.env.SIMULATOR }))
const settings = {
  subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token',
  subscriptions: destination.definition.presets.map(({ subscribe, partnerAction, mapping }) => ({ subscribe, partnerAction, mapping }))
}
destination
  .onEvent({ type: 'identify', userId: 'host-1', traits: { name: 'Marge Simpson', email: 'marge@example.com' } }, settings)
  .then((results) => console.log(JSON.stringify(results.filter((r) => r.error).map((r) => r.error.message))))
`,
        { SIMULATOR: simulator.url }
      )
      expect(errors).toEqual([])
      expect(simulator.state().users.filter((user: any) => user.external_id === 'host-1')).toEqual([
        expect.objectContaining({ name: 'Marge Simpson', email: 'marge@example.com' })
      ])
    })
  })

  it('type-checks in a TypeScript host with skipLibCheck off, as CommonJS and as an ES module', async () => {
    // tsc prints its errors on stdout: a failure shows them.
    const outcome = await typeCheck.then(
      () => 'compiled',
      (error: { stdout?: string }) => error.stdout
    )
    expect(outcome).toBe('compiled')
  })
})
