import { Client } from 'pg'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { credentialsIn, FAKE_DATABASE_PASSWORDS } from '../helpers/credentials'
import { startPostgres, type RunningPostgres } from '../helpers/postgres'

/** The local host with `databaseUrl`, in this process: what it says and answers about where events are kept. */
let postgres: RunningPostgres
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(() => postgres?.stop())

const post = (host: LocalHost, path: string, body: unknown) =>
  fetch(`${host.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })

test('says where events are kept; a database that cannot take an event: 503, nothing accepted, no address', async () => {
  const databaseUrl = await postgres.database()
  const logged: string[] = []
  const host = await startLocalHost({ port: 0, env: {}, databaseUrl, log: (line) => logged.push(line) })
  try {
    const port = new URL(databaseUrl).port
    expect(logged.join('\n')).toContain(`Accepted events are kept in PostgreSQL (127.0.0.1:${port}/test_1)`)
    const answer = await post(host, '/v1/identify', { userId: 'ned', traits: { email: 'ned@example.com' } })
    expect((await answer.json()).state).toBe('delivered')
    const [delivery] = await host.deliveries.list()
    expect(delivery.state).toBe('delivered')
    const page = await fetch(`${host.url}/deliveries/page`).then((reply) => reply.text())
    expect(page).toContain(`<td>${delivery.id}</td><td>identify userId=ned</td><td>delivered</td>`)

    const admin = new Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query('ALTER TABLE local_host_deliveries RENAME TO gone')
    await admin.end()
    const refused = await post(host, '/v1/identify', { userId: 'rod', traits: { email: 'rod@example.com' } })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('10')
    const { error } = await refused.json()
    expect(error).toBe(
      'The PostgreSQL database the host keeps its deliveries in failed (42P01): nothing was accepted, try again.'
    )
    expect(host.simulator!.state().users.map((u) => u.external_id)).not.toContain('rod')
  } finally {
    await host.close()
  }
})

test('the password of DATABASE_URL is never shown: not in the start-up lines, not when the database is unreachable', async () => {
  const [password] = FAKE_DATABASE_PASSWORDS
  const withPassword = (url: string) => url.replace('postgres@', `postgres:${password}@`)
  const logged: string[] = []
  // The test server trusts every connection from 127.0.0.1: the password is sent nowhere, only shown or not.
  const host = await startLocalHost({
    port: 0,
    env: {},
    databaseUrl: withPassword(await postgres.database()),
    log: (line) => logged.push(line)
  })
  await host.close()
  expect(logged.join('\n')).toContain('Accepted events are kept in PostgreSQL (127.0.0.1:')

  const unreachable = startLocalHost({
    port: 0,
    env: {},
    databaseUrl: `postgres://postgres:${password}@127.0.0.1:1/nowhere`,
    log: (line) => logged.push(line)
  })
  await expect(unreachable).rejects.toThrow(
    'The PostgreSQL database the host keeps its deliveries in failed (ECONNREFUSED)'
  )
  const error = await unreachable.catch((e: Error) => e)
  expect(credentialsIn(`${(error as Error).message}\n${(error as Error).stack}\n${logged.join('\n')}`)).toEqual([])
})
