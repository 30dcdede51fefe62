import { authorizationHeader } from '../destinations/zendesk/settings/settings'

const REDACTED = '[redacted]'
/** Shorter values would blank out ordinary words; no Zendesk token is that short. */
const MIN_SECRET_LENGTH = 4

/**
 * The secret strings of some settings: the legacy tokens and the Authorization header value made from them, and an
 * OAuth connection's access token, refresh token and client secret.
 */
export function secretsOf(settings: unknown): string[] {
  if (settings === null || typeof settings !== 'object') return []
  const { api_token, oauth_token, oauth } = settings as Record<string, unknown>
  const { access_token, refresh_token, clientSecret } = (oauth ?? {}) as Record<string, unknown>
  const secrets = [api_token, oauth_token, access_token, refresh_token, clientSecret]
    .filter((value): value is string => typeof value === 'string')
    .flatMap((token) => [token, token.trim()])
  try {
    const header = authorizationHeader(settings as any)
    secrets.push(header, header.replace(/^\S+\s+/, ''))
  } catch {
    // Incomplete credentials make no header, so there is none to hide.
  }
  return secrets.filter((secret) => secret.trim().length >= MIN_SECRET_LENGTH)
}

/** A deep copy of `value` in which every string has each secret replaced; object keys are kept. */
export function redact<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value
  const longestFirst = [...new Set(secrets)].sort((a, b) => b.length - a.length)
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return longestFirst.reduce((text, secret) => text.split(secret).join(REDACTED), item)
    if (Array.isArray(item)) return item.map(walk)
    if (item !== null && typeof item === 'object') {
      if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return walk(JSON.parse(JSON.stringify(item)))
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]))
    }
    return item
  }
  return walk(value) as T
}
