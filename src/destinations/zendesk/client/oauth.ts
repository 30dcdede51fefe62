import { InvalidAuthenticationError } from '@segment/actions-core'
import { z } from 'zod'
import { ErrorCodes } from '@segment/actions-core'
import { refusalOf, statusOf } from './errors'
import type { ZendeskHttp } from './http'

/** The grants this destination asks Zendesk's token endpoint for (`POST /oauth/tokens`). */
export type TokenGrant =
  | { grant_type: 'refresh_token'; refresh_token: string; client_id: string; client_secret?: string }
  | { grant_type: 'client_credentials'; client_id: string; client_secret: string; scope: string }
  | {
      grant_type: 'authorization_code'
      code: string
      client_id: string
      client_secret?: string
      code_verifier: string
      redirect_uri: string
    }

/**
 * What a grant gave: actions-core's `RefreshAccessTokenResult` (the new access token and, with a refresh token
 * grant, the rotated refresh token the host must store), plus when each expires, for a host that refreshes ahead.
 */
export interface ZendeskTokens {
  accessToken: string
  refreshToken?: string
  /** ISO time; absent when Zendesk gave the token no lifetime (older clients' tokens never expire). */
  expiresAt?: string
  refreshTokenExpiresAt?: string
  scope?: string
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  token_type: z.string().regex(/^bearer$/i),
  scope: z.string().nullish(),
  expires_in: z.number().positive().nullish(),
  refresh_token_expires_in: z.number().positive().nullish()
})

const currentTokenAnswer = z.object({ token: z.object({ id: z.number().int().positive() }) })

/** Zendesk's refusals of a grant (RFC 6749 §5.2): the connection cannot be renewed, only made again. */
const REFUSED_GRANT_STATUSES = new Set([400, 401, 403, 404])

export const RECONNECT_HINT = 'Reconnect the Zendesk account (Connect Zendesk) to continue.'

/** Zendesk's OAuth token endpoint and the current token's revocation, on one account's origin. */
export class OAuthApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly now: () => number
  ) {}

  /**
   * `POST /oauth/tokens` with no Authorization header. A refusal (revoked, expired or rotated-away refresh token,
   * wrong client) is an authentication error that says to reconnect; a token endpoint that is down, or answers
   * anything but a token, is retryable.
   */
  async grant(grant: TokenGrant): Promise<ZendeskTokens> {
    let answer: z.infer<typeof tokenAnswer>
    try {
      answer = (await this.http.post('/oauth/tokens', 'a Zendesk OAuth token', tokenAnswer, grant)).body
    } catch (error) {
      if (!REFUSED_GRANT_STATUSES.has(statusOf(error))) throw error
      const reason = refusalOf(error)?.error
      const refused =
        grant.grant_type === 'authorization_code'
          ? 'Zendesk refused to connect the account'
          : 'Zendesk refused to renew the connection: its refresh token or client is no longer valid'
      throw new InvalidAuthenticationError(
        `${refused}${reason ? ` (${reason})` : ''}. ${RECONNECT_HINT}`,
        ErrorCodes.OAUTH_REFRESH_FAILED
      )
    }
    const issuedAt = this.now()
    const inSeconds = (seconds: number | null | undefined) =>
      seconds ? new Date(issuedAt + seconds * 1000).toISOString() : undefined
    const tokens: ZendeskTokens = { accessToken: answer.access_token }
    if (answer.refresh_token) tokens.refreshToken = answer.refresh_token
    const expiresAt = inSeconds(answer.expires_in)
    if (expiresAt) tokens.expiresAt = expiresAt
    const refreshTokenExpiresAt = inSeconds(answer.refresh_token_expires_in)
    if (refreshTokenExpiresAt) tokens.refreshTokenExpiresAt = refreshTokenExpiresAt
    if (answer.scope) tokens.scope = answer.scope
    return tokens
  }

  /** Revokes the token this client authenticates with: `GET oauth/tokens/current`, then `DELETE oauth/tokens/{id}`. */
  async revokeCurrent(): Promise<void> {
    const { body } = await this.http.get('oauth/tokens/current', 'the current OAuth token', currentTokenAnswer)
    await this.http.delete(`oauth/tokens/${body.token.id}`, 'the current OAuth token')
  }
}
