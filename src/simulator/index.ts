import type { Settings, Sim } from './context'
import { FaultState } from './faults'
import { insertUser } from './model/users'
import { WindowLimiter } from './rate-limit'
import { createSeed } from './seed'
import { listen } from './server'
import { snapshot } from './snapshot'
import { Store } from './state'
import type { Faults, RecordedRequest, RunningSimulator, SimulatorOptions } from './types'

export type {
  CommentRecord,
  Credentials,
  Faults,
  FieldRecord,
  IdentityRecord,
  JobStatusRecord,
  MembershipRecord,
  NamedRecord,
  OrganizationRecord,
  RateLimitOption,
  RecordedRequest,
  RunningSimulator,
  SimulatorOptions,
  SimulatorSeed,
  SimulatorState,
  TicketFieldRecord,
  TicketRecord,
  UserEventRecord,
  UserRecord
} from './types'

function settingsFrom(options: SimulatorOptions): Settings {
  return {
    subdomain: options.subdomain ?? 'acme',
    credentials: options.credentials ?? { email: 'agent@example.com', apiToken: 'test-token' },
    accountRateLimit: options.accountRateLimit,
    perUserWriteLimit: options.perUserWriteLimit ?? false,
    jobPollsToComplete: options.jobPollsToComplete ?? 2,
    latencyMs: options.latencyMs ?? 0
  }
}

/** Starts an in-process Zendesk Support API on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings = settingsFrom(options)
  const sim: Sim = {
    store: new Store(settings.subdomain),
    faults: new FaultState(),
    settings,
    serverUrl: '',
    accountLimiter: settings.accountRateLimit && new WindowLimiter(settings.accountRateLimit),
    userWriteLimiter: settings.perUserWriteLimit ? new WindowLimiter(settings.perUserWriteLimit) : undefined
  }
  const requests: RecordedRequest[] = []

  // The account always holds the admin the credentials belong to.
  const reset = () => {
    sim.store.clear()
    const email = 'email' in settings.credentials ? settings.credentials.email : 'agent@example.com'
    sim.store.agentId = insertUser(sim.store, { name: 'Simulated Agent', email, role: 'admin', verified: true }).id
    sim.faults.set({})
    sim.accountLimiter?.reset()
    sim.userWriteLimiter?.reset()
    requests.length = 0
  }
  reset()

  const control = { state: () => snapshot(sim.store), reset, setFaults: (faults: Faults) => sim.faults.set(faults) }
  const server = await listen(sim, control, requests, options.port ?? 0)
  return { url: server.url, ...control, requests, seed: createSeed(sim.store), close: server.close }
}
