import { spawn } from 'child_process'
import * as fs from 'fs/promises'
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs'
import { homedir, tmpdir } from 'os'
import { join, resolve } from 'path'
import { createInterface } from 'readline'
import {
  ConnectionFile,
  ConnectionFileError,
  defaultConnectionFile,
  type ConnectionFs,
  type StoredConnection
} from '../../src/cli/connection-file'

const connection = (accessToken: string, refreshToken: string): StoredConnection => ({
  version: 1,
  subdomain: 'acme',
  clientId: 'actions-zendesk',
  grant: 'authorization_code',
  accessToken,
  refreshToken,
  expiresAt: '2026-11-01T10:30:00.000Z',
  refreshTokenExpiresAt: '2026-12-01T10:00:00.000Z',
  connectedAt: '2026-11-01T10:00:00.000Z',
  connectedBy: { name: 'Ada Admin', email: 'ada@example.com' }
})
const first = connection('access-one', 'refresh-one')
const second = connection('access-two', 'refresh-two')

const newDirectory = () => mkdtempSync(join(tmpdir(), 'connection-file-'))
const modeOf = (path: string) => statSync(path).mode & 0o777

describe('the connection file', () => {
  test('is written owner-only, in an owner-only directory it creates, and read back', async () => {
    const path = join(newDirectory(), 'actions-zendesk', 'zendesk-acme.json')
    const file = new ConnectionFile(path)
    await file.write(first)
    expect(modeOf(path)).toBe(0o600)
    expect(modeOf(join(path, '..'))).toBe(0o700)
    await expect(file.read()).resolves.toEqual(first)
    // A new host reading the same file (a restart) finds the same connection.
    await expect(new ConnectionFile(path).read()).resolves.toEqual(first)
  })

  test('makes its own directory owner-only even when it already existed with wider permissions', async () => {
    const directory = join(newDirectory(), 'actions-zendesk')
    await fs.mkdir(directory, { mode: 0o755 })
    await fs.chmod(directory, 0o755)
    await new ConnectionFile(join(directory, 'zendesk-acme.json')).write(first)
    expect(modeOf(directory)).toBe(0o700)
  })

  test('reads nothing when there is no file, and remove() of no file is no error', async () => {
    const file = new ConnectionFile(join(newDirectory(), 'none.json'))
    await expect(file.read()).resolves.toBeUndefined()
    await expect(file.remove()).resolves.toBeUndefined()
  })

  test('remove() deletes the connection', async () => {
    const path = join(newDirectory(), 'zendesk-acme.json')
    const file = new ConnectionFile(path)
    await file.write(first)
    await file.remove()
    await expect(file.read()).resolves.toBeUndefined()
  })

  test('saves run in the order asked: the last connection is the one on disk', async () => {
    const path = join(newDirectory(), 'zendesk-acme.json')
    const file = new ConnectionFile(path)
    await Promise.all([file.write(first), file.write(second)])
    await expect(file.read()).resolves.toEqual(second)
  })

  test('a file that is not JSON or not a connection is an error that names the file and shows no content', async () => {
    const path = join(newDirectory(), 'zendesk-acme.json')
    writeFileSync(path, '{"accessToken": "access-one"')
    await expect(new ConnectionFile(path).read()).rejects.toThrow(
      `The Zendesk connection file ${path} is not valid JSON.`
    )
    writeFileSync(path, JSON.stringify({ ...first, version: 2 }))
    const error = await new ConnectionFile(path).read().catch((e) => e)
    expect(error).toBeInstanceOf(ConnectionFileError)
    expect(error.message).toMatch(/not a connection this host wrote \(check version\)/)
    expect(error.message).not.toContain('access-one')
  })

  describe.each(['mkdir', 'open', 'writeFile', 'sync', 'rename'])('a save that fails at %s', (step) => {
    test('rejects with the file and the cause, leaves the old connection whole and no temp file behind', async () => {
      const directory = newDirectory()
      const path = join(directory, 'zendesk-acme.json')
      await new ConnectionFile(path).write(first)
      const failure = Object.assign(new Error(`ENOSPC: no space left on device, ${step}`), { code: 'ENOSPC' })
      const failing = failingAt(step, failure)
      const error = await new ConnectionFile(path, failing).write(second).catch((e) => e)
      expect(error).toBeInstanceOf(ConnectionFileError)
      expect(error.message).toBe(`Could not save the Zendesk connection to ${path}: ${failure.message}`)
      expect(error.message).not.toMatch(/access-|refresh-/)
      await expect(new ConnectionFile(path).read()).resolves.toEqual(first)
      expect(readdirSync(directory)).toEqual(['zendesk-acme.json'])
    })
  })

  test('a process killed half-way through a save leaves the old connection whole; the next read clears its temp file', async () => {
    const directory = newDirectory()
    const path = join(directory, 'zendesk-acme.json')
    await new ConnectionFile(path).write(first)

    const child = spawn(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin.js'),
        '--transpile-only',
        join(__dirname, 'support', 'connection-writer-process.ts'),
        path,
        JSON.stringify(second)
      ],
      { cwd: resolve(__dirname, '../..') }
    )
    const exited = new Promise((done) => child.once('exit', (_code, signal) => done(signal)))
    const said = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done))
    expect(said).toBe('halfway')
    const [temp] = readdirSync(directory).filter((name) => name.endsWith('.tmp'))
    // Half of the new connection is on disk, in the temp file only.
    expect(readFileSync(join(directory, temp), 'utf8')).toContain('access-two')
    child.kill('SIGKILL')
    await expect(exited).resolves.toBe('SIGKILL')

    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first)
    await expect(new ConnectionFile(path).read()).resolves.toEqual(first)
    expect(readdirSync(directory)).toEqual(['zendesk-acme.json'])
  }, 60_000)

  test('lives under $XDG_CONFIG_HOME/actions-zendesk, else ~/.config/actions-zendesk, one file per account', () => {
    expect(defaultConnectionFile({ XDG_CONFIG_HOME: '/home/ada/.conf' }, 'acme')).toBe(
      '/home/ada/.conf/actions-zendesk/zendesk-acme.json'
    )
    const fallback = defaultConnectionFile({ XDG_CONFIG_HOME: 'relative/ignored' }, 'acme')
    expect(fallback).toBe(join(homedir(), '.config', 'actions-zendesk', 'zendesk-acme.json'))
  })
})

/** node's fs, except that the given step fails (writeFile after writing half of the content). */
function failingAt(step: string, failure: Error): ConnectionFs {
  const real = fs as unknown as ConnectionFs
  return {
    ...real,
    mkdir: step === 'mkdir' ? () => Promise.reject(failure) : real.mkdir,
    rename: step === 'rename' ? () => Promise.reject(failure) : real.rename,
    open: async (path, flags, mode) => {
      if (step === 'open' && flags !== 'r') throw failure
      const handle = await fs.open(path, flags, mode)
      return {
        writeFile: async (data: string) => {
          if (step !== 'writeFile') return handle.writeFile(data)
          await handle.writeFile(data.slice(0, data.length / 2))
          throw failure
        },
        sync: () => (step === 'sync' ? Promise.reject(failure) : handle.sync()),
        close: () => handle.close()
      }
    }
  }
}
