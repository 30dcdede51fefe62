import { execFile } from 'child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import { join, resolve } from 'path'
import { promisify } from 'util'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { SIMULATOR_OAUTH_CLIENT, startSimulator, type RunningSimulator } from '../../src/simulator'
import { hostLockfile } from './host-lockfile'

jest.setTimeout(240_000)

const run = promisify(execFile)
const repo = resolve(__dirname, '../..')
const examples = join(repo, 'examples')
/** The TypeScript the lock file pins, and TypeScript 7 (what `npm install typescript` brings now). */
const TYPESCRIPTS = {
  '5.9.3': require.resolve('typescript/bin/tsc'),
  '7.0.2': join(repo, 'node_modules/typescript-7/bin/tsc')
}

/** The README's host examples, each run below from an empty host with the tarball installed. */
const RUN_HERE = ['host.cjs', 'host.mjs', 'host.ts', 'tsconfig.json', 'host.test.cjs', 'segment-sdk.cjs']

/**
 * Every type the package exports, from both declaration entries (index.d.ts and index.d.mts, and the simulator's):
 * checked as CommonJS (declarations.ts) and as an ES module (declarations.mts) with the README's tsconfig.
 */
const DECLARATIONS = `import definition, {
  createDestination,
  zendeskOAuth,
  type CreateTicketPayload,
  type DestinationOptions,
  type Settings,
  type TrackEventPayload,
  type UpdateOrganizationMembershipPayload,
  type UpdateTicketPayload,
  type UpsertCustomObjectRecordPayload,
  type UpsertOrganizationPayload,
  type UpsertUserPayload,
  type ZendeskTokens
} from 'actions-zendesk'
import {
  SIMULATOR_API_TOKEN,
  SIMULATOR_OAUTH_CLIENT,
  SIMULATOR_SUBDOMAIN,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions
} from 'actions-zendesk/simulator'

const options: DestinationOptions = { origin: 'http://127.0.0.1:3000' }
export const settings: Settings = { subdomain: SIMULATOR_SUBDOMAIN, ...SIMULATOR_API_TOKEN }
export const payloads: [
  Pick<UpsertUserPayload, 'external_id'>,
  Pick<UpdateOrganizationMembershipPayload, 'organization_external_id'>,
  Pick<UpsertOrganizationPayload, 'external_id'>,
  Pick<TrackEventPayload, 'event_type'>,
  Pick<CreateTicketPayload, 'subject'>,
  Pick<UpdateTicketPayload, 'ticket_id'>,
  Pick<UpsertCustomObjectRecordPayload, 'custom_object_key'>
] = [{ external_id: 'u' }, { organization_external_id: 'o' }, { external_id: 'o' }, { event_type: 'e' }, { subject: 's' }, { ticket_id: '1' }, { custom_object_key: 'order' }]
export const store = (tokens: ZendeskTokens): string | undefined => tokens.refreshToken
export const consent: string = zendeskOAuth(options).authorizationUrl({
  subdomain: 'acme',
  clientId: SIMULATOR_OAUTH_CLIENT.clientId,
  redirectUri: 'http://127.0.0.1:4000/oauth/callback',
  state: 's',
  codeChallenge: 'c'
})
export const actions: number = Object.keys(definition.actions).length + Object.keys(createDestination(options).actions).length
const simulatorOptions: SimulatorOptions = { account: 'demo' }
export const started: Promise<RunningSimulator> = startSimulator(simulatorOptions)
`

interface Outcome {
  code: number | string
  stdout: string
  stderr: string
}

/** A command's exit code and output, whether it failed or not. */
function outcomeOf(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return run(command, args, { cwd, env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number | string; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 'failed',
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? ''
    })
  )
}

describe('the packed package in an empty host project', () => {
  let work: string
  let host: string
  let files: string[]
  /** the host's type checks, started once the package is installed (they take longest, so they run alongside) */
  let typeChecks: Record<string, Promise<Outcome>>

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
      devDependencies: { '@types/node': '20.19.43', '@segment/analytics-node': '3.1.0' }
    }
    writeFileSync(join(host, 'package.json'), JSON.stringify(manifest))
    // No network: the lockfile pins what this repository's `npm ci` already put in the npm cache.
    const lock = hostLockfile(JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')), manifest, tarball)
    writeFileSync(join(host, 'package-lock.json'), JSON.stringify(lock))
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: host })
    for (const file of RUN_HERE) copyFileSync(join(examples, file), join(host, file))
    writeFileSync(join(host, 'declarations.ts'), DECLARATIONS)
    writeFileSync(join(host, 'declarations.mts'), DECLARATIONS)
    // The README's tsconfig as it is: 5.9.3 type-checks and compiles host.ts to run it, 7.0.2 type-checks.
    typeChecks = {
      '5.9.3': outcomeOf(process.execPath, [TYPESCRIPTS['5.9.3'], '-p', '.', '--outDir', 'build'], host),
      '7.0.2': outcomeOf(process.execPath, [TYPESCRIPTS['7.0.2'], '-p', '.', '--noEmit'], host)
    }
  })

  afterAll(async () => {
    await Promise.all(Object.values(typeChecks ?? {}))
    rmSync(work, { recursive: true, force: true })
  })

  it('ships the built package and its simulator, its README and license, and nothing else', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.mjs',
        'dist/index.d.ts',
        'dist/index.d.mts',
        'dist/simulator/index.js',
        'dist/simulator/index.mjs',
        'dist/simulator/index.d.ts',
        'dist/simulator/index.d.mts'
      ])
    )
    expect(files.filter((path) => !path.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(files.filter((path) => /test|\.map$|^dist\/cli\//.test(path))).toEqual([])
  })

  it('runs every host example of the README (each file of examples/ but the replay events)', () => {
    expect(readdirSync(examples).sort()).toEqual([...RUN_HERE, 'seed-events.ndjson'].sort())
  })

  it.each(Object.keys(TYPESCRIPTS))(
    'type-checks host.ts and the declarations with --strict under TypeScript %s',
    async (version) => {
      // tsc prints its errors on stdout: a failure shows them.
      const { code, stdout } = await typeChecks[version]
      expect({ code, stdout }).toEqual({ code: 0, stdout: '' })
    }
  )

  describe('against the simulator', () => {
    let simulator: RunningSimulator

    beforeAll(async () => {
      simulator = await startSimulator({ account: 'demo' })
    })
    afterAll(() => simulator.close())

    /**
     * A connection as a host stores it after Connect Zendesk: a token pair of a confidential client, whose access
     * token has expired (Zendesk answers 401), so the example's first call renews it and its onTokenRefresh runs.
     */
    function connectionFile(): { path: string; stored: () => Record<string, string>; refreshToken: string } {
      simulator.reset()
      const pair = simulator.oauth.issue(SIMULATOR_OAUTH_CLIENT.clientId)
      const path = join(work, `connection-${Date.now()}-${Math.random()}.json`)
      const connection = {
        access_token: 'an-expired-access-token',
        refresh_token: pair.refresh_token!,
        ...SIMULATOR_OAUTH_CLIENT
      }
      writeFileSync(path, JSON.stringify(connection))
      return { path, stored: () => JSON.parse(readFileSync(path, 'utf8')), refreshToken: pair.refresh_token! }
    }

    async function runExample(args: string[]) {
      const connection = connectionFile()
      const { code, stdout, stderr } = await outcomeOf(process.execPath, args, host, {
        ZENDESK_SIMULATOR: simulator.url,
        ZENDESK_CONNECTION_FILE: connection.path
      })
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      return { printed: JSON.parse(stdout), connection }
    }

    function expectDeliveredAndRenewed({ connection }: { connection: ReturnType<typeof connectionFile> }) {
      const { users, organizations } = simulator.state()
      expect(users.find((user) => user.external_id === '12345')).toMatchObject({ name: 'Homer Simpson' })
      expect(organizations.map((organization) => organization.external_id).sort()).toEqual([
        'shelbyville',
        'springfield'
      ])
      // onTokenRefresh stored the rotated pair.
      const stored = connection.stored()
      expect(stored.access_token).not.toBe('an-expired-access-token')
      expect(stored.refresh_token).not.toBe(connection.refreshToken)
      expect(stored).toMatchObject(SIMULATOR_OAUTH_CLIENT)
    }

    it('CommonJS (examples/host.cjs): delivers an event and a batch, and stores the renewed connection', async () => {
      const result = await runExample(['host.cjs'])
      expect(result.printed).toEqual({
        single: 'delivered',
        batch: [{ outcome: 'delivered' }, { outcome: 'delivered' }]
      })
      expectDeliveredAndRenewed(result)
    })

    it('ES module on Node 20 (examples/host.mjs), actions-core loaded with createRequire', async () => {
      const result = await runExample(['host.mjs'])
      expect(result.printed).toEqual({
        single: 'delivered',
        batch: [{ outcome: 'delivered' }, { outcome: 'delivered' }]
      })
      expectDeliveredAndRenewed(result)
    })

    it('without createRequire, importing actions-core fails on this Node as the README says', async () => {
      writeFileSync(join(host, 'import-actions-core.mjs'), `import { Destination } from '@segment/actions-core'\n`)
      const { code, stderr } = await outcomeOf(process.execPath, ['import-actions-core.mjs'], host)
      expect(code).not.toBe(0)
      expect(stderr).toContain('ERR_UNSUPPORTED_DIR_IMPORT')
    })

    it('TypeScript (examples/host.ts, compiled by 5.9.3 with the README tsconfig)', async () => {
      expect((await typeChecks['5.9.3']).code).toBe(0)
      const result = await runExample(['build/host.js'])
      expect(result.printed).toEqual({
        single: 'delivered',
        batch: [
          { externalId: 'springfield', outcome: 'delivered' },
          { externalId: 'shelbyville', outcome: 'delivered' }
        ]
      })
      expectDeliveredAndRenewed(result)
    })
  })

  it('a host’s own tests against actions-zendesk/simulator (examples/host.test.cjs) pass', async () => {
    const { code, stdout } = await outcomeOf(process.execPath, ['--test', 'host.test.cjs'], host)
    expect({ code, failing: stdout.split('\n').filter((line) => /^not ok/.test(line)) }).toEqual({
      code: 0,
      failing: []
    })
    expect(stdout).toMatch(/^# pass 1$/m)
  })

  it('the simulator loads by import too, with the credentials it publishes', async () => {
    writeFileSync(
      join(host, 'simulator.mjs'),
      `import { startSimulator, SIMULATOR_OAUTH_CLIENT, SIMULATOR_SUBDOMAIN } from 'actions-zendesk/simulator'
const simulator = await startSimulator()
console.log(JSON.stringify({ url: simulator.url, clientId: SIMULATOR_OAUTH_CLIENT.clientId, subdomain: SIMULATOR_SUBDOMAIN }))
await simulator.close()
`
    )
    const { code, stdout } = await outcomeOf(process.execPath, ['simulator.mjs'], host)
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      clientId: SIMULATOR_OAUTH_CLIENT.clientId,
      subdomain: 'acme'
    })
  })

  describe('Segment’s Node SDK pointed at the local host (examples/segment-sdk.cjs)', () => {
    let localHost: LocalHost

    beforeAll(async () => {
      localHost = await startLocalHost({ port: 0, env: {}, log: () => undefined })
    })
    afterAll(() => localHost.close())

    it('its host and path settings send the events to /v1/batch, where they are delivered', async () => {
      const { code, stdout } = await outcomeOf(process.execPath, ['segment-sdk.cjs'], host, {
        LOCAL_HOST: localHost.url
      })
      expect({ code, stdout }).toEqual({ code: 0, stdout: 'sent\n' })
      const deliveries = await localHost.deliveries.list()
      expect(deliveries.map((delivery) => [delivery.description, delivery.state])).toEqual([
        ['track "Donut Eaten" userId=12345', 'delivered'],
        ['identify userId=12345', 'delivered']
      ])
    })
  })
})
