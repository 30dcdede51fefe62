import { createServer } from 'net'
import { Destination } from '@segment/actions-core'
import { createDestination, zendeskOAuth } from '../../src'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { TargetError } from '../../src/cli/target'
import { SIMULATOR_OAUTH_CLIENT, SIMULATOR_SUBDOMAIN, startSimulator } from '../../src/simulator'
import { credentialsIn } from '../helpers/credentials'

/** A port nothing listens on at the moment. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('npm start -- --simulator-port N: another host pointed at the local host’s simulator', () => {
  let host: LocalHost
  let port: number
  const logged: string[] = []

  beforeAll(async () => {
    port = await freePort()
    host = await startLocalHost({ port: 0, simulatorPort: port, env: {}, log: (line) => logged.push(line) })
  })
  afterAll(() => host.close())

  test('the simulator listens on that port, and the start-up lines say how to point a host at it', () => {
    expect(host.simulator!.url).toBe(`http://127.0.0.1:${port}`)
    const banner = logged.find((line) => line.includes('listening at'))!
    expect(banner).toContain(`createDestination({ origin: 'http://127.0.0.1:${port}' }), subdomain 'acme'`)
    expect(banner).toContain(`SIMULATOR_OAUTH_CLIENT from 'actions-zendesk/simulator'`)
    expect(credentialsIn(logged.join('\n'))).toEqual([])
  })

  test('a host connected with the published client delivers into the simulator the page shows', async () => {
    const origin = `http://127.0.0.1:${port}`
    const tokens = await zendeskOAuth({ origin }).clientCredentials({
      subdomain: SIMULATOR_SUBDOMAIN,
      ...SIMULATOR_OAUTH_CLIENT
    })
    const destination = new Destination(createDestination({ origin }))
    const [upsertUser] = destination.definition.presets!.filter((preset) => preset.partnerAction === 'upsertUser')
    const settings = {
      subdomain: SIMULATOR_SUBDOMAIN,
      oauth: { ...SIMULATOR_OAUTH_CLIENT, access_token: tokens.accessToken },
      subscriptions: [upsertUser]
    }
    const results = await destination.onEvent(
      { type: 'identify', userId: 'other-host-1', traits: { name: 'Maude Flanders', email: 'maude@example.com' } },
      settings as any
    )
    expect(results.filter((result) => 'error' in result)).toEqual([])
    expect(host.simulator!.state().users.find((user) => user.external_id === 'other-host-1')).toMatchObject({
      name: 'Maude Flanders'
    })
  })

  test('a port in use is refused with the option to change', async () => {
    await expect(startLocalHost({ port: 0, simulatorPort: port, env: {}, log: () => undefined })).rejects.toThrow(
      new TargetError(`Simulator port ${port} is in use: pass another --simulator-port N (0 picks a free port).`)
    )
  })

  test('with ZENDESK_* variables there is no simulator, and the option is refused', async () => {
    const simulator = await startSimulator()
    try {
      const env = { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_CLIENT_ID: 'actions-zendesk' }
      await expect(
        startLocalHost({ port: 0, simulatorPort: 0, env, zendeskOrigin: simulator.url, log: () => undefined })
      ).rejects.toThrow(/--simulator-port is for the embedded simulator/)
    } finally {
      await simulator.close()
    }
  })
})
