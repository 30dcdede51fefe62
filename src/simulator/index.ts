import { accountProfile, NEW_ACCOUNT, NO_ENDPOINT_LIMITS, seedAccount } from './account'
import type { Settings, Sim } from './context'
import { FaultState } from './faults'
import { SIMULATOR_API_TOKEN, SIMULATOR_OAUTH_CLIENT, SIMULATOR_SUBDOMAIN } from './host-credentials'
import { completeDueJobs, DEFAULT_JOB_MS_PER_100_ITEMS } from './jobs'
import { Limits, REPORTED_ACCOUNT_LIMIT } from './limits'
import { insertUser } from './model/users'
import { OAuthServer } from './oauth/oauth-server'
import { createSeed } from './seed'
import { listen } from './server'
import { snapshot } from './snapshot'
import { Store } from './state'
import type { SimulatorOAuthClient } from './oauth/types'
import type {
  AccountKind,
  EndpointLimits,
  Faults,
  RecordedRequest,
  RunningSimulator,
  SimulatorOAuth,
  SimulatorOptions,
  Variants
} from './types'

export { NEW_ACCOUNT, NO_ENDPOINT_LIMITS, ZENDESK_ENDPOINT_LIMITS } from './account'
export { SIMULATOR_API_TOKEN, SIMULATOR_OAUTH_CLIENT, SIMULATOR_SUBDOMAIN } from './host-credentials'
export { CODE_LIFETIME_MS } from './oauth/codes'
export { issuedCredentialsIn } from './oauth/credentials'
export { DEFAULT_ACCESS_TOKEN_SECONDS, DEFAULT_REFRESH_TOKEN_SECONDS } from './oauth/lifetimes'
export type { OAuthClientKind, OAuthIssueOptions, OAuthTokenAnswer, SimulatorOAuthClient } from './oauth/types'
export type {
  AccountKind,
  BrandRecord,
  CommentRecord,
  Credentials,
  CustomObjectDefinition,
  CustomObjectFieldRecord,
  CustomRecord,
  DuplicateMembershipAnswer,
  EndpointLimits,
  Faults,
  FieldRecord,
  GroupRecord,
  IdentityRecord,
  JobStatusRecord,
  MembershipRecord,
  NamedRecord,
  NewCustomObject,
  OrganizationRecord,
  RateLimitOption,
  RecordedRequest,
  ReportedLimit,
  RunningSimulator,
  SimulatorOptions,
  SimulatorSeed,
  SimulatorState,
  TicketFieldRecord,
  TicketFormRecord,
  TicketRecord,
  UserEventRecord,
  UserRecord,
  Variants
} from './types'

/** Where Zendesk's answer is unknown, the simulator answers like this unless told otherwise. */
export const DEFAULT_VARIANTS: Variants = {
  jobResultIndex: 'recorded',
  duplicateMembership: 'user-taken',
  organizationFieldValues: 'every-key',
  tokenAnswerStatus: 200,
  softDeletedUsers: 'left-out',
  deletedUserExternalId: 'absent',
  customObjectJobResults: 'records'
}

function endpointLimitsFrom(options: SimulatorOptions, account: AccountKind): EndpointLimits {
  const base = options.endpointLimits === false ? NO_ENDPOINT_LIMITS : accountProfile(account).limits
  const limits = { ...base, ...(options.endpointLimits || {}) }
  // The former option, still honoured: it sets the per-user write limit alone.
  if (options.perUserWriteLimit !== undefined) limits.userWritesPerUser = options.perUserWriteLimit
  return limits
}

function settingsFrom(options: SimulatorOptions): Settings {
  const account = options.account ?? NEW_ACCOUNT
  return {
    subdomain: options.subdomain ?? SIMULATOR_SUBDOMAIN,
    credentials: options.credentials ?? { email: SIMULATOR_API_TOKEN.email, apiToken: SIMULATOR_API_TOKEN.api_token },
    account,
    bulkImport: options.bulkImport ?? accountProfile(account).bulkImport,
    jobTiming:
      options.jobPollsToComplete === undefined
        ? { msPer100Items: options.jobMsPer100Items ?? DEFAULT_JOB_MS_PER_100_ITEMS, workers: options.jobWorkers }
        : { pollsToComplete: options.jobPollsToComplete },
    latencyMs: options.latencyMs ?? 0,
    variants: { ...DEFAULT_VARIANTS, ...options.variants }
  }
}

/** The clients given, and the published host client unless one of them takes its identifier. */
function withHostClient(clients: SimulatorOAuthClient[]): SimulatorOAuthClient[] {
  if (clients.some((client) => client.identifier === SIMULATOR_OAUTH_CLIENT.clientId)) return clients
  const hostClient: SimulatorOAuthClient = {
    identifier: SIMULATOR_OAUTH_CLIENT.clientId,
    kind: 'confidential',
    secret: SIMULATOR_OAUTH_CLIENT.clientSecret,
    redirectUris: []
  }
  return [...clients, hostClient]
}

/** Starts an in-process Zendesk Support API on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings = settingsFrom(options)
  const accountLimit = options.accountRateLimit
    ? { ...options.accountRateLimit, enforce: true }
    : REPORTED_ACCOUNT_LIMIT
  const clock = options.clock ?? (() => Date.now())
  const sim: Sim = {
    store: new Store(settings.subdomain),
    faults: new FaultState(),
    settings,
    limits: new Limits(endpointLimitsFrom(options, settings.account), accountLimit, clock),
    oauth: new OAuthServer(clock, withHostClient(options.oauthClients ?? [])),
    clock,
    serverUrl: ''
  }
  const requests: RecordedRequest[] = []

  // The account always holds the admin the credentials belong to, then what its kind starts with.
  const reset = () => {
    sim.store.clear()
    const email = 'email' in settings.credentials ? settings.credentials.email : SIMULATOR_API_TOKEN.email
    sim.store.agentId = insertUser(sim.store, { name: 'Simulated Agent', email, role: 'admin', verified: true }).id
    seedAccount(sim.store, settings.account)
    sim.faults.set({})
    sim.limits.reset()
    sim.oauth.revokeAll()
    requests.length = 0
  }
  reset()

  const oauth: SimulatorOAuth = {
    addClient: (client) => void sim.oauth.clients.add(client),
    issue: (clientIdentifier, issueOptions) => sim.oauth.issue(clientIdentifier, sim.store.agentId, issueOptions),
    revokeAll: () => sim.oauth.revokeAll(),
    tokenRequests: () => requests.filter((r) => r.method === 'POST' && /^\/oauth\/tokens(\.json)?$/.test(r.path))
  }

  const control = {
    state: () => {
      completeDueJobs(sim)
      return snapshot(sim.store)
    },
    reset,
    setFaults: (faults: Faults) => sim.faults.set(faults),
    setBulkImport: (enabled: boolean) => {
      settings.bulkImport = enabled
    }
  }
  const server = await listen(sim, control, requests, options.port ?? 0)
  return {
    url: server.url,
    account: settings.account,
    ...control,
    requests,
    seed: createSeed(sim.store),
    oauth,
    close: server.close
  }
}
