import { IntegrationError } from '@segment/actions-core'
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

const present = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

/** The Authorization header for exactly one complete credential; anything else is a configuration error. */
export function authorizationHeader(settings: Settings): string {
  const hasEmail = present(settings.email)
  const hasApiToken = present(settings.api_token)
  const hasOauth = present(settings.oauth_token)
  if (hasOauth && (hasEmail || hasApiToken)) {
    throw new SettingsError(
      'Use one credential: either Email with API Token, or OAuth Token — not both. Clear the one you do not use.'
    )
  }
  if (hasOauth) return `Bearer ${(settings.oauth_token as string).trim()}`
  if (hasEmail && hasApiToken) {
    const basic = Buffer.from(`${settings.email!.trim()}/token:${settings.api_token!.trim()}`).toString('base64')
    return `Basic ${basic}`
  }
  if (hasEmail) throw new SettingsError('API Token is missing: an Email needs the API Token of that agent.')
  if (hasApiToken) throw new SettingsError('Email is missing: an API Token needs the email of the agent it belongs to.')
  throw new SettingsError('Credentials are missing: set Email and API Token, or an OAuth Token.')
}
