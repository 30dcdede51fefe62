// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.

export interface Settings {
  /**
   * Your Zendesk subdomain: "acme" for https://acme.zendesk.com. A pasted acme.zendesk.com address is accepted too.
   */
  subdomain: string
  /**
   * Legacy, with API Token: the email of the Zendesk agent (an admin) whose API token you use. Leave empty when the account is connected.
   */
  email?: string
  /**
   * Legacy: a Zendesk API token, used with Email. Zendesk issues no new API tokens since 2026-10-27 and ends them all on 2027-04-30: connect the account instead.
   */
  api_token?: string
  /**
   * Legacy: a pasted Zendesk OAuth access token, used as it is and never renewed (tokens of OAuth clients made since 2026-04-30 expire in 30 minutes): connect the account instead.
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
