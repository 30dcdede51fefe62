import { spawn } from 'child_process'
import { mkdtempSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import { parseArgs, UsageError } from '../../src/cli/args'
import { replayFile, ReplayInputError, type ReplayResult } from '../../src/cli/replay'
import { resetDestinationState } from '../helpers/harness'

const SEED_FILE = 'examples/seed-events.ndjson'
const ROOT = join(__dirname, '..', '..')
const tempDir = mkdtempSync(join(tmpdir(), 'replay-'))

function tempFile(name: string, lines: unknown[]): string {
  const path = join(tempDir, name)
  writeFileSync(path, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'))
  return path
}

/** The JSON printed after "Simulator state". */
function printedState(output: string): any {
  const start = output.indexOf('\nSimulator state\n')
  expect(start).toBeGreaterThan(-1)
  return JSON.parse(output.slice(start + '\nSimulator state\n'.length))
}

function expectSeedOutcome(state: any) {
  const homer = state.users.find((u: any) => u.external_id === '12345')
  expect(homer).toMatchObject({ name: 'Homer Simpson', email: 'homer.simpson@example.com', phone: '555-555-1234' })
  const orgs = Object.fromEntries(state.organizations.map((o: any) => [o.external_id, o]))
  expect(Object.keys(orgs).sort()).toEqual(['6789', 'abc123', 'xyz999'])
  const homersOrgs = state.memberships.filter((m: any) => m.user_id === homer.id).map((m: any) => m.organization_id)
  // added to 6789 by company.id, to abc123 by the group with userId, then removed from 6789 by company.remove
  expect(homersOrgs).toEqual([orgs.abc123.id])
  expect(state.events).toEqual([expect.objectContaining({ user_id: homer.id, type: 'Article Read' })])
  expect(state.tickets).toEqual([
    expect.objectContaining({ external_id: 'seed-ticket-1', requester_id: homer.id, status: 'solved' })
  ])
}

describe('replay', () => {
  beforeEach(() => resetDestinationState())

  test('the seed examples are all delivered and the simulator holds their records', async () => {
    let output = ''
    const result: ReplayResult = await replayFile(SEED_FILE, { env: {}, write: (text) => (output += text) })
    expect(result.summary.events).toBe(9)
    expect(result.summary.unmatched).toBe(0)
    expect(result.summary.notDelivered).toEqual([])
    expect(result.summary.perAction).toEqual({
      upsertOrganization: { delivered: 3, rejected: 0, retryable: 0 },
      upsertUser: { delivered: 3, rejected: 0, retryable: 0 },
      updateOrganizationMembership: { delivered: 2, rejected: 0, retryable: 0 },
      trackEvent: { delivered: 1, rejected: 0, retryable: 0 },
      createTicket: { delivered: 1, rejected: 0, retryable: 0 },
      updateTicket: { delivered: 1, rejected: 0, retryable: 0 }
    })
    expectSeedOutcome(result.state)
    expect(output).toContain('using the embedded Zendesk simulator at http://127.0.0.1:')
    expect(output).toContain('Every matched action was delivered.')
    expect(printedState(output)).toEqual(JSON.parse(JSON.stringify(result.state)))
  })

  test('each event that is not delivered is listed with its action, status and Zendesk’s reason', async () => {
    const file = tempFile('org-id.ndjson', [
      {
        type: 'identify',
        userId: '12345',
        traits: { name: 'Homer Simpson', email: 'homer.simpson@example.com', organizationId: 6789 }
      },
      '',
      { type: 'page', userId: '12345', name: 'Home' }
    ])
    let output = ''
    const { summary } = await replayFile(file, { env: {}, write: (text) => (output += text) })
    expect(summary.unmatched).toBe(1)
    expect(summary.perAction).toEqual({ upsertUser: { delivered: 0, rejected: 1, retryable: 0 } })
    expect(summary.notDelivered).toEqual([
      expect.objectContaining({ line: 1, action: 'upsertUser', result: 'rejected', status: 400 })
    ])
    expect(summary.notDelivered[0].message).toMatch(/Organization/)
    expect(output).toMatch(/line 1 identify userId=12345: upsertUser rejected \(400\) — .*Organization/)
    expect(output).toMatch(/line 3 +page userId=12345 +→ no subscription matched/)
  })

  test('a file that cannot be read or parsed is an input error naming the line', async () => {
    await expect(replayFile(join(tempDir, 'absent.ndjson'), { env: {} })).rejects.toThrow(ReplayInputError)
    const broken = tempFile('broken.ndjson', [{ type: 'identify', userId: '1' }, '{ nope'])
    await expect(replayFile(broken, { env: {} })).rejects.toThrow(/line 2 is not valid JSON/)
    const untyped = tempFile('untyped.ndjson', [{ userId: '1' }])
    await expect(replayFile(untyped, { env: {} })).rejects.toThrow(/line 1: An event needs a "type"/)
  })

  test('partial ZENDESK_* credentials are refused instead of silently using the simulator', async () => {
    await expect(replayFile(SEED_FILE, { env: { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'a@b.c' } })).rejects.toThrow(
      /credentials are incomplete/
    )
  })
})

describe('command line', () => {
  test.each([
    [[], { kind: 'serve', port: 4000 }],
    [['--port', '0'], { kind: 'serve', port: 0 }],
    [['--port=5001', '--mapping', 'm.json'], { kind: 'serve', port: 5001, mappingFile: 'm.json' }],
    [['--retry-for', '90'], { kind: 'serve', port: 4000, retryForMs: 90 * 60_000 }],
    [['--simulator-port', '3000'], { kind: 'serve', port: 4000, simulatorPort: 3000 }],
    [['--memory'], { kind: 'serve', port: 4000, memory: true }],
    [['replay', 'events.ndjson'], { kind: 'replay', file: 'events.ndjson' }],
    [['--help'], { kind: 'help' }]
  ])('parses %j', (argv, command) => {
    expect(parseArgs(argv, {}, 4000)).toEqual(command)
  })

  test('PORT is used when --port is not given', () => {
    expect(parseArgs([], { PORT: '4100' }, 4000)).toEqual({ kind: 'serve', port: 4100 })
    expect(parseArgs(['--port', '4200'], { PORT: '4100' }, 4000)).toEqual({ kind: 'serve', port: 4200 })
  })

  test.each([
    [['--port', 'abc']],
    [['replay']],
    [['serve']],
    [['--verbose']],
    [['--retry-for', '0']],
    [['--retry-for', 'soon']],
    [['--simulator-port', 'any']],
    [['replay', 'events.ndjson', '--simulator-port', '3000']],
    [['replay', 'events.ndjson', '--memory']]
  ])('refuses %j', (argv) => {
    expect(() => parseArgs(argv, {}, 4000)).toThrow(UsageError)
  })

  test('README quick start: `npm start -- replay examples/seed-events.ndjson` prints the summary and the state', async () => {
    const env = { ...process.env }
    for (const key of ['ZENDESK_SUBDOMAIN', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_OAUTH_TOKEN'])
      delete env[key]
    const child = spawn('npx', ['ts-node', '--transpile-only', 'src/cli/main.ts', 'replay', SEED_FILE], {
      cwd: ROOT,
      env
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toContain('using the embedded Zendesk simulator at http://127.0.0.1:')
    expect(stdout).toContain(`Replaying 9 event(s) from ${SEED_FILE}`)
    expect(stdout).toMatch(/Summary per action\n +action +delivered +rejected +retryable\n/)
    expect(stdout).toMatch(/ upsertUser +3 +0 +0\n/)
    expect(stdout).toContain('Every matched action was delivered.')
    expectSeedOutcome(printedState(stdout))
  })
})
