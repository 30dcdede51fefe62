// A host's own tests against the Zendesk simulator the package ships (run: node --test).
const test = require('node:test')
const assert = require('node:assert/strict')
const { Destination } = require('@segment/actions-core')
const { createDestination, zendeskOAuth } = require('actions-zendesk')
const { startSimulator, SIMULATOR_OAUTH_CLIENT, SIMULATOR_SUBDOMAIN } = require('actions-zendesk/simulator')

const homer = { type: 'identify', userId: '12345', traits: { name: 'Homer Simpson', email: 'homer@example.com' } }

test('the host delivers an identify to Zendesk, and retries a rate-limited one', async (t) => {
  const simulator = await startSimulator()
  t.after(() => simulator.close())
  // The simulator's published OAuth client: client credentials give a token, as with a real account's client.
  const tokens = await zendeskOAuth({ origin: simulator.url }).clientCredentials({
    subdomain: SIMULATOR_SUBDOMAIN,
    ...SIMULATOR_OAUTH_CLIENT
  })
  const definition = createDestination({ origin: simulator.url })
  const destination = new Destination(definition)
  const settings = () => ({
    subdomain: SIMULATOR_SUBDOMAIN,
    oauth: { ...SIMULATOR_OAUTH_CLIENT, access_token: tokens.accessToken },
    subscriptions: definition.presets.filter((preset) => preset.partnerAction === 'upsertUser')
  })

  await destination.onEvent(homer, settings())
  assert.equal(simulator.state().users.find((user) => user.external_id === '12345').name, 'Homer Simpson')

  // Zendesk answers 429 once: the event is retryable, with the wait Zendesk asked for.
  simulator.setFaults({ rateLimit: { count: 1, retryAfter: 7 } })
  const error = await destination.onEvent(homer, settings()).catch((thrown) => thrown)
  assert.equal(error.code, 'RETRYABLE_ERROR')
  assert.equal(error.retryAfterSeconds, 7)
})
