import { parseArgs, UsageError, USAGE } from './args'
import { DEFAULT_PORT, startLocalHost } from './local-host'
import { MappingFileError } from './mapping-file'
import { replayFile, ReplayInputError } from './replay'
import { TargetError } from './target'

/** Errors that are the user's input, shown as one line; anything else is a bug and keeps its stack. */
const INPUT_ERRORS = [UsageError, MappingFileError, ReplayInputError, TargetError]

/** Resolves to an exit code, or to undefined while the local host keeps running. */
async function main(argv: string[]): Promise<number | undefined> {
  const command = parseArgs(argv, process.env, DEFAULT_PORT)
  if (command.kind === 'help') {
    console.log(USAGE)
    return 0
  }
  if (command.kind === 'replay') {
    await replayFile(command.file, { mappingFile: command.mappingFile })
    return 0
  }
  const host = await startLocalHost({ port: command.port, mappingFile: command.mappingFile }).catch((error) => {
    if (error?.code === 'EADDRINUSE') {
      throw new UsageError(`Port ${command.port} is in use: pass --port N (0 picks a free port).`)
    }
    throw error
  })
  const stop = () => {
    host.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return undefined
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
