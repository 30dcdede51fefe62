import { inspect } from 'util'
import { credentialsIn, redactCredentials } from '../helpers/credentials'

/**
 * Fails the test during which anything written through console.* contained a fake credential. The line is still
 * shown, with the credential replaced. Leaks are kept on globalThis so a test can check the guard itself, and
 * while QUIET is set there the guard records them without showing them (the guard's own tests leak on purpose).
 */
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
export const LEAKS = Symbol.for('credential-guard.leaks')
export const QUIET = Symbol.for('credential-guard.quiet')

type Guarded = typeof globalThis & { [LEAKS]?: string[]; [QUIET]?: boolean }
const leaks = ((globalThis as Guarded)[LEAKS] ??= [])

for (const method of METHODS) {
  const original = console[method].bind(console)
  console[method] = (...args: unknown[]) => {
    const text = args
      .map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8, maxStringLength: Infinity })))
      .join(' ')
    if (credentialsIn(text).length === 0) return original(...args)
    leaks.push(`console.${method}: ${redactCredentials(text)}`)
    if (!(globalThis as Guarded)[QUIET]) original(redactCredentials(text))
  }
}

afterEach(() => {
  const found = leaks.splice(0)
  if (found.length) throw new Error(`Console output contained a credential:\n${found.join('\n')}`)
})
