import { readFileSync } from 'fs'
import { parseArgs, UsageError, USAGE } from './args'
import { EmbeddedPostgresError } from './embedded-postgres'
import { hostDatabase } from './host-database'
import { DEFAULT_PORT, startLocalHost } from './local-host'
import { MappingFileError } from './mapping-file'
import { replayFile, ReplayInputError } from './replay'
import { TargetError } from './target'

/** Errors that are the user's input, shown as one line; anything else is a bug and keeps its stack. */
const INPUT_ERRORS = [UsageError, MappingFileError, ReplayInputError, TargetError, EmbeddedPostgresError]

/** Resolves to an exit code, or to undefined while the local host keeps running. */
async function main(argv: string[]): Promise<number | undefined> {
  // Read first, before anything could have killed them.
  const ancestors = parentsOf()
  const command = parseArgs(argv, process.env, DEFAULT_PORT)
  if (command.kind === 'help') {
    console.log(USAGE)
    return 0
  }
  if (command.kind === 'replay') {
    await replayFile(command.file, { mappingFile: command.mappingFile })
    return 0
  }
  const database = await hostDatabase({
    memory: command.memory === true,
    env: process.env,
    log: (line) => console.log(line)
  })
  const host = await startLocalHost({
    port: command.port,
    simulatorPort: command.simulatorPort,
    mappingFile: command.mappingFile,
    connectionFile: command.connectionFile,
    retry: { retryForMs: command.retryForMs },
    databaseUrl: database?.url
  }).catch(async (error) => {
    await database?.stop()
    if (error?.code === 'EADDRINUSE') {
      throw new UsageError(`Port ${command.port} is in use: pass --port N (0 picks a free port).`)
    }
    throw error
  })
  let stopping = false
  const stop = async (why: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${why}: taking no more events.`)
    const pending = await host.stopAccepting().catch((error: Error) => {
      console.log(`What is still pending could not be read: ${error.message}`)
      return []
    })
    if (pending.length === 0) console.log('Nothing is pending: every accepted event was delivered or rejected.')
    else {
      console.log(
        database
          ? `${pending.length} accepted event(s) still pending, kept in the database: a host started on it delivers them:`
          : `${pending.length} accepted event(s) still pending, dropped now (--memory: nothing is kept on disk):`
      )
      for (const delivery of pending) {
        const waiting = delivery.actions.filter((a) => a.result === 'retryable').map((a) => a.action)
        console.log(
          `  ${delivery.id} ${delivery.description}: ${waiting.join(', ')} after ${delivery.attempts} attempt(s)`
        )
      }
    }
    await database?.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => stop('Interrupted'))
  process.once('SIGTERM', () => stop('Terminated'))
  // `npm start` runs this process under a shell under npm. Killed, they never pass a signal on, and this process
  // would keep the port: when its parent or its parent's parent changes (it was re-parented), it stops instead.
  setInterval(() => {
    if (parentsOf().some((pid, i) => pid !== ancestors[i])) stop('npm start is gone')
  }, 1000).unref()
  return undefined
}

/** This process's parent and, where /proc tells (Linux), that parent's parent. */
function parentsOf(): number[] {
  try {
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8')
    // The fields after the command name, which is in parentheses and may contain spaces: state, then ppid.
    return [process.ppid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])]
  } catch {
    return [process.ppid]
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit once everything written has been flushed (replay prints a large JSON state).
    if (code !== undefined) process.stdout.write('', () => process.exit(code))
  },
  (error: unknown) => {
    const inputError = INPUT_ERRORS.some((type) => error instanceof type)
    console.error(inputError ? `Error: ${(error as Error).message}` : error)
    if (error instanceof UsageError) console.error(`\n${USAGE}`)
    process.exit(inputError ? 2 : 1)
  }
)
