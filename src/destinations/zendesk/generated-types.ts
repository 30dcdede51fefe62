// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Settings {
  /**
   * Your Zendesk subdomain: "acme" for https://acme.zendesk.com. A pasted acme.zendesk.com address is accepted too.
   */
  subdomain: string
  /**
   * The email of the Zendesk agent (an admin) whose API token you use. Leave empty with an OAuth token.
   */
  email?: string
  /**
   * A Zendesk API token (Admin Center › Apps and integrations › Zendesk API). Used with Email.
   */
  api_token?: string
  /**
   * Instead of Email and API Token: a Zendesk OAuth access token with read and write scopes.
   */
  oauth_token?: string
  /**
   * Zendesk sends no verification email to users this destination creates. Default: off.
   */
  skip_verify_email?: boolean
  /**
   * Users are created with their email already verified (use when you verified it yourself). Default: off.
   */
  create_users_as_verified?: boolean
}
