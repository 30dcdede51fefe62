import { request as httpRequest } from 'http'
import { mkdtempSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import nock from 'nock'
import definition from '../../src'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { MappingFileError, parseSubscriptions, presetSubscriptions } from '../../src/cli/mapping-file'
import { call } from '../helpers/local-host-client'

const homer = {
  userId: '12345',
  traits: { name: 'Homer Simpson', email: 'homer.simpson@example.com', phone: '555-555-1234' }
}

const tempDir = mkdtempSync(join(tmpdir(), 'local-host-'))

describe('local host on the embedded simulator', () => {
  let host: LocalHost
  const logged: string[] = []
  const post = (path: string, body: unknown) => call(host, 'POST', path, body)

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, env: {}, log: (line) => logged.push(line) })
  })
  afterAll(() => host.close())
  beforeEach(() => host.target.resetSimulator!())

  const state = () => host.simulator!.state()
  const userByExternalId = (id: string) => state().users.find((u) => u.external_id === id)

  test('says it uses the simulator, with the simulator’s loopback address', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(host.simulator!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
    const banner = logged.find((line) => line.includes('listening at'))!
    expect(banner).toContain(`using the embedded Zendesk simulator at ${host.simulator!.url}`)
    expect(banner).toContain('No ZENDESK_* variables')
  })

  test('POST /v1/identify upserts the user and reports each action with the requests it sent', async () => {
    const { status, body } = await post('/v1/identify', homer)
    expect(status).toBe(200)
    expect(body.type).toBe('identify')
    expect(body.messageId).toMatch(/^api-/)
    expect(body.actions).toHaveLength(1)
    const [upsert] = body.actions
    expect(upsert).toMatchObject({
      action: 'upsertUser',
      subscription: 'Upsert User',
      result: 'delivered',
      status: 200
    })
    expect(upsert.payload).toMatchObject({ email: 'homer.simpson@example.com', external_id: '12345' })
    const sent = upsert.requests.map((r: any) => `${r.request.method} ${new URL(r.request.url).pathname}`)
    // The API requests: the token request of the host's connection (renewed after the reset) is not the event's.
    const recorded = host
      .simulator!.requests.filter((r) => r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${r.path}`)
    expect(sent).toEqual(recorded)
    expect(sent).toContain('POST /api/v2/users/create_or_update')
    expect(userByExternalId('12345')).toMatchObject({ name: 'Homer Simpson', email: 'homer.simpson@example.com' })
  })

  test('the route sets the type and a given messageId and timestamp are kept', async () => {
    const { body } = await post('/v1/identify', {
      ...homer,
      type: 'track',
      messageId: 'msg-1',
      timestamp: '2024-01-02T03:04:05.000Z'
    })
    expect(body).toMatchObject({ messageId: 'msg-1', type: 'identify' })
    expect(body.actions[0].result).toBe('delivered')
  })

  test('POST /v1/group upserts the organization', async () => {
    const { body } = await post('/v1/group', { groupId: 'xyz999', traits: { name: 'SF Giants' } })
    expect(body.type).toBe('group')
    expect(body.actions.map((a: any) => [a.action, a.result])).toEqual([['upsertOrganization', 'delivered']])
    expect(state().organizations.find((o) => o.external_id === 'xyz999')).toMatchObject({ name: 'SF Giants' })
  })

  test('POST /v1/track records the event on the user', async () => {
    host.simulator!.seed.user({ name: 'Homer Simpson', external_id: '12345', email: 'homer.simpson@example.com' })
    const { body } = await post('/v1/track', { userId: '12345', event: 'Article Read', properties: { title: 'Intro' } })
    expect(body.actions.map((a: any) => [a.action, a.result])).toEqual([['trackEvent', 'delivered']])
    expect(state().events.map((e) => e.type)).toEqual(['Article Read'])
  })

  test('an action that fails is reported with its status and reason', async () => {
    const { body } = await post('/v1/identify', { anonymousId: 'anon-1', traits: { name: 'Nobody' } })
    expect(body.actions).toEqual([expect.objectContaining({ action: 'upsertUser', result: 'rejected', status: 400 })])
    expect(body.actions[0].message).toMatch(/email or external_id/)
  })

  test('a Zendesk server error is reported as retryable', async () => {
    host.simulator!.setFaults({ serverError: { count: 10, status: 500 } })
    const { body } = await post('/v1/identify', homer)
    expect(body.actions).toEqual([expect.objectContaining({ action: 'upsertUser', result: 'retryable', status: 500 })])
    expect(body.actions[0].message).toMatch(/Zendesk server error \(500\)/)
  })

  test('POST /v1/batch runs each subscription once over its events and reports every event', async () => {
    const { status, body } = await post('/v1/batch', {
      context: { library: { name: 'test' } },
      batch: [
        { type: 'identify', userId: 'u1', traits: { name: 'One', email: 'one@example.com' } },
        { type: 'page', userId: 'u1', name: 'Home' },
        { type: 'identify', userId: 'u2', traits: { name: 'Two', email: 'two@example.com' } },
        { type: 'identify', anonymousId: 'a3', traits: { name: 'Three' } },
        { type: 'identify', userId: 'u4', traits: { name: 'Four', email: 'four@example.com' } }
      ]
    })
    expect(status).toBe(200)
    expect(body.events.map((e: any) => e.actions.map((a: any) => a.result))).toEqual([
      ['delivered'],
      [],
      ['delivered'],
      ['rejected'],
      ['delivered']
    ])
    expect(body.events.every((e: any) => typeof e.messageId === 'string')).toBe(true)
    const paths = body.requests['Upsert User'].map((r: any) => new URL(r.request.url).pathname)
    expect(paths).toContain('/api/v2/users/create_or_update_many')
    expect(userByExternalId('u1')).toBeDefined()
    expect(userByExternalId('u2')).toBeDefined()
  })

  test('POST /<action> runs one payload with the field defaults under the given mapping', async () => {
    const { body } = await post('/upsertUser', {
      payload: { type: 'identify', userId: '77', traits: { nickname: 'Barney', email: 'barney@example.com' } },
      mapping: { name: { '@path': '$.traits.nickname' } }
    })
    expect(body).toMatchObject({ action: 'upsertUser', result: 'delivered', status: 200 })
    expect(body.requests.length).toBeGreaterThan(0)
    expect(userByExternalId('77')).toMatchObject({ name: 'Barney', email: 'barney@example.com' })
  })

  test('POST /<action> with an array payload runs a batch with one result per event', async () => {
    const { body } = await post('/upsertUser', {
      payload: [
        { type: 'identify', userId: '81', traits: { name: 'Lenny', email: 'lenny@example.com' } },
        { type: 'identify', traits: { name: 'No id' } },
        { type: 'identify', userId: '82', traits: { name: 'Carl', email: 'carl@example.com' } },
        { type: 'identify', userId: '83', traits: { name: 'Moe', email: 'moe@example.com' } }
      ]
    })
    expect(body.action).toBe('upsertUser')
    expect(body.results.map((r: any) => r.result)).toEqual(['delivered', 'rejected', 'delivered', 'delivered'])
    expect(body.requests.map((r: any) => new URL(r.request.url).pathname)).toContain(
      '/api/v2/users/create_or_update_many'
    )
    expect(userByExternalId('81')).toBeDefined()
    expect(userByExternalId('82')).toBeDefined()
  })

  test('POST /<action> without a payload is a 400', async () => {
    const { status, body } = await post('/upsertUser', { mapping: {} })
    expect(status).toBe(400)
    expect(body.error).toMatch(/payload/)
  })

  test('POST /authenticate accepts the host’s credentials and rejects wrong ones without echoing them', async () => {
    expect((await post('/authenticate', {})).body).toEqual({ ok: true })
    expect((await post('/authenticate', { settings: { subdomain: 'acme' } })).body).toEqual({ ok: true })
    const bad = { subdomain: 'acme', email: 'agent@example.com', api_token: 'wrong-token' }
    for (const body of [{ settings: bad }, bad]) {
      const answer = await post('/authenticate', body)
      expect(answer.body.ok).toBe(false)
      expect(answer.body.error).toMatch(/credentials/i)
      expect(answer.text).not.toContain('wrong-token')
    }
    const invalid = await post('/authenticate', { settings: { subdomain: 'not a subdomain!' } })
    expect(invalid.body.ok).toBe(false)
    // The host's credentials belong to its own account: they are not lent to another subdomain.
    const otherAccount = await post('/authenticate', { settings: { subdomain: 'other' } })
    expect(otherAccount.body).toEqual({ ok: false, error: expect.stringMatching(/No Zendesk credentials/) })
  })

  test('POST /delete removes the user with that external_id', async () => {
    host.simulator!.seed.user({ name: 'Moe', external_id: 'moe-1', email: 'moe@example.com' })
    const { body } = await post('/delete', { payload: { userId: 'moe-1' } })
    expect(body).toMatchObject({ action: 'onDelete', result: 'delivered' })
    expect(userByExternalId('moe-1')).toBeUndefined()
  })

  test('GET /manifest lists the settings, every action with its fields, and the presets in use', async () => {
    const { status, body } = await call(host, 'GET', '/manifest')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      name: 'Zendesk',
      slug: 'actions-zendesk',
      directoryName: 'zendesk',
      target: 'simulator'
    })
    expect(Object.keys(body.actions)).toEqual(Object.keys(definition.actions))
    expect(body.actions.upsertUser.fields.email).toMatchObject({ label: 'Email', type: 'string' })
    expect(body.authentication.fields.api_token.type).toBe('password')
    expect(body.presets).toHaveLength(6)
    // Every action but Upsert Custom Object Record, which runs only where the user subscribes it.
    expect(body.subscriptions.map((s: any) => s.partnerAction)).toEqual(
      Object.keys(definition.actions).filter((key) => key !== 'upsertCustomObjectRecord')
    )
  })

  test('GET /simulator/state shows the simulator’s records', async () => {
    await post('/v1/identify', homer)
    const { status, body } = await call(host, 'GET', '/simulator/state')
    expect(status).toBe(200)
    expect(body.users.map((u: any) => u.external_id)).toContain('12345')
  })

  test('the connection’s tokens and client secret appear in no response and no log line', async () => {
    const answers = await Promise.all([
      call(host, 'GET', '/manifest'),
      call(host, 'GET', '/simulator/state'),
      call(host, 'GET', '/connection'),
      post('/v1/identify', homer),
      post('/upsertUser', { payload: homer }),
      post('/authenticate', {})
    ])
    const secrets = host.target.account.secrets()
    expect(secrets.length).toBeGreaterThanOrEqual(2) // the client secret and at least one access token
    for (const secret of secrets) {
      for (const answer of answers) expect(answer.text).not.toContain(secret)
      expect(logged.join('\n')).not.toContain(secret)
    }
  })

  test('bad requests get a clear 4xx', async () => {
    const notJson = await fetch(`${host.url}/v1/identify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{ nope'
    })
    expect(notJson.status).toBe(400)
    const textPlain = await fetch(`${host.url}/v1/identify`, { method: 'POST', body: JSON.stringify(homer) })
    expect(textPlain.status).toBe(415)
    const unknown = await call(host, 'GET', '/nowhere')
    expect(unknown.status).toBe(404)
    expect(unknown.body.routes).toContain('POST /v1/batch')
    const badBatch = await post('/v1/batch', { events: [] })
    expect(badBatch.status).toBe(400)
  })

  test('a request addressed to another host name is refused (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${host.url}/manifest`, { headers: { Host: 'evil.example.com' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })
})

describe('mapping file', () => {
  const vipOnly = [
    {
      partnerAction: 'upsertUser',
      subscribe: 'type = "identify" and traits.vip = true',
      mapping: { email: { '@path': '$.traits.email' }, external_id: { '@path': '$.userId' }, name: 'VIP' }
    }
  ]

  test('--mapping replaces the presets with the file’s subscriptions', async () => {
    const file = join(tempDir, 'vip.json')
    writeFileSync(file, JSON.stringify(vipOnly))
    const host = await startLocalHost({ port: 0, env: {}, mappingFile: file, log: () => undefined })
    try {
      const vip = await call(host, 'POST', '/v1/identify', {
        userId: 'v1',
        traits: { email: 'v@example.com', vip: true }
      })
      expect(vip.body.actions.map((a: any) => [a.subscription, a.result])).toEqual([['Upsert User', 'delivered']])
      const other = await call(host, 'POST', '/v1/identify', { userId: 'v2', traits: { email: 'w@example.com' } })
      expect(other.body.actions).toEqual([])
      expect(host.simulator!.state().users.find((u) => u.external_id === 'v1')?.name).toBe('VIP')
      expect((await call(host, 'GET', '/manifest')).body.subscriptions).toHaveLength(1)
    } finally {
      await host.close()
    }
  })

  test('a subscription without a mapping gets the action’s field defaults', () => {
    const [subscription] = parseSubscriptions(
      [{ partnerAction: 'upsertUser', subscribe: 'type = "identify"' }],
      definition
    )
    const preset = presetSubscriptions(definition).find((s) => s.partnerAction === 'upsertUser')!
    expect(subscription.mapping).toEqual(preset.mapping)
  })

  test.each([
    [{ partnerAction: 'upsertUser' }, /not a list|JSON list/],
    [[{ partnerAction: 'sendFax', subscribe: 'type = "identify"' }], /partnerAction must be one of upsertUser/],
    [[{ partnerAction: 'upsertUser', subscribe: 'type = "identify' }], /subscribe must be a valid subscription/],
    [[{ partnerAction: 'upsertUser', subscribe: 'type = "identify"', mapping: [] }], /mapping must be an object/]
  ])('rejects %j', (content, message) => {
    expect(() => parseSubscriptions(content, definition)).toThrow(MappingFileError)
    expect(() => parseSubscriptions(content, definition)).toThrow(message)
  })

  test('a missing or broken file stops the host before anything starts', async () => {
    const broken = join(tempDir, 'broken.json')
    writeFileSync(broken, '[{')
    await expect(startLocalHost({ port: 0, env: {}, mappingFile: broken })).rejects.toThrow(/not valid JSON/)
    await expect(startLocalHost({ port: 0, env: {}, mappingFile: join(tempDir, 'absent.json') })).rejects.toThrow(
      /Cannot read the mapping file/
    )
  })
})

describe('local host on a real account (Zendesk mocked with nock)', () => {
  const token = 'secret-tok-1'
  const basic = Buffer.from(`agent@example.com/token:${token}`).toString('base64')
  let host: LocalHost
  const logged: string[] = []

  beforeAll(async () => {
    nock.disableNetConnect()
    nock.enableNetConnect('127.0.0.1')
    host = await startLocalHost({
      port: 0,
      env: { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'agent@example.com', ZENDESK_API_TOKEN: token },
      log: (line) => logged.push(line)
    })
  })
  afterAll(async () => {
    await host.close()
    nock.cleanAll()
    nock.enableNetConnect()
  })

  test('starts no simulator and says which account it sends to', async () => {
    expect(host.simulator).toBeUndefined()
    expect(logged[0]).toContain('https://acme.zendesk.com')
    expect((await call(host, 'GET', '/simulator/state')).status).toBe(404)
  })

  test('never returns or logs the token, even when Zendesk echoes the Authorization header', async () => {
    const echo = function (this: any) {
      return {
        error: 'RecordInvalid',
        details: { base: [{ description: `Bad header ${this.req.headers.authorization}` }] }
      }
    }
    nock('https://acme.zendesk.com')
      .get('/api/v2/users/me')
      .reply(200, function (this: any) {
        return { user: { id: null, name: `Anonymous ${this.req.headers.authorization}` } }
      })
    nock('https://acme.zendesk.com').get('/api/v2/user_fields').query(true).optionally().reply(200, { user_fields: [] })
    nock('https://acme.zendesk.com').post('/api/v2/users/create_or_update').reply(422, echo)
    nock('https://acme.zendesk.com').post('/api/v2/users/create_or_update').reply(422, echo)

    const answers = [
      await call(host, 'POST', '/authenticate', {}),
      await call(host, 'POST', '/v1/identify', homer),
      await call(host, 'POST', '/upsertUser', { payload: homer }),
      await call(host, 'GET', '/manifest')
    ]
    expect(answers[0].body.ok).toBe(false)
    expect(answers[1].body.actions[0]).toMatchObject({ action: 'upsertUser', result: 'rejected', status: 400 })
    expect(answers[1].text).toContain('Bad header')
    for (const answer of answers) {
      expect(answer.text).not.toContain(token)
      expect(answer.text).not.toContain(basic)
    }
    expect(logged.join('\n')).not.toContain(token)
    expect(nock.pendingMocks()).toEqual([])
  })
})
