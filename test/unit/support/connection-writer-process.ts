/**
 * Saves a connection through ConnectionFile and stops half-way through writing it, so a test can kill the process
 * mid-write. It writes the first half of the file's content to the temp file, flushes it, says `halfway` and waits.
 *
 *   ts-node --transpile-only connection-writer-process.ts <connection file> '<connection as JSON>'
 */
import * as fs from 'fs/promises'
import { ConnectionFile, type ConnectionFs } from '../../../src/cli/connection-file'

const [path, connectionJson] = process.argv.slice(2)

const stallingFs: ConnectionFs = {
  ...(fs as unknown as ConnectionFs),
  open: async (file: string, flags: string, mode?: number) => {
    const handle = await fs.open(file, flags, mode)
    return {
      writeFile: async (data: string) => {
        await handle.writeFile(data.slice(0, data.length / 2))
        await handle.sync()
        process.stdout.write('halfway\n')
        await new Promise(() => undefined) // until killed
      },
      sync: () => handle.sync(),
      close: () => handle.close()
    }
  }
}

new ConnectionFile(path, stallingFs).write(JSON.parse(connectionJson)).then(() => process.stdout.write('saved\n'))
