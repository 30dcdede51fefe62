import { randomBytes } from 'crypto'

const PREFIXES = { accessToken: 'zsat_', refreshToken: 'zsrt_', authorizationCode: 'zsac_' }

/** Every token and code the simulator issues: a kind prefix and 40 hex digits, so that scans can find them. */
const ISSUED_CREDENTIAL = /zs(?:at|rt|ac)_[0-9a-f]{40}/g

export function newCredential(kind: keyof typeof PREFIXES): string {
  return PREFIXES[kind] + randomBytes(20).toString('hex')
}

/** The access tokens, refresh tokens and authorization codes of any simulator that occur in `text`. */
export function issuedCredentialsIn(text: string): string[] {
  return text.match(ISSUED_CREDENTIAL) ?? []
}
