import { randomBytes } from 'crypto'
import {
  Destination,
  type DestinationDefinition,
  type OAuth2Authentication,
  type OAuth2ClientCredentials
} from '@segment/actions-core'
import type { Settings } from '../destinations/zendesk/generated-types'
import { normaliseSubdomain } from '../destinations/zendesk/settings/settings'
import { createDestination, zendeskOAuth, type DestinationOptions, type ZendeskTokens } from '../destinations/zendesk'
import { Caches } from '../destinations/zendesk/client/caches'
import { SIMULATOR_SUBDOMAIN, startSimulator, type RunningSimulator } from '../simulator'
import { ConnectionFile, defaultConnectionFile } from './connection-file'
import { adoptConnectionFile, ConnectionDatabase } from './connection-database'
import { ZendeskConnection, type OAuthClient } from './connection'
import { legacyAccount, type HostAccount, type HostSettings, type OAuthSettings } from './host-account'
import { systemTimers, type Timers } from './timers'

/** Where the destination's requests go: the embedded simulator, or a Zendesk account. */
export interface Target {
  kind: 'simulator' | 'zendesk'
  /** the destination definition bound to this target: the production one, or one sending to a simulator */
  definition: DestinationDefinition<Settings>
  /** how the host's calls are authorised: an OAuth connection, or a legacy credential */
  account: HostAccount
  /** the OAuth connection, unless the host uses a legacy credential */
  connection?: ZendeskConnection
  simulator?: RunningSimulator
  /**
   * empties the simulator and what the destination remembers of it (every cached id is stale after a reset); the
   * reset revokes every token, so the host renews its connection as it resolves
   */
  resetSimulator?: () => Promise<void>
  /** one line for people, without any credential */
  description: string
  close(): Promise<void>
}

export interface TargetOptions {
  env: NodeJS.ProcessEnv
  /** the local host's address, for the OAuth redirect URL `<hostUrl>/oauth/callback`; none for replay */
  hostUrl?: string
  /** the embedded simulator's port (default 0: a free one); refused when the variables name an account */
  simulatorPort?: number
  /** where the connection to a Zendesk account is kept (default: ZENDESK_CONNECTION_FILE, else under ~/.config) */
  connectionFile?: string
  /**
   * a PostgreSQL database shared by every host on it: it keeps the connection to a Zendesk account instead of the
   * file (a connection file found at start is moved in), and the destination shares Zendesk's limits there
   */
  databaseUrl?: string
  /**
   * A loopback Zendesk the caller runs (a simulator) instead of https://<subdomain>.zendesk.com, for the account
   * the ZENDESK_* variables name: tests restart the host against one simulated account.
   */
  zendeskOrigin?: string
  timers?: Timers
  log(line: string): void
}

export class TargetError extends Error {}

export const ZENDESK_ENV_VARS = [
  'ZENDESK_SUBDOMAIN',
  'ZENDESK_CLIENT_ID',
  'ZENDESK_CLIENT_SECRET',
  'ZENDESK_EMAIL',
  'ZENDESK_API_TOKEN',
  'ZENDESK_OAUTH_TOKEN'
] as const

/** The simulated account's OAuth clients: the host's own (client credentials at start) and Connect Zendesk's. */
const SIMULATOR_HOST_CLIENT = 'actions-zendesk-local-host'
const SIMULATOR_CONNECT_CLIENT = 'actions-zendesk-connect'

/** The simulator completes bulk jobs after a few polls; short waits keep the local runtime snappy. */
const SIMULATOR_JOB_POLLING = { firstWaitMs: 10, maxWaitMs: 100, budgetMs: 10_000 }

const present = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined)

/** The account the ZENDESK_* variables name, and how the host is to reach it. */
export type AccountFromEnv =
  { kind: 'oauth'; subdomain: string; client: OAuthClient } | { kind: 'legacy'; settings: Settings }

/**
 * The account from ZENDESK_* variables, or undefined when none is set. A partial set (a subdomain without a client
 * or credential, a client without a subdomain) is an error rather than a silent fallback to the simulator, so
 * nobody believes they are writing to their account when they are not.
 */
export function accountFromEnv(env: NodeJS.ProcessEnv): AccountFromEnv | undefined {
  const [subdomain, clientId, clientSecret, email, apiToken, oauthToken] = ZENDESK_ENV_VARS.map((name) =>
    present(env[name])
  )
  if (![subdomain, clientId, clientSecret, email, apiToken, oauthToken].some(Boolean)) return undefined
  const hint =
    'Set ZENDESK_SUBDOMAIN with ZENDESK_CLIENT_ID (and ZENDESK_CLIENT_SECRET for a confidential OAuth client); the legacy ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN still work.'
  if (!subdomain) throw new TargetError(`Zendesk variables are set but ZENDESK_SUBDOMAIN is not. ${hint}`)
  try {
    normaliseSubdomain(subdomain)
  } catch (error) {
    throw new TargetError(`ZENDESK_SUBDOMAIN: ${(error as Error).message}`)
  }
  const legacy = email || apiToken || oauthToken
  if (clientSecret && !clientId)
    throw new TargetError(`ZENDESK_CLIENT_SECRET is set without ZENDESK_CLIENT_ID. ${hint}`)
  if (clientId && legacy) {
    throw new TargetError(
      'Set either ZENDESK_CLIENT_ID (an OAuth connection) or a legacy credential (ZENDESK_EMAIL + ZENDESK_API_TOKEN, ZENDESK_OAUTH_TOKEN), not both.'
    )
  }
  if (clientId)
    return { kind: 'oauth', subdomain, client: { id: clientId, ...(clientSecret && { secret: clientSecret }) } }
  if (oauthToken && (email || apiToken)) {
    throw new TargetError(`Set either ZENDESK_OAUTH_TOKEN or ZENDESK_EMAIL + ZENDESK_API_TOKEN, not both.`)
  }
  if (!oauthToken && !(email && apiToken)) {
    throw new TargetError(`ZENDESK_SUBDOMAIN is set but the credentials are incomplete. ${hint}`)
  }
  return {
    kind: 'legacy',
    settings: oauthToken ? { subdomain, oauth_token: oauthToken } : { subdomain, email, api_token: apiToken }
  }
}

/** actions-core's view of the connection in `settings.oauth`. */
const credentialsOf = (oauth: OAuthSettings | undefined): OAuth2ClientCredentials => ({
  accessToken: oauth?.access_token ?? '',
  refreshToken: oauth?.refresh_token ?? '',
  clientId: oauth?.clientId ?? '',
  clientSecret: oauth?.clientSecret ?? ''
})

/** A renewal as actions-core makes one on a 401, through the same definition (and so the same instance). */
function renewalThrough(definition: DestinationDefinition<Settings>) {
  const destination = new Destination(definition)
  return async ({ oauth, ...settings }: HostSettings): Promise<ZendeskTokens> => {
    const tokens = await destination.refreshAccessToken(settings, credentialsOf(oauth))
    return tokens as ZendeskTokens
  }
}

/**
 * The definition the host's calls run through: actions-core's renewal after a 401 goes through the connection's
 * `renewInTurn`, as the connection's own renewals ahead of time do (one host at a time on a shared database).
 */
function renewingInTurn(
  definition: DestinationDefinition<Settings>,
  connection: ZendeskConnection
): DestinationDefinition<Settings> {
  const authentication = definition.authentication as OAuth2Authentication<Settings>
  const refresh = authentication.refreshAccessToken!
  return {
    ...definition,
    authentication: {
      ...authentication,
      refreshAccessToken: (request, { settings, auth }) => {
        const used: HostSettings = {
          ...settings,
          oauth: {
            access_token: auth.accessToken,
            refresh_token: auth.refreshToken || undefined,
            clientId: auth.clientId,
            clientSecret: auth.clientSecret || undefined
          }
        }
        return connection.renewInTurn(used, async (current) => {
          return (await refresh(request, { settings, auth: credentialsOf(current.oauth) })) as ZendeskTokens
        })
      }
    }
  }
}

/**
 * With a database, the account's budgets and job slots are shared there with the other hosts on it. Not for the
 * embedded simulator: each host's is an account of its own.
 */
const coordinationOf = ({ databaseUrl }: TargetOptions): DestinationOptions =>
  databaseUrl ? { coordination: { postgres: databaseUrl } } : {}

const callbackOf = (hostUrl: string | undefined) => (hostUrl ? `${hostUrl}/oauth/callback` : undefined)

/** Starts the embedded simulator (no ZENDESK_* variables) or points the destination at the account they name. */
export async function startTarget(options: TargetOptions): Promise<Target> {
  const account = accountFromEnv(options.env)
  const timers = options.timers ?? systemTimers
  if (account && options.simulatorPort !== undefined) {
    throw new TargetError(
      '--simulator-port is for the embedded simulator, and with ZENDESK_* variables set the host sends to that account and starts none.'
    )
  }
  if (account?.kind === 'legacy') {
    return {
      kind: 'zendesk',
      definition: createDestination(coordinationOf(options)),
      account: legacyAccount(account.settings),
      description: `Sending to the Zendesk account https://${normaliseSubdomain(account.settings.subdomain)}.zendesk.com with a legacy credential`,
      close: async () => undefined
    }
  }
  if (account) return connectedTarget(account.subdomain, account.client, options, timers)
  return simulatorTarget(options, timers)
}

async function connectedTarget(
  subdomain: string,
  client: OAuthClient,
  options: TargetOptions,
  timers: Timers
): Promise<Target> {
  const normalised = normaliseSubdomain(subdomain)
  // The destination waits (write turns, job polls) on the same clock and timers as the connection.
  const destinationOptions: DestinationOptions = {
    clock: () => timers.now(),
    timers,
    ...(options.zendeskOrigin && { origin: options.zendeskOrigin }),
    ...coordinationOf(options)
  }
  const address = options.zendeskOrigin ?? `https://${normalised}.zendesk.com`
  const path =
    options.connectionFile ??
    present(options.env.ZENDESK_CONNECTION_FILE) ??
    defaultConnectionFile(options.env, normalised)
  const file = new ConnectionFile(path)
  // With a database, the connection is the account's (keyed by its address), whichever host renews it.
  const database = options.databaseUrl ? new ConnectionDatabase(options.databaseUrl, address) : undefined
  if (database) {
    const adopted = await adoptConnectionFile(database, file).catch(
      (error) => `The connection file was not moved to the database: ${(error as Error).message}`
    )
    if (adopted) options.log(adopted)
  }
  const definition = createDestination(destinationOptions)
  const connection = new ZendeskConnection({
    settings: { subdomain: normalised },
    accountLabel: address,
    client,
    redirectUri: callbackOf(options.hostUrl),
    oauth: zendeskOAuth(destinationOptions),
    renew: renewalThrough(definition),
    store: database ?? file,
    timers,
    log: options.log
  })
  await connection.start()
  return {
    kind: 'zendesk',
    definition: renewingInTurn(definition, connection),
    account: connection,
    connection,
    description: `Sending to the Zendesk account ${address} through the OAuth client ${client.id}`,
    close: async () => {
      connection.close()
      await database?.close()
    }
  }
}

async function simulatorTarget(options: TargetOptions, timers: Timers): Promise<Target> {
  // Fresh secrets per run: the simulator is private to this process, nothing outside it needs to know them.
  const hostClient = { id: SIMULATOR_HOST_CLIENT, secret: randomBytes(16).toString('hex') }
  const redirectUri = callbackOf(options.hostUrl)
  // A demo account: what Zendesk gives a new account (bulk user import off, its endpoint limits), plus groups,
  // brands, forms and custom fields for the mapping page's choices, and two OAuth clients besides the one every
  // simulator has for other hosts (SIMULATOR_OAUTH_CLIENT).
  const simulator = await startSimulator({
    account: 'demo',
    port: options.simulatorPort,
    clock: () => timers.now(),
    oauthClients: [
      { identifier: hostClient.id, kind: 'confidential', secret: hostClient.secret, redirectUris: [] },
      {
        identifier: SIMULATOR_CONNECT_CLIENT,
        name: 'actions-zendesk local host',
        kind: 'public',
        redirectUris: redirectUri ? [redirectUri] : []
      }
    ]
  }).catch((error) => {
    if (error?.code !== 'EADDRINUSE') throw error
    throw new TargetError(
      `Simulator port ${options.simulatorPort} is in use: pass another --simulator-port N (0 picks a free port).`
    )
  })
  const caches = new Caches()
  const destinationOptions: DestinationOptions = {
    origin: simulator.url,
    jobPolling: SIMULATOR_JOB_POLLING,
    caches,
    clock: () => timers.now(),
    timers
  }
  const definition = createDestination(destinationOptions)
  const connection = new ZendeskConnection({
    settings: { subdomain: SIMULATOR_SUBDOMAIN },
    accountLabel: `the simulated account ${SIMULATOR_SUBDOMAIN} at ${simulator.url}`,
    client: { id: SIMULATOR_CONNECT_CLIENT },
    startClient: hostClient,
    redirectUri,
    oauth: zendeskOAuth(destinationOptions),
    renew: renewalThrough(definition),
    inMemoryBecause: 'the embedded simulator’s account ends with the host',
    timers,
    log: options.log
  })
  await connection.start()
  return {
    kind: 'simulator',
    definition,
    account: connection,
    connection,
    simulator,
    description: `No ZENDESK_* variables in the environment: using the embedded Zendesk simulator at ${simulator.url} (a demo account: bulk user import off, Zendesk's endpoint limits)`,
    resetSimulator: async () => {
      simulator.reset()
      caches.clear()
      await connection.renewNow()
    },
    close: async () => {
      connection.close()
      await simulator.close()
    }
  }
}
