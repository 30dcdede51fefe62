/**
 * Builds the package into dist/: tsc's CommonJS output and declarations (tsconfig.build.json), plus ES module
 * entries over it, so `import definition from 'actions-zendesk'` gives the definition itself rather than the
 * CommonJS exports object, and `import { startSimulator } from 'actions-zendesk/simulator'` works. The ES entries
 * re-export the CommonJS modules: one instance whichever way a host loads them.
 */
import { execFileSync } from 'child_process'
import { rmSync, writeFileSync } from 'fs'
import { join, resolve } from 'path'

const root = resolve(__dirname, '..')
const dist = join(root, 'dist')

const ESM_ENTRY = `import cjs from './index.js'

export default cjs.default
export const createDestination = cjs.createDestination
export const destination = cjs.destination
export const zendeskOAuth = cjs.zendeskOAuth
`

const ESM_TYPES = `import type {
  destination as Definition,
  createDestination as CreateDestination,
  zendeskOAuth as ZendeskOAuth
} from './index.js'

declare const definition: typeof Definition
export default definition
export declare const createDestination: typeof CreateDestination
export declare const destination: typeof Definition
export declare const zendeskOAuth: typeof ZendeskOAuth
export type {
  DestinationOptions,
  ZendeskTokens,
  Settings,
  UpsertUserPayload,
  UpdateOrganizationMembershipPayload,
  UpsertOrganizationPayload,
  TrackEventPayload,
  CreateTicketPayload,
  UpdateTicketPayload,
  UpsertCustomObjectRecordPayload
} from './index.js'
`

/** The simulator's ES entry: each name its CommonJS module exports (it has no default export). */
async function simulatorEsmEntry(): Promise<string> {
  const names = Object.keys(await import(join(dist, 'simulator/index.js'))).filter(
    (name) => name !== '__esModule' && name !== 'default'
  )
  return [`import cjs from './index.js'`, '', ...names.map((name) => `export const ${name} = cjs.${name}`), ''].join(
    '\n'
  )
}

const SIMULATOR_ESM_TYPES = `export * from './index.js'
`

rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit'
})
writeFileSync(join(dist, 'index.mjs'), ESM_ENTRY)
writeFileSync(join(dist, 'index.d.mts'), ESM_TYPES)
writeFileSync(join(dist, 'simulator/index.d.mts'), SIMULATOR_ESM_TYPES)
simulatorEsmEntry().then((entry) => writeFileSync(join(dist, 'simulator/index.mjs'), entry))
