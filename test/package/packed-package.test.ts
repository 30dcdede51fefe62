import { execFile, execFileSync } from 'child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import { join, resolve } from 'path'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { hostLockfile } from './host-lockfile'

jest.setTimeout(90_000)

const repo = resolve(__dirname, '../..')
const typescript = require.resolve('typescript/bin/tsc')

/** One `node` run in the host project; its last stdout line as JSON. */
function runInHost(host: string, file: string, source: string, env: NodeJS.ProcessEnv = {}): any {
  writeFileSync(join(host, file), source)
  const out = execFileSync(process.execPath, [file], { cwd: host, env: { ...process.env, ...env }, encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').pop()!)
}

describe('the packed package in an empty host project', () => {
  let work: string
  let host: string
  let files: string[]

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'actions-zendesk-pack-'))
    host = join(work, 'host')
    // `npm pack` runs `prepare`, which builds dist/ from a clean slate.
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8' })
    const [result] = JSON.parse(packed.slice(packed.indexOf('[')))
    files = result.files.map((file: { path: string }) => file.path)
    const tarball = join(work, result.filename)
    execFileSync('mkdir', [host])
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
    execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: host,
      stdio: 'ignore'
    })
  })

  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('ships the built package, its README and license, and nothing else', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'LICENSE']))
    expect(files.filter((path) => !path.startsWith('dist/'))).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'package.json'])
    )
    expect(files.filter((path) => !path.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(files.filter((path) => /test|\.map$|^src\/|^scripts\//.test(path))).toEqual([])
  })

  it('loads by require: the definition as default, with createDestination', () => {
    const loaded = runInHost(
      host,
      'require.cjs',
      `const zendesk = require('actions-zendesk')
console.log(JSON.stringify({
  actions: Object.keys(zendesk.default.actions).length,
  presets: zendesk.default.presets.length,
  createDestination: typeof zendesk.createDestination,
  built: Object.keys(zendesk.createDestination().actions).length
}))`
    )
    expect(loaded).toEqual({ actions: 6, presets: 6, createDestination: 'function', built: 6 })
  })

  it('loads by import: the definition as default export, with createDestination', () => {
    const loaded = runInHost(
      host,
      'import.mjs',
      `import definition, { createDestination } from 'actions-zendesk'
console.log(JSON.stringify({
  actions: Object.keys(definition.actions).length,
  presets: definition.presets.length,
  createDestination: typeof createDestination
}))`
    )
    expect(loaded).toEqual({ actions: 6, presets: 6, createDestination: 'function' })
  })

  it('type-checks in a TypeScript host with skipLibCheck off, as CommonJS and as an ES module', () => {
    const source = `import { Destination } from '@segment/actions-core'
import definition, { createDestination, type DestinationOptions } from 'actions-zendesk'

const options: DestinationOptions = { origin: 'http://127.0.0.1:3000' }
const destination = new Destination(definition)
export const actions: number = Object.keys(destination.actions).length + Object.keys(createDestination(options).actions).length
export const presets: number = definition.presets?.length ?? 0
`
    writeFileSync(join(host, 'host.ts'), source)
    writeFileSync(join(host, 'host-esm.mts'), source)
    const tsconfig = {
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
    writeFileSync(join(host, 'tsconfig.json'), JSON.stringify(tsconfig))
    expect(() =>
      execFileSync(process.execPath, [typescript, '-p', host], { cwd: host, encoding: 'utf8' })
    ).not.toThrow()
  })

  describe('against the simulator', () => {
    let simulator: RunningSimulator

    beforeAll(async () => {
      simulator = await startSimulator({ account: 'demo' })
    })
    afterAll(() => simulator.close())

    it('runs an event through new Destination(definition) from the host’s own actions-core', async () => {
      const script = `const { Destination } = require('@segment/actions-core')
const { createDestination } = require('actions-zendesk')
const destination = new Destination(createDestination({ origin: process.env.SIMULATOR }))
const settings = {
  subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token',
  subscriptions: destination.definition.presets.map(({ subscribe, partnerAction, mapping }) => ({ subscribe, partnerAction, mapping }))
}
destination
  .onEvent({ type: 'identify', userId: 'host-1', traits: { name: 'Marge Simpson', email: 'marge@example.com' } }, settings)
  .then((results) => console.log(JSON.stringify(results.filter((r) => r.error).map((r) => r.error.message))))
`
      writeFileSync(join(host, 'event.cjs'), script)
      const output = await new Promise<string>((resolveOutput, reject) =>
        execFile(
          process.execPath,
          ['event.cjs'],
          { cwd: host, env: { ...process.env, SIMULATOR: simulator.url } },
          (error: Error | null, stdout: string) => (error ? reject(error) : resolveOutput(stdout))
        )
      )
      expect(JSON.parse(output)).toEqual([])
      expect(simulator.state().users.filter((user: any) => user.external_id === 'host-1')).toEqual([
        expect.objectContaining({ name: 'Marge Simpson', email: 'marge@example.com' })
      ])
    })
  })
})
