import { request as httpRequest } from 'http'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import definition from '../../src'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { presetSubscriptions, readMappingFile } from '../../src/cli/mapping-file'
import { resetDestinationState } from '../helpers/harness'
import { call } from '../helpers/local-host-client'

const homer = {
  type: 'identify',
  userId: '12345',
  traits: { name: 'Homer Simpson', email: 'homer.simpson@example.com', phone: '555-555-1234' }
}

const upsertUserPreset = presetSubscriptions(definition).find((s) => s.partnerAction === 'upsertUser')!

/** Only upsertUser, for identifies of VIPs, with a fixed name: easy to tell from the presets. */
const vipOnly = [
  {
    name: 'VIP users',
    partnerAction: 'upsertUser',
    subscribe: 'type = "identify" and traits.vip = true',
    enabled: true,
    mapping: { ...upsertUserPreset.mapping, name: 'VIP' }
  }
]

/** The subscriptions as the mapping list shows them, without what it adds. */
const asSaved = (listed: any[]) =>
  listed.map(
    ({ position: _position, trigger: _trigger, recentMatches: _recentMatches, ...subscription }) => subscription
  )

const tempDir = mkdtempSync(join(tmpdir(), 'mapping-page-'))
let fileCount = 0
const freshPath = () => join(tempDir, `mapping-${++fileCount}.json`)

describe('mapping page routes', () => {
  let host: LocalHost
  let newMappingFile: string
  const post = (path: string, body: unknown) => call(host, 'POST', path, body)
  const get = (path: string) => call(host, 'GET', path)

  beforeEach(async () => {
    resetDestinationState()
    newMappingFile = freshPath()
    host = await startLocalHost({ port: 0, env: {}, newMappingFile, log: () => undefined })
  })
  afterEach(() => host.close())

  test('GET / and /mapping serve the page, its script’s modules and its style sheet from this host only', async () => {
    for (const path of ['/', '/mapping']) {
      const page = await get(path)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/)
      expect(page.text).toContain('<script type="module" src="/mapping/app.js"></script>')
      expect(page.text).toContain('href="/mapping/style.css"')
    }
    // Each TypeScript module of the page is served compiled, as the module the others import.
    const moduleFiles = readdirSync(join(__dirname, '../../src/cli/page')).filter((file) => file.endsWith('.ts'))
    expect(moduleFiles).toContain('app.ts')
    const modules = await Promise.all(moduleFiles.map((file) => get(`/mapping/${file.replace(/\.ts$/, '.js')}`)))
    for (const script of modules) {
      expect(script.status).toBe(200)
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      expect(script.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
      expect(script.text).not.toMatch(/^(import type|(export )?interface|(export )?type) /m)
    }
    const app = modules[moduleFiles.indexOf('app.ts')].text
    expect(app).toMatch(/^import \{ getJson \} from '\.\/api\.js';?$/m)
    const style = await get('/mapping/style.css')
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8')
    for (const file of [await get('/'), style, ...modules]) {
      // Works offline: nothing is loaded from another origin.
      expect(file.text).not.toMatch(/(src|href)=["']?(https?:)?\/\//)
      expect(file.text).not.toMatch(/@import|url\(\s*['"]?https?:/)
      expect(file.text).not.toMatch(/from ['"](https?:)?\/\//)
    }
  })

  test('GET /mapping/model lists every action with its preset and fields, and the subscriptions in use', async () => {
    const { status, text, body } = await get('/mapping/model')
    expect(status).toBe(200)
    expect(body.target.kind).toBe('simulator')
    expect(body.mappingFile).toEqual({ path: newMappingFile, inUse: false, exists: false })
    expect(body.recentEvents).toBe(0)
    expect(body.actions.map((a: any) => a.key)).toEqual(Object.keys(definition.actions))
    const upsertUser = body.actions[0]
    expect(upsertUser).toMatchObject({ title: 'Upsert User', preset: { subscribe: 'type = "identify"' } })
    expect(upsertUser.fields.find((f: any) => f.key === 'email')).toEqual({
      key: 'email',
      label: 'Email',
      description: expect.stringContaining('Default: traits.email'),
      type: 'string',
      required: false,
      multiple: false,
      dynamic: false,
      default: { '@path': '$.traits.email' }
    })
    // Object fields whose keys (and, for ticket fields, each key's values) are listed from the account.
    const field = (action: string, key: string) =>
      body.actions.find((a: any) => a.key === action).fields.find((f: any) => f.key === key)
    expect(field('upsertUser', 'user_fields').objectChoices).toEqual({ keys: true, values: false })
    expect(field('upsertOrganization', 'organization_fields').objectChoices).toEqual({ keys: true, values: false })
    expect(field('createTicket', 'custom_fields').objectChoices).toEqual({ keys: true, values: true })
    expect(field('updateTicket', 'custom_fields').objectChoices).toEqual({ keys: true, values: true })
    expect(field('trackEvent', 'properties').objectChoices).toBeUndefined()
    expect(asSaved(body.subscriptions)).toEqual(presetSubscriptions(definition))
    expect(body.subscriptions[0]).toMatchObject({ position: 1, trigger: 'Event type is identify', recentMatches: 0 })
    for (const secret of host.target.account.secrets()) expect(text).not.toContain(secret)
  })

  test('GET /mapping/examples gives the shipped example events in file order', async () => {
    const { status, body } = await get('/mapping/examples')
    expect(status).toBe(200)
    const shipped = readFileSync(join(__dirname, '../../examples/seed-events.ndjson'), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line))
    expect(body.examples.map((e: any) => e.event)).toEqual(shipped)
    expect(body.examples[1]).toEqual({
      label: '2. identify userId=12345 — Homer Simpson',
      event: expect.objectContaining({ type: 'identify', userId: '12345' })
    })
    expect(body.examples.map((e: any) => e.label)).toContain('9. identify userId=12345 — leaves company 6789')
  })

  test('POST /mapping/send reports matches, mapped payload, Zendesk requests, result and records', async () => {
    const { status, text, body } = await post('/mapping/send', { event: homer })
    expect(status).toBe(200)
    expect(body.event).toMatchObject({ ...homer, messageId: expect.stringMatching(/^api-/) })
    const matched = body.subscriptions.filter((s: any) => s.matches).map((s: any) => s.partnerAction)
    expect(matched).toEqual(['upsertUser'])
    expect(body.subscriptions).toHaveLength(6)
    const [run] = body.report.actions
    expect(run).toMatchObject({ action: 'upsertUser', result: 'delivered', status: 200 })
    expect(run.payload).toMatchObject({ email: 'homer.simpson@example.com', external_id: '12345' })
    const sent = run.requests.map((r: any) => `${r.request.method} ${new URL(r.request.url).pathname}`)
    expect(sent).toContain('POST /api/v2/users/create_or_update')
    expect(body.state.users).toContainEqual(expect.objectContaining({ external_id: '12345', name: 'Homer Simpson' }))
    expect(Object.keys(body.state)).toEqual(['users', 'organizations', 'memberships', 'tickets', 'events'])
    for (const secret of host.target.account.secrets()) expect(text).not.toContain(secret)
  })

  test('POST /mapping/preview maps the event without sending, with problems on their fields and FQL checks', async () => {
    // What the host sent as it connected at start is not the preview's.
    const requestsBefore = host.simulator!.requests.length
    const ticketCreated = {
      type: 'track',
      event: 'Ticket Created',
      userId: '12345',
      messageId: 'm-1',
      properties: { subject: 'Cannot log in', group_id: 'billing' }
    }
    const { status, body } = await post('/mapping/preview', {
      event: ticketCreated,
      subscriptions: [
        {
          partnerAction: 'createTicket',
          subscribe: 'type = "track" and event = "Ticket Created"',
          mapping: { subject: { '@path': '$.event' }, group_id: { '@path': '$.properties.group_id' } }
        },
        { partnerAction: 'createTicket', subscribe: 'type == "track"', mapping: {} },
        { partnerAction: 'trackEvent', subscribe: 'type = "track" and properties.plan exists', mapping: {} },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify', mapping: 'not json' },
        {
          partnerAction: 'upsertOrganization',
          subscribe: 'type = "group"',
          mapping: { external_id: { '@path': '$.groupId' } }
        },
        {
          partnerAction: 'upsertOrganization',
          subscribe: 'type = "track"',
          mapping: { external_id: { '@path': '$.groupId' } }
        }
      ]
    })
    expect(status).toBe(200)
    const [mapped, doubleEquals, missingPath, broken, notMatching, noGroupId] = body.subscriptions
    expect(mapped).toEqual({
      fql: { words: 'Event type is track and event name is "Ticket Created"', warnings: [] },
      matches: true,
      payload: { subject: 'Ticket Created', group_id: 'billing' },
      fields: [{ field: 'group_id', message: 'Group ID must be an integer but it was a string.' }]
    })
    expect(doubleEquals.matches).toBe(false)
    expect(doubleEquals.fql.warnings).toEqual([
      expect.stringMatching(
        /^Create Ticket: «type == "track"» uses ==, which FQL reads as = followed by the value "="/
      ),
      'Create Ticket: «type == "track"» matches none of the 9 shipped example events.'
    ])
    expect(missingPath.fql.warnings).toEqual([
      'Track Event: the test event has no properties.plan, which the subscription tests.',
      'Track Event: «type = "track" and properties.plan exists» matches none of the 9 shipped example events.'
    ])
    expect(broken.fql.error).toMatch(/^Upsert User: «type = "identify» is not valid FQL/)
    expect(broken.mappingProblem).toBe('Upsert User: the mapping is not a JSON object.')
    // A subscription never gets an event it does not match: no problem of its fields is real for that event.
    expect(notMatching).toMatchObject({ matches: false, payload: {}, fields: [] })
    expect(noGroupId.matches).toBe(true)
    expect(noGroupId.fields).toEqual([
      { field: 'external_id', message: 'Group ID is required and is empty for this event.' }
    ])
    expect(host.simulator!.state().tickets).toEqual([])
    expect(host.simulator!.requests.slice(requestsBefore)).toEqual([])
  })

  test('POST /mapping/choices lists a field’s choices from the account, and a Zendesk error as its error', async () => {
    const groups = await post('/mapping/choices', { action: 'createTicket', field: 'group_id' })
    expect(groups.status).toBe(200)
    expect(groups.body.choices.map((choice: any) => choice.label)).toEqual(['Support', 'Billing', 'Tier 2'])
    const keys = await post('/mapping/choices', { action: 'upsertUser', field: 'user_fields.__keys__' })
    expect(keys.body.choices.map((choice: any) => choice.value)).toContain('plan')
    const product = host.simulator!.state().ticketFields.find((f) => f.title === 'Product')!
    const options = await post('/mapping/choices', { action: 'createTicket', field: `custom_fields.${product.id}` })
    expect(options.body.choices.map((choice: any) => choice.value)).toEqual(['mobile_app', 'web_app', 'api'])

    host.simulator!.setFaults({ serverError: { count: 5, status: 503, path: '/api/v2/brands' } })
    const brands = await post('/mapping/choices', { action: 'createTicket', field: 'brand_id' })
    expect(brands.body).toEqual({ choices: [], error: { code: '503', message: expect.stringContaining('brands') } })
    expect((await post('/mapping/choices', { action: 'sendFax', field: 'x' })).status).toBe(400)
  })

  test('POST /mapping/choices lists the custom objects, and the fields and options of the object chosen', async () => {
    const action = 'upsertCustomObjectRecord'
    const objects = await post('/mapping/choices', { action, field: 'custom_object_key' })
    expect(objects.body.choices).toEqual([{ value: 'order', label: 'Order' }])
    const chosen = { custom_object_key: 'order' }
    const keys = await post('/mapping/choices', { action, field: 'custom_object_fields.__keys__', payload: chosen })
    expect(keys.body.choices.map((choice: any) => [choice.value, choice.type])).toEqual([
      ['amount', 'number'],
      ['status', 'string'],
      ['ordered_on', 'string'],
      ['customer', 'string'],
      ['company', 'string']
    ])
    expect(keys.body.choices[3].description).toBe("Type: lookup; takes a user's external ID or email")
    const status = await post('/mapping/choices', { action, field: 'custom_object_fields.status', payload: chosen })
    expect(status.body.choices.map((choice: any) => choice.value)).toEqual(['pending', 'paid', 'shipped', 'refunded'])
    const unchosen = await post('/mapping/choices', { action, field: 'custom_object_fields.__keys__' })
    expect(unchosen.body).toEqual({
      choices: [],
      error: { code: '400', message: expect.stringMatching(/Choose the Custom Object first/) }
    })
  })

  test('an action without a preset is suggested with its default subscription and field defaults', async () => {
    const { body } = await get('/mapping/model')
    const action = body.actions.find((a: any) => a.key === 'upsertCustomObjectRecord')
    expect(action.preset).toBeUndefined()
    expect(action.suggested).toMatchObject({
      subscribe: 'type = "track" and event = "Order Completed"',
      mapping: expect.objectContaining({ custom_object_fields: { '@path': '$.properties' } })
    })
    expect(action.fields.find((f: any) => f.key === 'custom_object_fields').objectChoices).toEqual({
      keys: true,
      values: true
    })
  })

  test('POST /mapping/send with edited subscriptions runs them without saving them', async () => {
    const { body } = await post('/mapping/send', {
      event: { ...homer, traits: { ...homer.traits, vip: true } },
      subscriptions: vipOnly
    })
    expect(body.report.actions.map((a: any) => [a.subscription, a.result])).toEqual([['VIP users', 'delivered']])
    expect(host.simulator!.state().users.find((u) => u.external_id === '12345')?.name).toBe('VIP')
    expect(asSaved((await get('/mapping/model')).body.subscriptions)).toEqual(presetSubscriptions(definition))
    expect(existsSync(newMappingFile)).toBe(false)
  })

  test('POST /mapping/send answers 400 for an event that is not one, or edits that do not check', async () => {
    expect((await post('/mapping/send', {})).status).toBe(400)
    const noType = await post('/mapping/send', { event: { userId: '1' } })
    expect(noType.status).toBe(400)
    expect(noType.body.error).toMatch(/"type"/)
    const badEdit = await post('/mapping/send', { event: homer, subscriptions: [{ ...vipOnly[0], subscribe: '' }] })
    expect(badEdit.status).toBe(400)
    expect(badEdit.body.problems).toEqual([
      expect.stringMatching(/^Upsert User \(subscription 1\): subscribe must be a valid/)
    ])
  })

  test('a mapping may carry __segment_internal_sync_mode where the action has sync modes, with one of its modes', async () => {
    const preset = presetSubscriptions(definition).find((s) => s.partnerAction === 'upsertUser')!
    const withMode = (mode: unknown) => [
      { ...preset, mapping: { ...preset.mapping, __segment_internal_sync_mode: mode } }
    ]
    expect((await post('/mapping/send', { event: homer, subscriptions: withMode('update') })).status).toBe(200)
    const mirror = await post('/mapping/send', { event: homer, subscriptions: withMode('mirror') })
    expect(mirror.body.problems).toEqual([
      expect.stringMatching(/__segment_internal_sync_mode "mirror"; it must be one of upsert, update, add, delete/)
    ])
    const ticket = presetSubscriptions(definition).find((s) => s.partnerAction === 'createTicket')!
    const onTicket = await post('/mapping/send', {
      event: homer,
      subscriptions: [{ ...ticket, mapping: { ...ticket.mapping, __segment_internal_sync_mode: 'add' } }]
    })
    expect(onTicket.body.problems).toEqual([
      expect.stringMatching(/"__segment_internal_sync_mode", which is not a field/)
    ])
  })

  test('POST /mapping/save lists every problem, writes nothing and keeps the subscriptions in use', async () => {
    const { status, body } = await post('/mapping/save', {
      subscriptions: [
        { partnerAction: 'sendFax', subscribe: 'type = "identify"', mapping: {} },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify', mapping: {} },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify"', mapping: [] },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify"' },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify"', mapping: { emial: 'x' } },
        { partnerAction: 'upsertUser', subscribe: 'type = "identify"', mapping: { email: { '@path': 5 } } },
        'not an object'
      ]
    })
    expect(status).toBe(400)
    expect(body.problems).toEqual([
      expect.stringMatching(/^Subscription 1: partnerAction must be one of upsertUser, .*\(got "sendFax"\)/),
      expect.stringMatching(
        /^Upsert User \(subscription 2\): subscribe must be a valid subscription .*\(got «type = "identify»\)/
      ),
      expect.stringMatching(/^Upsert User \(subscription 3\): mapping must be an object/),
      expect.stringMatching(/^Upsert User \(subscription 4\): mapping is missing/),
      expect.stringMatching(
        /^Upsert User \(subscription 5\): mapping has "emial", which is not a field of Upsert User/
      ),
      expect.stringMatching(/^Upsert User \(subscription 6\): mapping \/email\/@path should be a string/),
      'Subscription 7 is not an object.'
    ])
    expect(body.error).toMatch(/^The mappings have 7 problems/)
    expect(existsSync(newMappingFile)).toBe(false)
    expect((await post('/mapping/save', { subscriptions: {} })).body.error).toMatch(/JSON list/)
    expect((await get('/mapping/model')).body.mappingFile.inUse).toBe(false)
    expect(host.runner.subscriptions).toEqual(presetSubscriptions(definition))
  })

  test('saving without --mapping creates the file, and the host and a restarted host use it', async () => {
    const saved = await post('/mapping/save', { subscriptions: vipOnly })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ saved: newMappingFile, switched: true })
    expect(JSON.parse(readFileSync(newMappingFile, 'utf8'))).toEqual(vipOnly)

    const model = (await get('/mapping/model')).body
    expect(model.mappingFile).toEqual({ path: newMappingFile, inUse: true, exists: true })
    expect(asSaved(model.subscriptions)).toEqual(vipOnly)

    const vip = await post('/v1/identify', { userId: 'v1', traits: { email: 'v@example.com', vip: true } })
    expect(vip.body.actions.map((a: any) => [a.subscription, a.result])).toEqual([['VIP users', 'delivered']])
    expect((await post('/v1/identify', homer)).body.actions).toEqual([])
    expect(host.simulator!.state().users.find((u) => u.external_id === 'v1')?.name).toBe('VIP')

    expect(await readMappingFile(newMappingFile, definition)).toEqual(vipOnly)
  })

  test('saving with --mapping replaces that file', async () => {
    const mappingFile = freshPath()
    writeFileSync(mappingFile, JSON.stringify([{ partnerAction: 'upsertUser', subscribe: 'type = "identify"' }]))
    const other = await startLocalHost({ port: 0, env: {}, mappingFile, newMappingFile, log: () => undefined })
    try {
      expect((await call(other, 'GET', '/mapping/model')).body.mappingFile).toEqual({
        path: mappingFile,
        inUse: true,
        exists: true
      })
      const saved = await call(other, 'POST', '/mapping/save', { subscriptions: vipOnly })
      expect(saved.body).toMatchObject({ saved: mappingFile, switched: false })
      expect(JSON.parse(readFileSync(mappingFile, 'utf8'))).toEqual(vipOnly)
      expect(existsSync(newMappingFile)).toBe(false)
    } finally {
      await other.close()
    }
  })

  test('keeps the host’s protections: JSON POSTs only, and only for requests addressed to it', async () => {
    const textPlain = await fetch(`${host.url}/mapping/save`, {
      method: 'POST',
      body: JSON.stringify({ subscriptions: vipOnly })
    })
    expect(textPlain.status).toBe(415)
    expect(existsSync(newMappingFile)).toBe(false)
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${host.url}/`, { headers: { Host: 'evil.example.com' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })
})

describe('mapping page on a real account', () => {
  test('says so and never shows the credentials', async () => {
    const token = 'secret-tok-3'
    const host = await startLocalHost({
      port: 0,
      env: { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'agent@example.com', ZENDESK_API_TOKEN: token },
      newMappingFile: freshPath(),
      log: () => undefined
    })
    try {
      const model = await call(host, 'GET', '/mapping/model')
      expect(model.body.target).toEqual({
        kind: 'zendesk',
        description: 'Sending to the Zendesk account https://acme.zendesk.com with a legacy credential'
      })
      for (const path of ['/', '/mapping/app.js', '/mapping/model', '/mapping/examples']) {
        expect((await call(host, 'GET', path)).text).not.toContain(token)
      }
    } finally {
      await host.close()
    }
  })
})
