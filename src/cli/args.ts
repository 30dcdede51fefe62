export const USAGE = `Usage:
  npm start                                   run the local host (embedded Zendesk simulator unless ZENDESK_* is set)
  npm start -- [--port N] [--simulator-port N] [--mapping FILE.json] [--retry-for MINUTES] [--connection-file FILE]
              [--memory]
  npm start -- replay FILE.ndjson [--mapping FILE.json]
                                              send a file of events (one JSON event per line) through the same
                                              path, print the result per action and the simulator's records, exit
  npm start -- --help

Options:
  --port N            port on 127.0.0.1 (default: $PORT, else 4000; 0 picks a free port)
  --simulator-port N  the embedded Zendesk simulator's port on 127.0.0.1, to point another host at it
                      (default 0: a free port; the start-up lines print its address)
  --mapping FILE      use these subscriptions instead of the presets: a JSON list of
                      { "partnerAction": "upsertUser", "subscribe": "type = \\"identify\\"", "mapping": { ... } }
  --retry-for MINUTES how long an accepted event's retryable actions are retried in the background (default 30)
  --connection-file FILE
                      where the Zendesk connection is kept (default: $ZENDESK_CONNECTION_FILE, else
                      $XDG_CONFIG_HOME/actions-zendesk/zendesk-<subdomain>.json or ~/.config/actions-zendesk/…)
  --memory            keep accepted events in memory only: a crash or stop drops what is still pending
                      (default: in PostgreSQL, $DATABASE_URL, else one run from npm with its data in .data/postgres)
  -h, --help          show this text

Environment (none set: the embedded Zendesk simulator on 127.0.0.1 is used):
  ZENDESK_SUBDOMAIN                    your account, e.g. acme for https://acme.zendesk.com
  ZENDESK_CLIENT_ID                    an OAuth client of the account: connect on the page (Connect Zendesk)
  ZENDESK_CLIENT_SECRET                a confidential client's secret: the host connects with client credentials
  ZENDESK_CONNECTION_FILE              where the connection is kept (--connection-file)
  legacy, until Zendesk ends API tokens on 2027-04-30:
  ZENDESK_EMAIL + ZENDESK_API_TOKEN    an agent's email and a Zendesk API token, or
  ZENDESK_OAUTH_TOKEN                  an OAuth access token (never renewed)
  PORT                                 port when --port is not given
  DATABASE_URL                         a PostgreSQL of your own to keep accepted events in (postgres://…),
                                       shared by every host that names it`

export type Command =
  | {
      kind: 'serve'
      port: number
      simulatorPort?: number
      mappingFile?: string
      retryForMs?: number
      connectionFile?: string
      /** keep accepted events in memory only (default: in PostgreSQL) */
      memory?: true
    }
  | { kind: 'replay'; file: string; mappingFile?: string }
  | { kind: 'help' }

export class UsageError extends Error {}

function parsePort(value: string | undefined, source: string): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${source} must be a port number from 0 to 65535 (got ${JSON.stringify(value ?? '')}).`)
  }
  return Number(value)
}

function parseMinutes(value: string | undefined): number {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`--retry-for must be a number of minutes above 0 (got ${JSON.stringify(value ?? '')}).`)
  }
  return Number(value) * 60_000
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv, defaultPort: number): Command {
  const positional: string[] = []
  let port: number | undefined
  let simulatorPort: number | undefined
  let mappingFile: string | undefined
  let retryForMs: number | undefined
  let connectionFile: string | undefined
  let memory: true | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined]
    const value = () => inline ?? argv[++i]
    if (flag === '-h' || flag === '--help') return { kind: 'help' }
    else if (flag === '--port') port = parsePort(value(), '--port')
    else if (flag === '--simulator-port') simulatorPort = parsePort(value(), '--simulator-port')
    else if (flag === '--retry-for') retryForMs = parseMinutes(value())
    else if (flag === '--memory') memory = true
    else if (flag === '--mapping') {
      mappingFile = value()
      if (!mappingFile) throw new UsageError('--mapping needs a file: --mapping FILE.json')
    } else if (flag === '--connection-file') {
      connectionFile = value()
      if (!connectionFile) throw new UsageError('--connection-file needs a file: --connection-file FILE.json')
    } else if (flag.startsWith('-')) throw new UsageError(`Unknown option ${flag}.`)
    else positional.push(arg)
  }
  if (positional[0] === 'replay') {
    if (positional.length !== 2) throw new UsageError('replay needs exactly one file: replay FILE.ndjson')
    if (port !== undefined) throw new UsageError('--port is for the local host; replay starts no server.')
    if (simulatorPort !== undefined) {
      throw new UsageError('--simulator-port is for the local host; replay’s simulator ends with the replay.')
    }
    if (retryForMs !== undefined) throw new UsageError('--retry-for is for the local host; replay does not retry.')
    if (connectionFile !== undefined) {
      throw new UsageError('--connection-file is for the local host; replay reads ZENDESK_CONNECTION_FILE.')
    }
    if (memory) throw new UsageError('--memory is for the local host; replay keeps everything in memory anyway.')
    return { kind: 'replay', file: positional[1], mappingFile }
  }
  if (positional.length > 0) throw new UsageError(`Unknown command ${positional[0]}.`)
  const envPort = env.PORT?.trim() ? parsePort(env.PORT.trim(), 'PORT') : undefined
  return {
    kind: 'serve',
    port: port ?? envPort ?? defaultPort,
    simulatorPort,
    mappingFile,
    retryForMs,
    connectionFile,
    ...(memory ? { memory } : {})
  }
}
