import type { RefreshAccessTokenResult } from '@segment/actions-core'
import type { Settings } from '../destinations/zendesk/generated-types'
import { normaliseSubdomain } from '../destinations/zendesk/settings/settings'
import { secretsOf } from './redact'

/** actions-core's `settings.oauth`: where a host keeps an OAuth connection for the destination. */
export interface OAuthSettings {
  access_token: string
  refresh_token?: string
  clientId: string
  clientSecret?: string
}

/** The destination settings a host call carries: the subdomain, options, and one credential. */
export type HostSettings = Settings & { oauth?: OAuthSettings }

/** Why no call can go to Zendesk now. */
export interface Blocked {
  reason: string
  /** true: nothing will change until someone connects the account; false: a later try may work by itself */
  untilConnected: boolean
}

/** What the page and `GET /connection` show of an OAuth connection: never a token or a secret. */
export interface ConnectionView {
  kind: 'oauth'
  state: 'connected' | 'not connected' | 'reconnect needed'
  /** https://<subdomain>.zendesk.com */
  account: string
  clientId: string
  /** confidential clients have a secret (set in the environment) and can connect with client credentials */
  clientKind: 'public' | 'confidential'
  /** how the connection was made: someone's consent on Zendesk's page, or the client's own credentials */
  grant?: 'authorization_code' | 'client_credentials'
  connectedBy?: { name?: string; email?: string }
  connectedAt?: string
  expiresAt?: string
  refreshTokenExpiresAt?: string
  lastRefreshAt?: string
  nextRefreshAt?: string
  /** where the connection is kept (its file, or the database the hosts share), or why in memory only */
  storedIn: string
  /** what went wrong last (a refused refresh, a file that could not be written, a Deny on the consent page) */
  problem?: string
}

/** A legacy credential from the environment: an API token or a pasted OAuth token, used as it is. */
export interface LegacyView {
  kind: 'legacy'
  state: 'connected'
  account: string
  credential: 'API token' | 'OAuth token'
  note: string
}

export type AccountView = ConnectionView | LegacyView

/**
 * The Zendesk account a host sends to and how it is authorised at the moment of each call: an OAuth connection that
 * renews itself, or a legacy credential that never changes.
 */
export interface HostAccount {
  /** The settings for the next call, a copy of its own (actions-core writes renewed tokens into the copy it gets). */
  settings(): HostSettings
  /** Why no call can be made now, or undefined. */
  blocked(): Promise<Blocked | undefined>
  /** actions-core's onTokenRefresh: resolves once the renewed connection is stored, rejects when it could not be. */
  onTokenRefresh?(tokens: RefreshAccessTokenResult): Promise<void>
  /** A call's renewal that Zendesk refused: the connection that call used is gone until someone connects again. */
  renewalRefused?(used: HostSettings, error: unknown): void
  /** Every secret this account has held in this run, to keep out of answers and log lines. */
  secrets(): string[]
  view(): AccountView
}

const LEGACY_NOTES = {
  'API token':
    'Zendesk issues no new API tokens since 2026-10-27 and ends every API token on 2027-04-30: connect the account with an OAuth client instead (README: Connect your Zendesk account).',
  'OAuth token':
    'A pasted OAuth token is used as it is and never renewed (tokens of OAuth clients made since 2026-04-30 expire after 30 minutes): connect the account with an OAuth client instead (README: Connect your Zendesk account).'
}

/** A legacy credential from ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN. */
export function legacyAccount(settings: Settings): HostAccount {
  const credential = settings.oauth_token ? 'OAuth token' : 'API token'
  return {
    settings: () => ({ ...settings }),
    blocked: async () => undefined,
    secrets: () => secretsOf(settings),
    view: () => ({
      kind: 'legacy',
      state: 'connected',
      account: `https://${normaliseSubdomain(settings.subdomain)}.zendesk.com`,
      credential,
      note: LEGACY_NOTES[credential]
    })
  }
}
