import { normaliseSubdomain } from './settings'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * A Zendesk simulator's origin, checked: only a loopback http address is accepted, so no option can point the
 * destination at another host.
 */
export function simulatorOrigin(address: string): string {
  let url: URL
  try {
    url = new URL(address)
  } catch {
    throw new Error(`The Zendesk simulator must be a loopback address like http://127.0.0.1:4010, not ${address}`)
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.pathname !== '/' || url.search) {
    throw new Error(`The Zendesk simulator must be a loopback address like http://127.0.0.1:4010, not ${address}`)
  }
  return url.origin
}

/** Where the account's requests go: https://<subdomain>.zendesk.com, or the simulator this instance was given. */
export function zendeskOrigin(subdomain: unknown, simulator?: string): string {
  const label = normaliseSubdomain(subdomain)
  return simulator ?? `https://${label}.zendesk.com`
}
