import { normaliseSubdomain } from './settings'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

let simulatorOrigin: string | undefined

/**
 * Sends every request to a local Zendesk simulator instead of https://<subdomain>.zendesk.com.
 * Only a loopback http address is accepted, so this can never point the destination at another host.
 */
export function routeToSimulator(address: string | undefined): void {
  if (address === undefined) {
    simulatorOrigin = undefined
    return
  }
  const url = new URL(address)
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.pathname !== '/' || url.search) {
    throw new Error(`The Zendesk simulator must be a loopback address like http://127.0.0.1:4010, not ${address}`)
  }
  simulatorOrigin = url.origin
}

export function zendeskOrigin(subdomain: unknown): string {
  const label = normaliseSubdomain(subdomain)
  return simulatorOrigin ?? `https://${label}.zendesk.com`
}
