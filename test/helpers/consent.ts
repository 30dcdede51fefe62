import type { LocalHost } from '../../src/cli/local-host'
import { call } from './local-host-client'

const unescapeHtml = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name as string]!
  )

/**
 * Connect Zendesk as a person does, without a browser: the host's Connect Zendesk, the simulator's consent page,
 * Allow or Deny on it, and Zendesk's answer on the host's redirect URL. Answers where the host sent the browser then.
 */
export async function answerConsent(host: LocalHost, decision: 'allow' | 'deny'): Promise<string> {
  const { body } = await call(host, 'POST', '/connection/connect', {})
  const consent = await fetch(body.authorizationUrl)
  if (consent.status !== 200) throw new Error(`The consent page answered ${consent.status}: ${await consent.text()}`)
  const html = await consent.text()
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [
    unescapeHtml(name),
    unescapeHtml(value)
  ])
  const action = new URL('/oauth/authorizations', body.authorizationUrl)
  const decided = await fetch(action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...fields, ['decision', decision]]).toString(),
    redirect: 'manual'
  })
  const callback = decided.headers.get('location')
  if (decided.status !== 302 || !callback?.startsWith(`${host.url}/oauth/callback`)) {
    throw new Error(`The consent page did not send the browser back to the host (${decided.status} ${callback})`)
  }
  const back = await fetch(callback, { redirect: 'manual' })
  return back.headers.get('location') ?? ''
}
