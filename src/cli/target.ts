import { randomBytes } from 'crypto'
import type { Settings } from '../destinations/zendesk/generated-types'
import { normaliseSubdomain } from '../destinations/zendesk/settings/settings'
import type { DestinationDefinition } from '@segment/actions-core'
import { createDestination } from '../destinations/zendesk'
import { Caches } from '../destinations/zendesk/client/caches'
import { startSimulator, type RunningSimulator } from '../simulator'

/** Where the destination's requests go: the embedded simulator, or a real Zendesk account. */
export interface Target {
  kind: 'simulator' | 'zendesk'
  /** the destination definition bound to this target: the production one, or one sending to the simulator */
  definition: DestinationDefinition<Settings>
  /** the destination settings the host uses when a request brings none */
  settings: Settings
  simulator?: RunningSimulator
  /** empties the simulator and what the destination remembers of it (every cached id is stale after a reset) */
  resetSimulator?: () => void
  /** one line for people, without any credential */
  description: string
  close(): Promise<void>
}

export class TargetError extends Error {}

export const ZENDESK_ENV_VARS = [
  'ZENDESK_SUBDOMAIN',
  'ZENDESK_EMAIL',
  'ZENDESK_API_TOKEN',
  'ZENDESK_OAUTH_TOKEN'
] as const

const SIMULATOR_SUBDOMAIN = 'acme'
const SIMULATOR_AGENT_EMAIL = 'agent@example.com'

/** The simulator completes bulk jobs after a few polls; short waits keep the local runtime snappy. */
const SIMULATOR_JOB_POLLING = { firstWaitMs: 10, maxWaitMs: 100, budgetMs: 10_000 }

const present = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined)

/**
 * Settings for a real account from ZENDESK_* variables, or undefined when none is set.
 * A partial set (a subdomain without a credential, a token without a subdomain) is an error rather than a silent
 * fallback to the simulator, so nobody believes they are writing to their account when they are not.
 */
export function accountSettingsFromEnv(env: NodeJS.ProcessEnv): Settings | undefined {
  const subdomain = present(env.ZENDESK_SUBDOMAIN)
  const email = present(env.ZENDESK_EMAIL)
  const apiToken = present(env.ZENDESK_API_TOKEN)
  const oauthToken = present(env.ZENDESK_OAUTH_TOKEN)
  if (!subdomain && !email && !apiToken && !oauthToken) return undefined
  const hint = 'Set ZENDESK_SUBDOMAIN with ZENDESK_EMAIL + ZENDESK_API_TOKEN, or with ZENDESK_OAUTH_TOKEN.'
  if (!subdomain) throw new TargetError(`Zendesk credentials are set but ZENDESK_SUBDOMAIN is not. ${hint}`)
  if (oauthToken && (email || apiToken)) {
    throw new TargetError(`Set either ZENDESK_OAUTH_TOKEN or ZENDESK_EMAIL + ZENDESK_API_TOKEN, not both.`)
  }
  if (!oauthToken && !(email && apiToken)) {
    throw new TargetError(`ZENDESK_SUBDOMAIN is set but the credentials are incomplete. ${hint}`)
  }
  try {
    normaliseSubdomain(subdomain)
  } catch (error) {
    throw new TargetError(`ZENDESK_SUBDOMAIN: ${(error as Error).message}`)
  }
  return oauthToken ? { subdomain, oauth_token: oauthToken } : { subdomain, email, api_token: apiToken }
}

/** Starts the embedded simulator (no ZENDESK_* variables) or points the destination at the account they name. */
export async function startTarget(env: NodeJS.ProcessEnv): Promise<Target> {
  const account = accountSettingsFromEnv(env)
  if (account) {
    return {
      kind: 'zendesk',
      definition: createDestination(),
      settings: account,
      description: `Sending to the Zendesk account https://${normaliseSubdomain(account.subdomain)}.zendesk.com`,
      close: async () => undefined
    }
  }
  // A fresh token per run: the simulator is private to this process, nothing outside it needs to know it.
  const apiToken = randomBytes(12).toString('hex')
  // A demo account: what Zendesk gives a new account (bulk user import off, its endpoint limits), plus groups,
  // brands, forms and custom fields for the mapping page's choices.
  const simulator = await startSimulator({
    account: 'demo',
    subdomain: SIMULATOR_SUBDOMAIN,
    credentials: { email: SIMULATOR_AGENT_EMAIL, apiToken }
  })
  const caches = new Caches()
  return {
    kind: 'simulator',
    definition: createDestination({ origin: simulator.url, jobPolling: SIMULATOR_JOB_POLLING, caches }),
    settings: { subdomain: SIMULATOR_SUBDOMAIN, email: SIMULATOR_AGENT_EMAIL, api_token: apiToken },
    simulator,
    description: `No ZENDESK_* credentials in the environment: using the embedded Zendesk simulator at ${simulator.url} (a demo account: bulk user import off, Zendesk's endpoint limits)`,
    resetSimulator: () => {
      simulator.reset()
      caches.clear()
    },
    close: () => simulator.close()
  }
}
