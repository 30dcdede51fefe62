import { OAuthError } from './errors'
import type { SimulatorOAuthClient } from './types'

/** A client as the account holds it: `id` is its resource id (the `client_id` of token records). */
export interface RegisteredClient extends SimulatorOAuthClient {
  id: number
  name: string
}

const FIRST_CLIENT_ID = 9100000001

const unknownClient = () =>
  new OAuthError('invalid_client', 'Client authentication failed: unknown client, or a missing or wrong client secret.')

/** Zendesk's rule for redirect URLs: absolute, https unless the host is localhost or 127.0.0.1. */
function checkRedirectUri(uri: string): void {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw new Error(`OAuth client redirect URL is not an absolute URL: ${uri}`)
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new Error(`OAuth client redirect URL must be https (or http on localhost / 127.0.0.1): ${uri}`)
  }
}

function checkClient(client: SimulatorOAuthClient): void {
  if (!client.identifier) throw new Error('An OAuth client needs an identifier')
  if (client.kind === 'confidential' && !client.secret) {
    throw new Error(`OAuth client ${client.identifier}: a confidential client needs a secret`)
  }
  if (client.kind === 'public' && client.secret !== undefined) {
    throw new Error(`OAuth client ${client.identifier}: a public client has no secret`)
  }
  client.redirectUris.forEach(checkRedirectUri)
}

/** The account's OAuth clients, by identifier. */
export class ClientRegistry {
  private readonly clients = new Map<string, RegisteredClient>()
  private lastId = FIRST_CLIENT_ID - 1

  /** Registers a client, replacing (under the same resource id) the one with its identifier. */
  add(client: SimulatorOAuthClient): RegisteredClient {
    checkClient(client)
    const id = this.clients.get(client.identifier)?.id ?? ++this.lastId
    const registered = { ...client, redirectUris: [...client.redirectUris], id, name: client.name ?? client.identifier }
    this.clients.set(client.identifier, registered)
    return registered
  }

  find(identifier: unknown): RegisteredClient | undefined {
    return typeof identifier === 'string' ? this.clients.get(identifier) : undefined
  }

  /** The client of a token request: known, and with its secret when it is confidential (else invalid_client). */
  authenticate(identifier: unknown, secret: unknown): RegisteredClient {
    const client = this.find(identifier)
    if (!client) throw unknownClient()
    if (client.kind === 'confidential' && secret !== client.secret) throw unknownClient()
    return client
  }
}
