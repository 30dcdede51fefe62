import { inspect } from 'util'
import { credentialsIn, redactCredentials } from '../helpers/credentials'

/**
 * Fails the test during which anything written through console.* contained a fake credential. The line is still
 * shown, with the credential replaced. Leaks are kept on globalThis so a test can check the guard itself.
 */
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
export const LEAKS = Symbol.for('credential-guard.leaks')

type Guarded = typeof globalThis & { [LEAKS]?: string[] }
const leaks = ((globalThis as Guarded)[LEAKS] ??= [])

for (const method of METHODS) {
  const original = console[method].bind(console)
  console[method] = (...args: unknown[]) => {
    const text = args
      .map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8, maxStringLength: Infinity })))
      .join(' ')
    if (credentialsIn(text).length === 0) return original(...args)
    leaks.push(`console.${method}: ${redactCredentials(text)}`)
    original(redactCredentials(text))
  }
}

afterEach(() => {
  const found = leaks.splice(0)
  if (found.length) throw new Error(`Console output contained a credential:\n${found.join('\n')}`)
})
