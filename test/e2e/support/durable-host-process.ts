/**
 * A local host process as `npm start` runs one (src/cli/main.ts), with what a test needs to steer: the Zendesk
 * account is a simulator the test runs (by address, with its published OAuth client), leases and waits are short.
 * Its database comes the way main.ts's does (hostDatabase): DATABASE_URL, else PostgreSQL from npm with its data in
 * `dataFolder`. It prints `listening at <url>` once ready, its log on stderr; SIGTERM stops it and its database.
 *
 *   ts-node --transpile-only durable-host-process.ts '<options as JSON>'
 */
import { hostDatabase } from '../../../src/cli/host-database'
import { startLocalHost } from '../../../src/cli/local-host'
import { SIMULATOR_SUBDOMAIN } from '../../../src/simulator'
import { SIMULATOR_OAUTH_CLIENT } from '../../../src/simulator/host-credentials'

export interface DurableHostOptions {
  simulator: string
  connectionFile: string
  databaseUrl?: string
  dataFolder?: string
  leaseMs: number
}

async function main() {
  const options = JSON.parse(process.argv[2]) as DurableHostOptions
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const database = await hostDatabase({
    memory: false,
    env: options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {},
    dataFolder: options.dataFolder,
    log
  })
  const host = await startLocalHost({
    port: 0,
    env: {
      ZENDESK_SUBDOMAIN: SIMULATOR_SUBDOMAIN,
      ZENDESK_CLIENT_ID: SIMULATOR_OAUTH_CLIENT.clientId,
      ZENDESK_CLIENT_SECRET: SIMULATOR_OAUTH_CLIENT.clientSecret
    },
    zendeskOrigin: options.simulator,
    connectionFile: options.connectionFile,
    databaseUrl: database?.url,
    retry: { firstBackoffMs: 200, maxBackoffMs: 1000, leaseMs: options.leaseMs, lookEveryMs: 200 },
    log
  })
  process.once('SIGTERM', async () => {
    await host.close()
    await database?.stop()
    process.exit(0)
  })
  process.stdout.write(`listening at ${host.url}\n`)
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exit(1)
})
