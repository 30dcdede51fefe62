// A host that runs the Zendesk destination (CommonJS): one event with onEvent, a batch with onBatch.
const { readFileSync, writeFileSync } = require('node:fs')
const { Destination } = require('@segment/actions-core')
const { createDestination } = require('actions-zendesk')

// The OAuth connection stored when the account was connected: { access_token, refresh_token, clientId, clientSecret }.
const connectionFile = process.env.ZENDESK_CONNECTION_FILE ?? 'zendesk-connection.json'
const connection = JSON.parse(readFileSync(connectionFile, 'utf8'))

// ZENDESK_SIMULATOR: a Zendesk simulator's address, for tests; unset, requests go to https://<subdomain>.zendesk.com.
const definition = createDestination({ origin: process.env.ZENDESK_SIMULATOR })
const destination = new Destination(definition)
const subscriptions = definition.presets.map(({ partnerAction, subscribe, mapping }) => ({
  partnerAction,
  subscribe,
  mapping
}))

// Each call gets settings of its own: actions-core writes renewed tokens into the copy it is given.
const settings = (only = subscriptions) => ({
  subdomain: process.env.ZENDESK_SUBDOMAIN ?? 'acme',
  oauth: { ...connection },
  subscriptions: only
})
const options = {
  // Zendesk rotated the tokens and the old pair is dead: store the new one before anything else uses it.
  onTokenRefresh: async (tokens) => {
    connection.access_token = tokens.accessToken
    if (tokens.refreshToken) connection.refresh_token = tokens.refreshToken
    writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 })
  }
}

// delivered: done. retryable: send the event again later, not before retryAfterSeconds (401: once the account is
// connected again). rejected: never send it again.
function outcome(status, code) {
  if (status < 300) return 'delivered'
  const retryable = code === 'RETRYABLE_ERROR' || status === 401 || status === 408 || status === 429 || status >= 500
  return retryable ? 'retryable' : 'rejected'
}

async function main() {
  const identify = { type: 'identify', userId: '12345', traits: { name: 'Homer Simpson', email: 'homer@example.com' } }
  const single = await destination.onEvent(identify, settings(), options).then(
    () => 'delivered',
    (error) => outcome(error.status ?? 500, error.code)
  )

  // onBatch takes one subscription's events (Segment batches per subscription) and answers each event's result in order.
  const groups = [
    { type: 'group', groupId: 'springfield', traits: { name: 'Springfield' } },
    { type: 'group', groupId: 'shelbyville', traits: { name: 'Shelbyville' } }
  ]
  const upsertOrganization = subscriptions.filter((s) => s.partnerAction === 'upsertOrganization')
  const [{ multistatus }] = await destination.onBatch(groups, settings(upsertOrganization), options)
  const batch = multistatus.map((item) => ({
    outcome: outcome(item.status, item.errortype),
    retryAfterSeconds: item.body?.retryAfterSeconds
  }))

  console.log(JSON.stringify({ single, batch }))
}

main()
