import { IntegrationError, InvalidAuthenticationError } from '@segment/actions-core'
import type { Settings } from '../generated-types'

const SUBDOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

export class SettingsError extends IntegrationError {
  constructor(message: string) {
    super(message, 'INVALID_SETTINGS', 400)
  }
}

const ZENDESK_HOST_SUFFIX = '.zendesk.com'
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//

/**
 * Accepts `acme`, `acme.zendesk.com` or a pasted `https://acme.zendesk.com/...` address and returns `acme`.
 * Anything else (another host, a path after anything but a zendesk.com host, spaces, underscores, an empty
 * value) is rejected before any request is made.
 */
export function normaliseSubdomain(input: unknown): string {
  const raw = typeof input === 'string' ? input.trim().toLowerCase() : ''
  if (!raw) throw new SettingsError('Subdomain is required: for https://acme.zendesk.com enter "acme".')
  // A user name or password pasted with the address may be a credential: refuse it without echoing it.
  const authority = raw.replace(URL_SCHEME, '').split('/')[0]
  if (authority.includes('@')) {
    throw new SettingsError(
      'Subdomain must not contain a user name or password: for https://acme.zendesk.com enter "acme".'
    )
  }
  let host = raw
  let pastedAddress = false
  if (URL_SCHEME.test(raw)) {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw invalidSubdomain(raw)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidSubdomain(raw)
    if (url.port) throw invalidSubdomain(raw)
    host = url.hostname
    pastedAddress = true
  } else if (raw.includes('/')) {
    host = raw.slice(0, raw.indexOf('/'))
    pastedAddress = true
  }
  let label = host
  if (host.endsWith(ZENDESK_HOST_SUFFIX)) label = host.slice(0, -ZENDESK_HOST_SUFFIX.length)
  else if (pastedAddress) throw invalidSubdomain(raw)
  if (!SUBDOMAIN_LABEL.test(label)) throw invalidSubdomain(raw)
  return label
}

function invalidSubdomain(raw: string): SettingsError {
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw
  return new SettingsError(
    `Subdomain "${shown}" is not a Zendesk subdomain: enter "acme" for https://acme.zendesk.com ` +
      '(letters, digits and hyphens only).'
  )
}

type CredentialKey = 'email' | 'api_token' | 'oauth_token'

const CREDENTIAL_LABELS: Record<CredentialKey, string> = {
  email: 'Email',
  api_token: 'API Token',
  oauth_token: 'OAuth Token'
}

/** Whitespace and zero-width characters a copy and paste often leaves at either end; they are dropped. */
const PASTED_AT_THE_EDGES = /^[\s\u200B-\u200D\u2060\uFEFF]+|[\s\u200B-\u200D\u2060\uFEFF]+$/g
/** What can travel in an HTTP header as it is: printable ASCII without spaces. */
const HEADER_SAFE = /^[\x21-\x7E]+$/

/**
 * A credential setting without what a paste leaves at its ends, or undefined when empty. Anything inside it that
 * cannot travel in a header (a space, a line break, a control, zero-width or non-ASCII character) is a
 * configuration error that names the setting and never shows its value.
 */
function credential(settings: Settings, key: CredentialKey): string | undefined {
  const raw = settings[key]
  if (typeof raw !== 'string') return undefined
  const value = raw.replace(PASTED_AT_THE_EDGES, '')
  if (!value) return undefined
  if (!HEADER_SAFE.test(value)) {
    throw new SettingsError(
      `${CREDENTIAL_LABELS[key]} contains a character that cannot be sent to Zendesk (a space, line break, control, invisible or non-ASCII character). Paste it again without it.`
    )
  }
  return value
}

/** The tokens of the OAuth connection the host keeps in `settings.oauth`, as actions-core hands them to an action. */
export interface ConnectionTokens {
  accessToken?: string
  refreshToken?: string
}

/** An OAuth access token as it must travel: only what can go in a header, else an error that never shows it. */
function connectionAccessToken(connection: ConnectionTokens | undefined): string | undefined {
  const raw = connection?.accessToken
  if (typeof raw !== 'string') return undefined
  const value = raw.replace(PASTED_AT_THE_EDGES, '')
  if (!value) return undefined
  if (!HEADER_SAFE.test(value)) {
    throw new InvalidAuthenticationError(
      'The Zendesk connection holds an access token that cannot be sent to Zendesk. Reconnect the Zendesk account.'
    )
  }
  return value
}

/**
 * The Authorization header for exactly one complete credential: the OAuth connection's access token, else the
 * legacy Email with API Token, else the legacy static OAuth Token. A half legacy credential is a configuration
 * error; no credential at all is an authentication error (401), which makes actions-core renew the connection.
 */
export function authorizationHeader(settings: Settings, connection?: ConnectionTokens): string {
  const accessToken = connectionAccessToken(connection)
  if (accessToken) return `Bearer ${accessToken}`
  const email = credential(settings, 'email')
  const apiToken = credential(settings, 'api_token')
  const oauthToken = credential(settings, 'oauth_token')
  if (oauthToken && (email || apiToken)) {
    throw new SettingsError(
      'Use one credential: either Email with API Token, or OAuth Token — not both. Clear the one you do not use.'
    )
  }
  if (oauthToken) return `Bearer ${oauthToken}`
  if (email && apiToken) return `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`
  if (email) throw new SettingsError('API Token is missing: an Email needs the API Token of that agent.')
  if (apiToken) throw new SettingsError('Email is missing: an API Token needs the email of the agent it belongs to.')
  throw new InvalidAuthenticationError(
    'No Zendesk credentials: connect the Zendesk account (OAuth), or set the legacy Email and API Token or OAuth Token.'
  )
}

/**
 * Refuses settings whose credential can never work (a half or unsendable legacy credential), before anything is
 * sent. Having no credential yet is not refused here: a connection renewed by client credentials starts that way.
 */
export function checkCredentials(settings: Settings, connection?: ConnectionTokens): void {
  try {
    authorizationHeader(settings, connection)
  } catch (error) {
    if (error instanceof SettingsError) throw error
  }
}

/**
 * The secret parts of the settings and the connection (tokens, refresh token, and the header values they make),
 * to keep out of every message.
 */
export function credentialSecrets(settings: Settings, connection?: ConnectionTokens): string[] {
  const secrets = [settings.api_token, settings.oauth_token, connection?.accessToken, connection?.refreshToken].map(
    (value) => (typeof value === 'string' ? value.replace(PASTED_AT_THE_EDGES, '') : '')
  )
  try {
    secrets.push(authorizationHeader(settings, connection).replace(/^(Basic|Bearer) /, ''))
  } catch {
    // Settings that make no header send no request: there is nothing more to hide.
  }
  return secrets.filter((secret) => secret.length >= 4)
}
