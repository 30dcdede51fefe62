/**
 * What every simulator accepts unless its options say otherwise. They are fixed and published with the package
 * (`actions-zendesk/simulator`) so that a host's tests, or a host pointed at `npm start`'s simulator, can connect;
 * they open nothing but a simulator on this machine.
 */

/** The simulated account: https://acme.zendesk.com in the records' URLs. */
export const SIMULATOR_SUBDOMAIN = 'acme'

/**
 * The account's confidential OAuth client, under the keys a host keeps in `settings.oauth`: the client credentials
 * grant (`zendeskOAuth(...).clientCredentials`) gives a host its tokens, and renews them after a 401.
 */
export const SIMULATOR_OAUTH_CLIENT = { clientId: 'actions-zendesk-host', clientSecret: 'simulator-client-secret' }

/** Legacy: the admin's email and API token, under the keys of the destination's settings. */
export const SIMULATOR_API_TOKEN = { email: 'agent@example.com', api_token: 'test-token' }
