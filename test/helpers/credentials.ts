import { SIMULATOR_OAUTH_CLIENT } from '../../src/simulator/host-credentials'
import { issuedCredentialsIn } from '../../src/simulator/oauth/credentials'

/**
 * Every fake credential the test suite uses (all short, none real), and the forms they travel in. No console
 * line, error, result, snapshot or local-host answer may contain any of them; the credential guard
 * (test/setup/credential-guard.ts) and test/reliability/no-credentials.test.ts check that.
 */
export const FAKE_API_TOKENS = [
  'test-token',
  'sekrit-tok-1',
  'secret-tok-1',
  'secret-tok-3',
  'wrong-token',
  'nope',
  'leak-api-7q',
  'leak-api-8w'
] as const

export const FAKE_OAUTH_TOKENS = [
  'sekrit-oauth-2',
  'oauth-tok',
  'oauth-abc',
  'leak-oauth-9z',
  'token-before',
  'token-after'
] as const

/** Refresh tokens and OAuth client secrets of the tests' connections: as secret as the tokens. */
export const FAKE_REFRESH_TOKENS = ['refresh-tok-1', 'leak-refresh-4k'] as const
/**
 * OAuth client secrets: the tests' own, those of the simulated account's confidential clients, and the one every
 * simulator accepts (published for hosts' tests, but a client secret all the same).
 */
export const FAKE_CLIENT_SECRETS = [
  'client-secret-1',
  'leak-secret-5m',
  'sim-client-secret-1',
  'sim-client-secret-2',
  'sim-client-secret-wrong',
  SIMULATOR_OAUTH_CLIENT.clientSecret
] as const

/** Passwords in a DATABASE_URL (the local host's database). */
export const FAKE_DATABASE_PASSWORDS = ['db-password-7q'] as const

/** The agent email every fake API token is paired with. */
export const AGENT_EMAIL = 'agent@example.com'

/** What an API token becomes in a Basic Authorization header: base64("<email>/token:<api_token>"). */
export const basicCredential = (apiToken: string, email = AGENT_EMAIL): string =>
  Buffer.from(`${email}/token:${apiToken}`).toString('base64')

/** The values that must never be shown: each token and secret, and each API token's Basic form. */
export const FAKE_CREDENTIALS: readonly string[] = [
  ...FAKE_API_TOKENS,
  ...FAKE_OAUTH_TOKENS,
  ...FAKE_REFRESH_TOKENS,
  ...FAKE_CLIENT_SECRETS,
  ...FAKE_DATABASE_PASSWORDS,
  ...FAKE_API_TOKENS.map((token) => basicCredential(token))
]

/**
 * The credentials that occur in `text`: the listed ones, and any access token, refresh token or authorization
 * code a simulator issued (they are random, but shaped so that they can be found).
 */
export function credentialsIn(text: string, credentials: readonly string[] = FAKE_CREDENTIALS): string[] {
  return [...credentials.filter((credential) => text.includes(credential)), ...issuedCredentialsIn(text)]
}

/** `text` with every credential replaced, so a leak can be reported without repeating it. */
export function redactCredentials(text: string, credentials: readonly string[] = FAKE_CREDENTIALS): string {
  return credentialsIn(text, credentials).reduce(
    (result, credential) => result.split(credential).join('[credential]'),
    text
  )
}
