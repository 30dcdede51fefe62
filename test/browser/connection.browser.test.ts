import { mkdirSync, mkdtempSync } from 'fs'
import { tmpdir } from 'os'
import { join, resolve } from 'path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { call } from '../helpers/local-host-client'
import { chromiumLaunchOptions } from './chromium'
import { eventually, textOf } from './mapping-page-session'

const SCREENSHOTS = resolve(__dirname, '../../artifacts')
const CLIENT_ID = 'actions-zendesk'

/**
 * Connect Zendesk as a person does, in headless Chromium (see ./chromium.ts for which one): the local host for an
 * account (a simulator this test runs plays it, so that it outlives a restart of the host), Zendesk's consent page,
 * Allow, an event delivered, a restart, Disconnect, and Deny.
 */
describe('Connect Zendesk in a browser', () => {
  let simulator: RunningSimulator
  let browser: Browser
  let page: Page
  let host: LocalHost
  const problems: string[] = []
  const connectionFile = join(mkdtempSync(join(tmpdir(), 'connection-browser-')), 'zendesk-acme.json')

  /** The host for the account; its OAuth client's redirect URL registered at Zendesk as an admin does. */
  async function startHost(): Promise<LocalHost> {
    const started = await startLocalHost({
      port: 0,
      env: { ZENDESK_SUBDOMAIN: 'acme', ZENDESK_CLIENT_ID: CLIENT_ID },
      connectionFile,
      zendeskOrigin: simulator.url,
      log: () => undefined
    })
    simulator.oauth.addClient({
      identifier: CLIENT_ID,
      name: 'actions-zendesk local host',
      kind: 'public',
      redirectUris: [`${started.url}/oauth/callback`]
    })
    return started
  }

  const state = () => page.locator('#connection-state')
  const details = () => textOf(page.locator('#connection-details'))
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `connection-${name}.png`) })

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    simulator = await startSimulator({ account: 'demo', endpointLimits: false })
    host = await startHost()
    browser = await chromium.launch(await chromiumLaunchOptions())
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    page.setDefaultTimeout(5000)
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('console', (message) => {
      // The page asks for the simulator's records; a host for a real account answers 404 there, as it should.
      if (message.type() === 'error' && !message.text().includes('status of 404')) {
        problems.push(`console error: ${message.text()}`)
      }
    })
  }, 60_000) // the first run unpacks Chromium

  afterAll(async () => {
    await browser?.close()
    await host?.close()
    await simulator?.close()
  })

  test('Connect Zendesk → the consent page → Allow → connected, and an event is delivered', async () => {
    await page.goto(`${host.url}/`)
    await eventually(async () => expect(await state().textContent()).toBe('not connected'))
    expect(await page.locator('#connection-note').textContent()).toMatch(/Events wait/)

    await page.click('#connect')
    await page.waitForURL((url) => url.href.startsWith(`${simulator.url}/oauth/authorizations/new`))
    expect(await page.locator('h1').textContent()).toBe(
      'actions-zendesk local host wants to access your Zendesk account acme'
    )
    await screenshot('consent')
    await page.getByRole('button', { name: 'Allow' }).click()

    await page.waitForURL(`${host.url}/#connection`)
    await eventually(async () => expect(await state().textContent()).toBe('connected'))
    const shown = await details()
    expect(shown).toMatch(/Connected as.*@/)
    expect(shown).toMatch(/Token expires/)
    expect(shown).toContain(connectionFile)
    await screenshot('connected')

    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Send an event' }).click()
    const homer = page.locator('#example option', { hasText: 'Homer Simpson' })
    await page.selectOption('#example', (await homer.getAttribute('value'))!)
    await page.click('#send')
    const run = page.locator('#actions-run .run[data-action="upsertUser"]')
    await run.waitFor()
    expect(await run.locator('.badge').textContent()).toBe('delivered · 200')
    expect(simulator.state().users.map((user) => user.external_id)).toContain('12345')
  })

  test('the host restarted is still connected; Disconnect revokes, and events wait', async () => {
    // Off the page first: a request of the page that the stopping host cuts off would be a console error.
    await page.goto('about:blank')
    await host.close()
    host = await startHost()
    await page.goto(`${host.url}/`)
    await eventually(async () => expect(await state().textContent()).toBe('connected'))
    expect(await details()).toMatch(/Connected as.*@/)

    await page.click('#disconnect')
    await eventually(async () => expect(await state().textContent()).toBe('not connected'))
    expect(await page.locator('#connection-status').textContent()).toBe('Disconnected: the token is revoked.')
    expect(await page.locator('#disconnect').isDisabled()).toBe(true)

    const { body } = await call(host, 'POST', '/v1/identify', { userId: 'ned', traits: { email: 'ned@example.com' } })
    expect(body.actions[0]).toMatchObject({ result: 'retryable', awaitingConnection: true })
    await page.goto(`${host.url}/deliveries/page`)
    const row = page.locator('tr', { hasText: body.deliveryId })
    expect(await row.getAttribute('class')).toBe('awaiting-connection')
    expect(await row.textContent()).toMatch(/awaiting connection.*not connected/)
    await screenshot('events-pending')
  })

  test('Deny on the consent page: not connected, and the page says why', async () => {
    await page.goto(`${host.url}/`)
    await page.click('#connect')
    await page.waitForURL((url) => url.href.startsWith(`${simulator.url}/oauth/authorizations/new`))
    await page.getByRole('button', { name: 'Deny' }).click()
    await page.waitForURL(`${host.url}/#connection`)
    await eventually(async () => expect(await page.locator('#connection-problem').isVisible()).toBe(true))
    expect(await page.locator('#connection-problem').textContent()).toBe(
      'Zendesk’s consent page was answered with Deny, so no connection was made. Choose Connect Zendesk again and Allow to connect.'
    )
    expect(await state().textContent()).toBe('not connected')
    await screenshot('denied')
    const content = await page.content()
    for (const secret of host.target.account.secrets()) expect(content).not.toContain(secret)
    expect(problems).toEqual([])
  })
})
