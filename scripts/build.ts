/**
 * Builds the package into dist/: tsc's CommonJS output and declarations (tsconfig.build.json), plus an ES module
 * entry over it, so `import definition from 'actions-zendesk'` gives the definition itself rather than the
 * CommonJS exports object. The ES entry re-exports the CommonJS module: one instance whichever way a host loads it.
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
export type { DestinationOptions, ZendeskTokens } from './index.js'
`

rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit'
})
writeFileSync(join(dist, 'index.mjs'), ESM_ENTRY)
writeFileSync(join(dist, 'index.d.mts'), ESM_TYPES)
