import {
  SIMULATOR_API_TOKEN,
  SIMULATOR_OAUTH_CLIENT,
  SIMULATOR_SUBDOMAIN,
  startSimulator,
  type RunningSimulator
} from '../../src/simulator'

/** What every simulator accepts unless told otherwise: the credentials `actions-zendesk/simulator` publishes. */
describe('the published credentials', () => {
  let simulator: RunningSimulator
  afterEach(() => simulator.close())

  const tokenRequest = (clientSecret: string) =>
    fetch(`${simulator.url}/oauth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: SIMULATOR_OAUTH_CLIENT.clientId,
        client_secret: clientSecret,
        scope: 'read write'
      })
    })
  const me = (authorization: string) =>
    fetch(`${simulator.url}/api/v2/users/me.json`, { headers: { Authorization: authorization } }).then((res) =>
      res.json()
    )

  test('the OAuth client grants a token by client credentials, for the account’s admin', async () => {
    simulator = await startSimulator({ account: 'default' })
    const answer = await tokenRequest(SIMULATOR_OAUTH_CLIENT.clientSecret)
    expect(answer.status).toBe(200)
    const { access_token } = await answer.json()
    expect((await me(`Bearer ${access_token}`)).user).toMatchObject({ email: SIMULATOR_API_TOKEN.email, role: 'admin' })
    expect((await tokenRequest('wrong')).status).toBe(401)
  })

  test('the legacy API token authenticates, on the account acme', async () => {
    simulator = await startSimulator({ account: 'default' })
    const basic = Buffer.from(`${SIMULATOR_API_TOKEN.email}/token:${SIMULATOR_API_TOKEN.api_token}`).toString('base64')
    const { user } = await me(`Basic ${basic}`)
    expect(user.url).toBe(`https://${SIMULATOR_SUBDOMAIN}.zendesk.com/api/v2/users/${user.id}.json`)
  })

  test('the client is there beside the clients a test gives, and one of them may take its identifier', async () => {
    simulator = await startSimulator({
      account: 'default',
      oauthClients: [{ identifier: 'app', kind: 'public', redirectUris: [] }]
    })
    expect((await tokenRequest(SIMULATOR_OAUTH_CLIENT.clientSecret)).status).toBe(200)
    await simulator.close()

    simulator = await startSimulator({
      account: 'default',
      oauthClients: [
        {
          identifier: SIMULATOR_OAUTH_CLIENT.clientId,
          kind: 'confidential',
          secret: 'sim-client-secret-1',
          redirectUris: []
        }
      ]
    })
    expect((await tokenRequest(SIMULATOR_OAUTH_CLIENT.clientSecret)).status).toBe(401)
    expect((await tokenRequest('sim-client-secret-1')).status).toBe(200)
  })
})
