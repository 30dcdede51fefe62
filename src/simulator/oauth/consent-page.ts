/** The HTML pages of the simulated consent screen: plain forms, no script. */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

const ACCESS_WORDS: Record<string, string> = {
  read: 'Read',
  write: 'Create, change and delete'
}

/** One scope in words: `read`, `write`, `impersonate`, or `<resource>:read|write`. */
export function describeScope(scope: string): string {
  if (scope === 'read') return 'Read all data in the account'
  if (scope === 'write') return 'Create, change and delete data in the account'
  if (scope === 'impersonate') return 'Make requests on behalf of end users'
  const [resource, access] = scope.split(':')
  const words = ACCESS_WORDS[access]
  return words && resource ? `${words} ${resource.replace(/_/g, ' ')}` : scope
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1f2937; }
button { font: inherit; padding: 0.5rem 1.25rem; margin-right: 0.5rem; border-radius: 4px; border: 1px solid #1f2937; }
button[value="allow"] { background: #1f2937; color: #fff; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

export interface ConsentPage {
  clientName: string
  subdomain: string
  userName: string
  userEmail: string | null
  scopes: string[]
  /** the authorization request's parameters, posted back with the decision */
  fields: Record<string, string>
}

export function consentPage(consent: ConsentPage): string {
  const heading = `${consent.clientName} wants to access your Zendesk account ${consent.subdomain}`
  const signedIn = consent.userEmail ? `${consent.userName} (${consent.userEmail})` : consent.userName
  const hidden = Object.entries(consent.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n')
  const scopes = consent.scopes.map((scope) => `<li>${escapeHtml(describeScope(scope))}</li>`).join('\n')
  return page(
    `Allow ${consent.clientName}?`,
    `<h1>${escapeHtml(heading)}</h1>
<p>Signed in as ${escapeHtml(signedIn)}. If you allow it, ${escapeHtml(consent.clientName)} will be able to:</p>
<ul>
${scopes}
</ul>
<form method="post" action="/oauth/authorizations">
${hidden}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`
  )
}

export function errorPage(message: string): string {
  return page('Authorization error', `<h1>Authorization error</h1>\n<p>${escapeHtml(message)}</p>`)
}
