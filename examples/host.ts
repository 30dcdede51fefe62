// A host that runs the Zendesk destination (TypeScript, compiled to CommonJS): one event, then a batch.
import { readFileSync, writeFileSync } from 'node:fs'
import { Destination, type JSONObject } from '@segment/actions-core'
import {
  createDestination,
  type DestinationOptions,
  type Settings,
  type UpsertOrganizationPayload,
  type ZendeskTokens
} from 'actions-zendesk'

/** The OAuth connection the host keeps (actions-core's `settings.oauth`). */
type Connection = { access_token: string; refresh_token: string; clientId: string; clientSecret: string }
type Outcome = 'delivered' | 'retryable' | 'rejected'

const connectionFile = process.env.ZENDESK_CONNECTION_FILE ?? 'zendesk-connection.json'
const connection: Connection = JSON.parse(readFileSync(connectionFile, 'utf8'))

const destinationOptions: DestinationOptions = { origin: process.env.ZENDESK_SIMULATOR }
const definition = createDestination(destinationOptions)
const destination = new Destination(definition)
// Presets of type 'automatic' are subscriptions; the mapping is optional in actions-core's type.
const subscriptions = (definition.presets ?? []).flatMap((preset) =>
  preset.type === 'automatic'
    ? [{ partnerAction: preset.partnerAction, subscribe: preset.subscribe, mapping: preset.mapping ?? {} }]
    : []
)

// `satisfies` checks the destination's settings and keeps a type actions-core's JSONObject accepts.
const account = { subdomain: process.env.ZENDESK_SUBDOMAIN ?? 'acme' } satisfies Settings
const settings = (only = subscriptions): JSONObject => ({ ...account, oauth: { ...connection }, subscriptions: only })
const options = {
  onTokenRefresh: async (tokens: ZendeskTokens): Promise<void> => {
    connection.access_token = tokens.accessToken
    if (tokens.refreshToken) connection.refresh_token = tokens.refreshToken
    writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 })
  }
}

function outcome(status: number, code?: string): Outcome {
  if (status < 300) return 'delivered'
  const retryable = code === 'RETRYABLE_ERROR' || status === 401 || status === 408 || status === 429 || status >= 500
  return retryable ? 'retryable' : 'rejected'
}

async function main(): Promise<void> {
  const identify = {
    type: 'identify' as const,
    userId: '12345',
    traits: { name: 'Homer Simpson', email: 'homer@example.com' }
  }
  const single = await destination.onEvent(identify, settings(), options).then(
    (): Outcome => 'delivered',
    (error: { status?: number; code?: string }) => outcome(error.status ?? 500, error.code)
  )

  const groups = [
    { type: 'group' as const, groupId: 'springfield', traits: { name: 'Springfield' } },
    { type: 'group' as const, groupId: 'shelbyville', traits: { name: 'Shelbyville' } }
  ]
  const upsertOrganization = subscriptions.filter((s) => s.partnerAction === 'upsertOrganization')
  const [result] = await destination.onBatch(groups, settings(upsertOrganization), options)
  const batch = (result.multistatus ?? []).map((item) => ({
    // What the action made of the event: its payload type.
    externalId: (item.sent as UpsertOrganizationPayload | undefined)?.external_id,
    outcome: outcome(item.status, 'errortype' in item ? item.errortype : undefined)
  }))

  console.log(JSON.stringify({ single, batch }))
}

main()
