import type { HostReply } from './host-routes'
import type { DeliveryView } from './deliveries'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c])

const SHOWN = 500

function row(delivery: DeliveryView): string {
  const results = delivery.actions
    .map((a) => `${a.action}: ${a.result} ${a.status}${a.message ? ` — ${a.message}` : ''}`)
    .join('\n')
  const cells = [
    delivery.id,
    delivery.description,
    delivery.state,
    String(delivery.attempts),
    results || delivery.reason || delivery.state,
    delivery.nextTryAt ?? ''
  ]
  return `<tr class="${escape(delivery.state.replace(/ /g, '-'))}">${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`
}

/** The deliveries as a plain table that reloads itself every 2 s: no script, nothing loaded from elsewhere. */
export function deliveriesPage(deliveries: DeliveryView[]): HostReply {
  const pending = deliveries.filter((d) => d.state === 'retrying' || d.state === 'awaiting connection').length
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Deliveries — actions-zendesk</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; vertical-align: top; text-align: left; }
td:nth-child(5) { white-space: pre-wrap; } .retrying, .awaiting-connection { background: #fff6d5; } .rejected, .gave-up { background: #fde2e2; }
</style></head><body>
<h1>Deliveries</h1>
<p>${deliveries.length} accepted event(s), ${pending} still pending (retrying, or awaiting a Zendesk connection). <a href="/">Mapping page</a> · <a href="/deliveries">JSON</a></p>
<table><thead><tr><th>id</th><th>event</th><th>state</th><th>attempts</th><th>last result per action</th><th>next try</th></tr></thead>
<tbody>${deliveries.slice(0, SHOWN).map(row).join('\n')}</tbody></table>
</body></html>`
  return {
    status: 200,
    body: html,
    contentType: 'text/html; charset=utf-8',
    headers: {
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY'
    }
  }
}
