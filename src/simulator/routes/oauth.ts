import { variantsOf, type Sim } from '../context'
import { json, type Reply } from '../http'
import {
  AUTHORIZATION_FIELDS,
  checkAuthorization,
  redirectWith,
  type AuthorizationParams
} from '../oauth/authorization'
import { consentPage, errorPage } from '../oauth/consent-page'
import { invalidRequest, OAuthError } from '../oauth/errors'
import { grantToken, type TokenParams } from '../oauth/grants'

/** Token answers must not be cached (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }

/** The parameters whose values are credentials: recorded as '[redacted]', never echoed. */
const SECRET_PARAMS = ['client_secret', 'code', 'code_verifier', 'refresh_token']

/** A JSON or form-encoded body's parameters; undefined when it is neither. */
function bodyParams(raw: string, contentType: string | undefined): TokenParams | undefined {
  if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw))
  }
  if (raw.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(raw)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as TokenParams) : undefined
  } catch {
    return undefined
  }
}

/**
 * An /oauth request's parameters (a GET's query, a POST's body; undefined when the body could not be read) and
 * what the request record keeps of its body: the parameters with every secret redacted.
 */
export function readOAuthRequest(
  method: string,
  url: URL,
  raw: string,
  contentType: string | undefined
): { params: TokenParams | undefined; recorded: TokenParams | undefined } {
  if (method === 'GET') return { params: Object.fromEntries(url.searchParams), recorded: undefined }
  const params = bodyParams(raw, contentType)
  const recorded =
    params &&
    Object.fromEntries(
      Object.entries(params).map(([name, value]) => [name, SECRET_PARAMS.includes(name) ? '[redacted]' : value])
    )
  return { params, recorded }
}

const htmlPage = (status: number, html: string): Reply => ({ status, html })
const redirect = (location: string): Reply => ({ status: 302, headers: { Location: location } })

/** The authorization request's fields among the parameters (those that are strings). */
function authorizationParams(params: TokenParams): AuthorizationParams {
  return Object.fromEntries(
    AUTHORIZATION_FIELDS.map((name) => [name, params[name]]).filter(([, v]) => typeof v === 'string')
  )
}

/** The consent page for the admin (the simulated account's only person who signs in). */
function askConsent(sim: Sim, params: AuthorizationParams): Reply {
  const checked = checkAuthorization(sim.oauth.clients, params)
  if ('errorPage' in checked) return htmlPage(400, errorPage(checked.errorPage))
  if ('redirect' in checked) return redirect(checked.redirect)
  const admin = sim.store.users.get(sim.store.agentId)
  const fields = Object.fromEntries(
    AUTHORIZATION_FIELDS.flatMap((name) => (params[name] ? [[name, params[name]]] : []))
  )
  const page = consentPage({
    clientName: checked.ok.client.name,
    subdomain: sim.settings.subdomain,
    userName: admin?.name ?? 'Admin',
    userEmail: admin?.email ?? null,
    scopes: checked.ok.scope.split(/\s+/),
    fields
  })
  return htmlPage(200, page)
}

/** Allow: back to the client with a code (bound to it, its redirect URL and challenge). Deny: access_denied. */
function decide(sim: Sim, params: AuthorizationParams & { decision?: string }): Reply {
  const checked = checkAuthorization(sim.oauth.clients, params)
  if ('errorPage' in checked) return htmlPage(400, errorPage(checked.errorPage))
  if ('redirect' in checked) return redirect(checked.redirect)
  const { client, redirectUri, scope, state, codeChallenge } = checked.ok
  if (params.decision === 'deny') {
    const refused = { error: 'access_denied', error_description: 'The user denied the authorization request.' }
    return redirect(redirectWith(redirectUri, refused, state))
  }
  if (params.decision !== 'allow') return htmlPage(400, errorPage('Choose Allow or Deny.'))
  const userId = sim.store.agentId
  const code = sim.oauth.codes.issue({ clientIdentifier: client.identifier, redirectUri, scope, codeChallenge, userId })
  return redirect(redirectWith(redirectUri, { code }, state))
}

function token(sim: Sim, params: TokenParams | undefined): Reply {
  try {
    if (!params) throw invalidRequest('The body must be JSON or application/x-www-form-urlencoded')
    const answer = grantToken(sim.oauth, params, sim.store.agentId)
    return json(variantsOf(sim).tokenAnswerStatus, answer, NO_STORE)
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err
    return json(err.status, { error: err.code, error_description: err.description }, NO_STORE)
  }
}

/**
 * The account's OAuth endpoints outside /api/v2: the consent page, its decision, and the token endpoint.
 * `params`: the query of a GET, the body of a POST (undefined when it could not be read). Undefined: no such route.
 */
export function oauthReply(
  sim: Sim,
  method: string,
  pathname: string,
  params: TokenParams | undefined
): Reply | undefined {
  const path = pathname.replace(/\.json$/, '').replace(/\/$/, '')
  if (method === 'GET' && path === '/oauth/authorizations/new')
    return askConsent(sim, authorizationParams(params ?? {}))
  if (method === 'POST' && path === '/oauth/authorizations') {
    const decision = typeof params?.decision === 'string' ? params.decision : undefined
    return decide(sim, { ...authorizationParams(params ?? {}), decision })
  }
  if (method === 'POST' && path === '/oauth/tokens') return token(sim, params)
  return undefined
}
