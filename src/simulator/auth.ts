import type { Reply } from './http'
import type { Credentials } from './types'

export type AuthOutcome = 'ok' | 'bad-basic' | 'bad-bearer'

/** The token of an `Authorization: Bearer` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const [scheme, value] = (header ?? '').trim().split(/\s+/, 2)
  return /^bearer$/i.test(scheme) && value ? value : undefined
}

export function authenticate(header: string | undefined, credentials: Credentials): AuthOutcome {
  const [scheme, value = ''] = (header ?? '').trim().split(/\s+/, 2)
  if (/^bearer$/i.test(scheme)) {
    return 'oauthToken' in credentials && value === credentials.oauthToken ? 'ok' : 'bad-bearer'
  }
  if (!/^basic$/i.test(scheme) || !('apiToken' in credentials)) return 'bad-basic'
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const separator = decoded.indexOf('/token:')
  if (separator < 0) return 'bad-basic'
  const email = decoded.slice(0, separator)
  const token = decoded.slice(separator + '/token:'.length)
  return email.toLowerCase() === credentials.email.toLowerCase() && token === credentials.apiToken ? 'ok' : 'bad-basic'
}

export function unauthorized(outcome: Exclude<AuthOutcome, 'ok'>): Reply {
  if (outcome === 'bad-bearer') {
    return {
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="Web Password", error="invalid_token"' },
      body: {
        error: 'invalid_token',
        error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.'
      }
    }
  }
  return {
    status: 401,
    headers: { 'WWW-Authenticate': 'Basic realm="Web Password"' },
    body: { error: "Couldn't authenticate you" }
  }
}
