import { mkdtempSync, readFileSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import definition from '../../src'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { MappingFileError, parseSubscriptions, presetSubscriptions } from '../../src/cli/mapping-file'
import { resetDestinationState } from '../helpers/harness'
import { call } from '../helpers/local-host-client'

const ticketCreated = {
  type: 'track',
  event: 'Ticket Created',
  userId: '12345',
  properties: { external_id: 'e2e-ticket-1', subject: 'Cannot log in', comment: 'Help' }
}
const homerWithCompany = {
  type: 'identify',
  userId: '12345',
  traits: { name: 'Homer Simpson', email: 'homer.simpson@example.com', company: { id: '6789' } }
}

const presets = presetSubscriptions(definition)
const positionOf = (action: string) => presets.findIndex((s) => s.partnerAction === action) + 1
const presetOf = (action: string) => presets.find((s) => s.partnerAction === action)!

const tempDir = mkdtempSync(join(tmpdir(), 'mapping-subscriptions-'))
let fileCount = 0
const freshPath = () => join(tempDir, `mapping-${++fileCount}.json`)

/** The mapping page's routes for one mapping at a time: on/off, save, remove, test alone, test events. */
describe('mapping page: one mapping at a time', () => {
  let host: LocalHost
  let mappingFile: string
  const post = (path: string, body: unknown) => call(host, 'POST', path, body)
  const start = (options: { mappingFile?: string } = {}) =>
    startLocalHost({ port: 0, env: {}, newMappingFile: mappingFile, log: () => undefined, ...options })
  const savedFile = () => JSON.parse(readFileSync(mappingFile, 'utf8'))
  const listed = async () => (await call(host, 'GET', '/mapping/model')).body.subscriptions
  const sentPaths = (from: number) =>
    host.simulator!.requests.slice(from).map((request) => `${request.method} ${request.path}`)

  beforeEach(async () => {
    resetDestinationState()
    mappingFile = freshPath()
    host = await start()
  })
  afterEach(() => host.close())

  test('the list shows each mapping with its position, trigger in words, on/off and recent matches', async () => {
    await post('/v1/track', ticketCreated)
    await post('/v1/identify', homerWithCompany)
    const model = (await call(host, 'GET', '/mapping/model')).body
    expect(model.recentEvents).toBe(2)
    expect(model.subscriptions.map((s: any) => [s.position, s.partnerAction, s.enabled, s.recentMatches])).toEqual([
      [1, 'upsertUser', true, 1],
      [2, 'updateOrganizationMembership', true, 1],
      [3, 'upsertOrganization', true, 0],
      [4, 'trackEvent', true, 0],
      [5, 'createTicket', true, 1],
      [6, 'updateTicket', true, 0]
    ])
    const trigger = (action: string) => model.subscriptions.find((s: any) => s.partnerAction === action).trigger
    expect(trigger('upsertUser')).toBe('Event type is identify')
    expect(trigger('createTicket')).toBe('Event type is track and event name is "Ticket Created"')
    expect(trigger('updateOrganizationMembership')).toBe('Event type is identify and trait company.id exists')
  })

  test('on/off is saved in the mapping file and honoured: an off mapping receives nothing, after a restart too', async () => {
    const position = positionOf('createTicket')
    const off = await post('/mapping/subscription/enabled', { position, was: presetOf('createTicket'), enabled: false })
    expect(off.status).toBe(200)
    expect(off.body).toMatchObject({ saved: mappingFile, switched: true })
    expect(savedFile()[position - 1]).toMatchObject({ partnerAction: 'createTicket', enabled: false })
    expect(savedFile().filter((s: any) => s.enabled).length).toBe(presets.length - 1)

    await post('/v1/identify', homerWithCompany)
    expect((await post('/v1/track', ticketCreated)).body.actions).toEqual([])
    expect((await post('/v1/batch', { batch: [ticketCreated] })).body.events[0].actions).toEqual([])
    expect(host.simulator!.state().tickets).toEqual([])

    // A restart reads the file: still off.
    await host.close()
    host = await start({ mappingFile })
    const afterRestart = await listed()
    expect(afterRestart[position - 1]).toMatchObject({ partnerAction: 'createTicket', enabled: false })
    await post('/v1/identify', homerWithCompany)
    expect((await post('/v1/track', ticketCreated)).body.actions).toEqual([])

    const on = await post('/mapping/subscription/enabled', { position, was: afterRestart[position - 1], enabled: true })
    expect(on.status).toBe(200)
    expect(savedFile()[position - 1].enabled).toBe(true)
    const sent = await post('/v1/track', ticketCreated)
    expect(sent.body.actions).toEqual([expect.objectContaining({ action: 'createTicket', result: 'delivered' })])
    expect(host.simulator!.state().tickets).toEqual([expect.objectContaining({ external_id: 'e2e-ticket-1' })])
  })

  test('a mapping file keeps on/off as "enabled": missing is on, anything but true or false is refused', () => {
    const [missing, off] = parseSubscriptions(
      [
        { partnerAction: 'upsertUser', subscribe: 'type = "identify"' },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify"', enabled: false }
      ],
      definition
    )
    expect([missing.enabled, off.enabled]).toEqual([true, false])
    const bad = [{ partnerAction: 'upsertUser', subscribe: 'type = "identify"', enabled: 'no' }]
    expect(() => parseSubscriptions(bad, definition)).toThrow(MappingFileError)
    expect(() => parseSubscriptions(bad, definition)).toThrow(
      'Upsert User (subscription 1): enabled must be true or false (got "no").'
    )
  })

  test('a change to a mapping the page no longer shows as it is answers 409 and changes nothing', async () => {
    const position = positionOf('upsertUser')
    const stale = { ...presetOf('upsertUser'), subscribe: 'type = "identify" and traits.vip = true' }
    const answer = await post('/mapping/subscription/enabled', { position, was: stale, enabled: false })
    expect(answer.status).toBe(409)
    expect(answer.body.error).toMatch(/^Mapping 1 has changed since the page showed it/)
    expect((await post('/mapping/subscription/remove', { position: 99, was: stale })).status).toBe(409)
    expect((await listed()).every((s: any) => s.enabled)).toBe(true)
    expect((await post('/mapping/subscription/enabled', { position, was: presetOf('upsertUser') })).status).toBe(400)
  })

  test('save replaces one mapping or adds one at the end; its problems name its position; remove drops it', async () => {
    const position = positionOf('upsertUser')
    const vip = { ...presetOf('upsertUser'), name: 'VIP users', subscribe: 'type = "identify" and traits.vip = true' }
    const saved = await post('/mapping/subscription/save', { position, was: presetOf('upsertUser'), subscription: vip })
    expect(saved.status).toBe(200)
    expect(saved.body.position).toBe(position)
    expect(savedFile()[position - 1]).toEqual({ ...vip, enabled: true })

    const broken = await post('/mapping/subscription/save', {
      subscription: { ...presetOf('createTicket'), subscribe: 'type = "track', mapping: { subjct: 'x' } }
    })
    expect(broken.status).toBe(400)
    expect(broken.body.problems).toEqual([
      expect.stringMatching(/^Create Ticket \(subscription 7\): subscribe must be a valid subscription/)
    ])
    const added = await post('/mapping/subscription/save', {
      subscription: { ...presetOf('createTicket'), name: 'Urgent tickets', enabled: false }
    })
    expect(added.body.position).toBe(presets.length + 1)
    expect(savedFile()).toHaveLength(presets.length + 1)
    expect(savedFile()[presets.length]).toMatchObject({ name: 'Urgent tickets', enabled: false })

    const removed = await post('/mapping/subscription/remove', {
      position: presets.length + 1,
      was: added.body.subscriptions[presets.length]
    })
    expect(removed.body.subscriptions).toHaveLength(presets.length)
    expect(savedFile().map((s: any) => s.name)).not.toContain('Urgent tickets')
  })

  test('Test this mapping runs the event through that one mapping alone, edited and off, and saves nothing', async () => {
    await post('/v1/identify', { type: 'identify', userId: '12345', traits: { email: 'homer.simpson@example.com' } })
    const billing = host.simulator!.state().groups.find((group) => group.name === 'Billing')!
    const before = host.simulator!.requests.length
    const edited = {
      ...presetOf('createTicket'),
      enabled: false,
      mapping: { ...presetOf('createTicket').mapping, group_id: billing.id }
    }
    const tested = await post('/mapping/subscription/test', {
      event: ticketCreated,
      subscription: edited,
      position: positionOf('createTicket')
    })
    expect(tested.status).toBe(200)
    expect(tested.body.matches).toBe(true)
    const [result] = tested.body.report.actions
    expect(tested.body.report.actions).toHaveLength(1)
    expect(result).toMatchObject({ action: 'createTicket', result: 'delivered', payload: { group_id: billing.id } })
    expect(result.requests.length).toBeGreaterThan(0)
    const tickets = host.simulator!.state().tickets
    expect(tickets).toEqual([expect.objectContaining({ external_id: 'e2e-ticket-1', group_id: billing.id })])
    expect(tested.body.changes).toContainEqual({ collection: 'tickets', id: tickets[0].id, change: 'new' })
    // Only Create Ticket's requests: no user written, no other action run.
    expect(sentPaths(before).every((path) => /\/api\/v2\/(tickets|users\/search|users\/show_many)/.test(path))).toBe(
      true
    )
    expect(sentPaths(before)).toContainEqual(expect.stringMatching(/^POST \/api\/v2\/tickets/))
    expect((await call(host, 'GET', '/mapping/model')).body.mappingFile.exists).toBe(false)
  })

  test('Test this mapping runs one of two matching mappings alone, and says when the trigger does not match', async () => {
    const before = host.simulator!.requests.length
    const tested = await post('/mapping/subscription/test', {
      event: homerWithCompany,
      subscription: presetOf('upsertUser')
    })
    expect(tested.body.report.actions.map((a: any) => [a.action, a.result])).toEqual([['upsertUser', 'delivered']])
    expect(sentPaths(before).some((path) => path.includes('organization_memberships'))).toBe(false)
    expect(host.simulator!.state().memberships).toEqual([])

    const notMatching = await post('/mapping/subscription/test', {
      event: ticketCreated,
      subscription: presetOf('upsertOrganization')
    })
    expect(notMatching.body.matches).toBe(false)
    expect(
      (await post('/mapping/subscription/test', { event: ticketCreated, subscription: { partnerAction: 'x' } })).status
    ).toBe(400)
  })

  test('test events: the last events received, then the shipped examples, those the trigger matches first', async () => {
    await post('/v1/track', { ...ticketCreated, properties: { ...ticketCreated.properties, subject: 'Received' } })
    await post('/v1/identify', homerWithCompany)
    const { body } = await post('/mapping/test-events', { subscribe: presetOf('createTicket').subscribe })
    expect(body.events.map((e: any) => [e.source, e.matches, e.label]).slice(0, 3)).toEqual([
      ['received', true, 'track "Ticket Created" userId=12345 (delivery d1)'],
      ['example', true, '7. track "Ticket Created" userId=12345'],
      ['received', false, 'identify userId=12345 (delivery d2)']
    ])
    expect(body.events).toHaveLength(2 + 9)
    expect(body.events[0].receivedAt).toEqual(expect.any(String))
  })
})
