import { spawn, type ChildProcess } from 'child_process'
import { resolve } from 'path'
import { ZENDESK_ENV_VARS } from '../../src/cli/target'

jest.setTimeout(60_000)

const ROOT = resolve(__dirname, '../..')

/** `npm start -- --port 0 --memory` in a process group of its own, as a terminal runs it; resolves with the host's address. */
function npmStart(): Promise<{ npm: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const env = { ...process.env }
  for (const key of [...ZENDESK_ENV_VARS, 'PORT']) delete env[key]
  const npm = spawn('npm', ['start', '--', '--port', '0', '--memory'], { cwd: ROOT, env, detached: true })
  let text = ''
  npm.stdout!.on('data', (chunk) => (text += chunk))
  npm.stderr!.on('data', (chunk) => (text += chunk))
  const exited = new Promise<number | null>((done) => npm.on('exit', (code) => done(code)))
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`npm start did not start:\n${text}`)), 45_000)
    npm.stdout!.on('data', () => {
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]
      if (url) {
        clearTimeout(timer)
        done({ npm, url, output: () => text, exited })
      }
    })
  })
}

const identify = (url: string) =>
  fetch(`${url}/v1/identify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      userId: 'ned',
      traits: { name: 'Ned Flanders', email: 'ned@example.com', company: { id: 'nowhere' } }
    })
  })

/** Resolves once the host refuses connections; the test's timeout ends a wait for a host that never stops. */
async function refused(url: string): Promise<void> {
  for (;;) {
    try {
      await fetch(`${url}/deliveries`)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('stopping npm start', () => {
  const started: ChildProcess[] = []
  // Whatever a failed test left running goes (a process group killed that is already gone is no error).
  afterEach(() => {
    for (const npm of started.splice(0)) {
      try {
        process.kill(-npm.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  })

  test('Ctrl-C: says what is still pending, exits cleanly, the port is free', async () => {
    const { npm, url, output, exited } = await npmStart()
    started.push(npm)
    const answer = await identify(url)
    const { deliveryId } = await answer.json()
    process.kill(-npm.pid!, 'SIGINT')
    await refused(url)
    await exited
    expect(output()).toContain('Interrupted: taking no more events.')
    expect(output()).toMatch(
      new RegExp(
        `1 accepted event\\(s\\) still pending[^\\n]*\\n  ${deliveryId} identify userId=ned: updateOrganizationMembership after 1 attempt`
      )
    )
  })

  test('npm killed outright: the server does not outlive it', async () => {
    const { npm, url } = await npmStart()
    started.push(npm)
    process.kill(npm.pid!, 'SIGKILL')
    await refused(url)
  })
})
