/** `public` clients cannot keep a secret and must use PKCE; `confidential` ones authenticate with their secret. */
export type OAuthClientKind = 'public' | 'confidential'

/** An OAuth client of the simulated account, as an admin creates it in Admin Center (APIs › OAuth clients). */
export interface SimulatorOAuthClient {
  /** the client's unique identifier: `client_id` in OAuth requests */
  identifier: string
  /** shown on the consent page; default the identifier */
  name?: string
  kind: OAuthClientKind
  /** confidential clients only */
  secret?: string
  /** where the consent page may send people back to (compared exactly): https, or http on localhost / 127.0.0.1 */
  redirectUris: string[]
  /** seconds an access token lives; null: it never expires (as older clients' tokens do). Default 1800 */
  accessTokenLifetimeSeconds?: number | null
  /** seconds a refresh token lives; null: it never expires. Default 2,592,000 (30 days) */
  refreshTokenLifetimeSeconds?: number | null
}

/** What `POST /oauth/tokens` answers when it grants a token. */
export interface OAuthTokenAnswer {
  access_token: string
  token_type: 'bearer'
  /** space-separated, e.g. "read write" */
  scope: string
  /** absent for client credentials */
  refresh_token?: string
  /** seconds; absent when the access token never expires */
  expires_in?: number
  /** seconds; absent when there is no refresh token or it never expires */
  refresh_token_expires_in?: number
}

export interface OAuthIssueOptions {
  /** default 'read write' */
  scope?: string
  /** seconds, within Zendesk's range (300 to 172,800); default the client's lifetime */
  expiresIn?: number
  /** seconds, within Zendesk's range (7 to 90 days); default the client's lifetime */
  refreshTokenExpiresIn?: number
}
