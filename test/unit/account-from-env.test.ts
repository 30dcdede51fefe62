import { accountFromEnv, TargetError } from '../../src/cli/target'

describe('the account the ZENDESK_* variables name', () => {
  test('none: the embedded simulator', () => {
    expect(accountFromEnv({})).toBeUndefined()
    expect(accountFromEnv({ ZENDESK_SUBDOMAIN: ' ', ZENDESK_CONNECTION_FILE: '/tmp/x.json' })).toBeUndefined()
  })

  test('an OAuth client: public, or confidential with its secret', () => {
    expect(accountFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_CLIENT_ID: 'actions-zendesk' })).toEqual({
      kind: 'oauth',
      subdomain: 'acme',
      client: { id: 'actions-zendesk' }
    })
    expect(
      accountFromEnv({
        ZENDESK_SUBDOMAIN: 'acme',
        ZENDESK_CLIENT_ID: 'server',
        ZENDESK_CLIENT_SECRET: 'sim-client-secret-1'
      })
    ).toEqual({ kind: 'oauth', subdomain: 'acme', client: { id: 'server', secret: 'sim-client-secret-1' } })
  })

  test('the legacy credentials still work', () => {
    expect(
      accountFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'agent@example.com', ZENDESK_API_TOKEN: 'test-token' })
    ).toEqual({ kind: 'legacy', settings: { subdomain: 'acme', email: 'agent@example.com', api_token: 'test-token' } })
    expect(accountFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_OAUTH_TOKEN: 'oauth-tok' })).toEqual({
      kind: 'legacy',
      settings: { subdomain: 'acme', oauth_token: 'oauth-tok' }
    })
  })

  test.each([
    [{ ZENDESK_CLIENT_ID: 'actions-zendesk' }, /ZENDESK_SUBDOMAIN is not/],
    [{ ZENDESK_SUBDOMAIN: 'acme' }, /credentials are incomplete/],
    [{ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_CLIENT_SECRET: 'sim-client-secret-1' }, /CLIENT_SECRET is set without/],
    [{ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_CLIENT_ID: 'a', ZENDESK_API_TOKEN: 'test-token' }, /not both/],
    [{ ZENDESK_SUBDOMAIN: 'not a subdomain!', ZENDESK_CLIENT_ID: 'a' }, /ZENDESK_SUBDOMAIN: Subdomain/]
  ])('a partial or mixed set is refused: %j', (env, message) => {
    expect(() => accountFromEnv(env)).toThrow(TargetError)
    expect(() => accountFromEnv(env)).toThrow(message)
  })

  test('a refusal never shows a secret', () => {
    const env = { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_CLIENT_SECRET: 'sim-client-secret-1' }
    expect(() => accountFromEnv(env)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sim-client-secret-1') })
    )
  })
})
