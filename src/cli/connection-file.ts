import { randomBytes } from 'crypto'
import * as nodeFs from 'fs/promises'
import { homedir } from 'os'
import { basename, dirname, isAbsolute, join } from 'path'
import { z } from 'zod'

/** What the host keeps of an OAuth connection between runs. The client secret is never stored: it stays in the environment. */
export const storedConnectionSchema = z.object({
  version: z.literal(1),
  subdomain: z.string().min(1),
  clientId: z.string().min(1),
  /** how the connection was made: a person's consent, or the client's own credentials */
  grant: z.enum(['authorization_code', 'client_credentials']),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** ISO times; absent when Zendesk gave the token no end */
  expiresAt: z.string().optional(),
  refreshTokenExpiresAt: z.string().optional(),
  connectedAt: z.string(),
  lastRefreshAt: z.string().optional(),
  /** who the token acts as, from users/me */
  connectedBy: z.object({ name: z.string().optional(), email: z.string().optional() }).optional()
})
export type StoredConnection = z.infer<typeof storedConnectionSchema>

/** The file-system calls the store makes: node's fs/promises, or a test's copy that fails or stops between steps. */
export interface ConnectionFs {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>
  chmod(path: string, mode: number): Promise<void>
  open(path: string, flags: string, mode?: number): Promise<WritableFile>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  readFile(path: string, encoding: 'utf8'): Promise<string>
  readdir(path: string): Promise<string[]>
}

export interface WritableFile {
  writeFile(data: string): Promise<void>
  sync(): Promise<void>
  close(): Promise<void>
}

/** A write or read of the connection file that failed; the message names the file and the cause, never a token. */
export class ConnectionFileError extends Error {}

const DEFAULT_DIRECTORY_NAME = 'actions-zendesk'
const OWNER_ONLY_FILE = 0o600
const OWNER_ONLY_DIRECTORY = 0o700
const TEMP_SUFFIX = '.tmp'

/**
 * Where the connection to an account is kept unless told otherwise: `$XDG_CONFIG_HOME/actions-zendesk/` (else
 * `~/.config/actions-zendesk/`), one file per subdomain. Outside every repository, so it is never committed.
 */
export function defaultConnectionFile(env: NodeJS.ProcessEnv, subdomain: string): string {
  const xdg = env.XDG_CONFIG_HOME?.trim()
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config')
  return join(configHome, DEFAULT_DIRECTORY_NAME, `zendesk-${subdomain}.json`)
}

const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException)?.code ?? ''
const causeOf = (error: unknown): string => (error as Error)?.message ?? String(error)

/**
 * The connection file: readable and writable by its owner only (0600, in a directory created 0700). A save writes a
 * temp file in the same directory, flushes it to disk and renames it over the file, so the file is always the old
 * connection or the new one, never half of one, whenever the process dies. Saves run one after another in the order
 * asked, so an older connection never replaces a newer one.
 */
export class ConnectionFile {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly fs: ConnectionFs = nodeFs as unknown as ConnectionFs
  ) {}

  /** where the connection is kept, as the page and the log say it */
  get location(): string {
    return this.path
  }

  /** The stored connection, or undefined when there is none. Temp files a killed save left behind are removed. */
  async read(): Promise<StoredConnection | undefined> {
    await this.removeLeftovers()
    let text: string
    try {
      text = await this.fs.readFile(this.path, 'utf8')
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined
      throw new ConnectionFileError(`Cannot read the Zendesk connection file ${this.path}: ${causeOf(error)}`)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new ConnectionFileError(`The Zendesk connection file ${this.path} is not valid JSON.`)
    }
    const parsed = storedConnectionSchema.safeParse(json)
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(the whole file)'))]
      throw new ConnectionFileError(
        `The Zendesk connection file ${this.path} is not a connection this host wrote (check ${fields.join(', ')}).`
      )
    }
    return parsed.data
  }

  /** Replaces the stored connection; resolves once it is on disk, rejects with a ConnectionFileError otherwise. */
  write(connection: StoredConnection): Promise<void> {
    return this.inTurn(() => this.replace(`${JSON.stringify(connection, null, 2)}\n`))
  }

  /** Deletes the stored connection (nothing to delete is no error). */
  remove(): Promise<void> {
    return this.inTurn(async () => {
      try {
        await this.fs.unlink(this.path)
      } catch (error) {
        if (codeOf(error) !== 'ENOENT') {
          throw new ConnectionFileError(`Cannot delete the Zendesk connection file ${this.path}: ${causeOf(error)}`)
        }
      }
    })
  }

  private inTurn(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async replace(content: string): Promise<void> {
    const directory = dirname(this.path)
    const temp = join(directory, `${basename(this.path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
    try {
      await this.fs.mkdir(directory, { recursive: true, mode: OWNER_ONLY_DIRECTORY })
      // Our own directory is made owner-only even when it existed; a directory someone chose is left as it is.
      if (basename(directory) === DEFAULT_DIRECTORY_NAME) await this.fs.chmod(directory, OWNER_ONLY_DIRECTORY)
      // 'wx': a new file, created owner-only (a umask can only take permissions away).
      const file = await this.fs.open(temp, 'wx', OWNER_ONLY_FILE)
      try {
        await file.writeFile(content)
        await file.sync()
      } finally {
        await file.close()
      }
      await this.fs.rename(temp, this.path)
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined)
      throw new ConnectionFileError(`Could not save the Zendesk connection to ${this.path}: ${causeOf(error)}`)
    }
    await this.syncDirectory(directory)
  }

  /** Flushes the rename itself to disk. Not every platform can open a directory for that; the rename stands anyway. */
  private async syncDirectory(directory: string): Promise<void> {
    try {
      const handle = await this.fs.open(directory, 'r')
      await handle.sync().finally(() => handle.close())
    } catch {
      // The file was renamed into place; only its durability across a power cut is left to the system.
    }
  }

  private async removeLeftovers(): Promise<void> {
    const prefix = `${basename(this.path)}.`
    let names: string[]
    try {
      names = await this.fs.readdir(dirname(this.path))
    } catch {
      return
    }
    const leftovers = names.filter((name) => name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX))
    await Promise.all(leftovers.map((name) => this.fs.unlink(join(dirname(this.path), name)).catch(() => undefined)))
  }
}
