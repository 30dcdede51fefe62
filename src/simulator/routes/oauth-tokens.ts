import type { Sim } from '../context'
import { idParam, json, notFound, type ApiRequest, type Reply } from '../http'
import type { IssuedToken } from '../oauth/tokens'
import { route } from '../router'
import { timestamp } from '../state'

const time = (ms: number | null) => (ms === null ? null : timestamp(new Date(ms)))

/** A token as the OAuth Tokens API shows it: only the first 10 characters of the access token, no refresh token. */
function tokenView(sim: Sim, token: IssuedToken) {
  return {
    id: token.id,
    url: sim.store.apiUrl(`oauth/tokens/${token.id}`),
    user_id: token.userId,
    client_id: sim.oauth.clients.find(token.clientIdentifier)?.id ?? null,
    token: token.accessToken.slice(0, 10),
    scopes: token.scope.split(/\s+/),
    created_at: time(token.createdAt),
    expires_at: time(token.accessExpiresAt),
    refresh_token_expires_at: time(token.refreshExpiresAt),
    used_at: time(token.usedAt)
  }
}

/** The token named by id, or the one the request was authenticated with for `current`. */
function namedToken(req: ApiRequest, sim: Sim): IssuedToken {
  const token = req.params.id === undefined ? req.oauthToken : sim.oauth.tokens.find(idParam(req))
  if (!token) throw notFound()
  return token
}

function show(req: ApiRequest, sim: Sim): Reply {
  return json(200, { token: tokenView(sim, namedToken(req, sim)) })
}

/** Revokes the access token and the refresh token issued with it. */
function revoke(req: ApiRequest, sim: Sim): Reply {
  sim.oauth.tokens.revoke(namedToken(req, sim))
  return { status: 204 }
}

export const oauthTokenRoutes = [
  route('GET', 'oauth/tokens/current', show),
  route('GET', 'oauth/tokens/:id', show),
  route('DELETE', 'oauth/tokens/current', revoke),
  route('DELETE', 'oauth/tokens/:id', revoke)
]
