import { existsSync, mkdirSync, readFileSync } from 'fs'
import { resolve } from 'path'
import type { Page } from 'playwright-core'
import type { LocalHost } from '../../src/cli/local-host'
import {
  eventually,
  goToStep,
  openFromList,
  openMappingPage,
  textOf,
  type MappingPageSession
} from './mapping-page-session'

const SCREENSHOT = resolve(__dirname, '../../artifacts/mapping-page.png')

/** Drives the mapping page in headless Chromium (see ./chromium.ts for which one) against the embedded simulator. */
describe('mapping page in a browser', () => {
  let session: MappingPageSession
  let host: LocalHost
  let page: Page
  let problems: string[]
  let newMappingFile: string

  beforeAll(async () => {
    // The page's own 400 answers (a save that does not check) are expected; any other console error is not.
    session = await openMappingPage('mapping-page-browser', (text) =>
      text.includes('the server responded with a status of 400')
    )
    ;({ host, page, problems, newMappingFile } = session)
  }, 60_000) // the first run unpacks Chromium (about 3 s here)

  afterAll(() => session?.close())

  const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name })
  const homerInState = () => host.simulator!.state().users.find((user) => user.external_id === '12345')
  const sendHomer = async () => {
    await view('Send an event').click()
    const homer = page.locator('#example option', { hasText: 'Homer Simpson' })
    await page.selectOption('#example', (await homer.getAttribute('value'))!)
    await page.click('#send')
  }

  test('sends the seed’s identify example and shows the request, the result and the new user', async () => {
    await sendHomer()
    expect(JSON.parse(await page.inputValue('#event'))).toMatchObject({
      type: 'identify',
      userId: '12345',
      traits: { name: 'Homer Simpson' }
    })
    const run = page.locator('#actions-run .run[data-action="upsertUser"]')
    await run.waitFor()
    await expect(run.locator('.badge').textContent()).resolves.toBe('delivered · 200')
    const request = run.locator('.exchange-line').filter({ hasText: '/api/v2/users/create_or_update' })
    await expect(request.locator('.method').textContent()).resolves.toBe('POST')
    await expect(run.locator('pre.json').first().textContent()).resolves.toContain('"external_id": "12345"')
    expect(await page.locator('#matches tr.matched').allTextContents()).toEqual([expect.stringContaining('upsertUser')])
    expect(await textOf(page.locator('#result-body .changes'))).toMatch(/^Records: new user \d+\./)
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })

    await page.locator('#result-body').getByRole('link', { name: 'See them in Records' }).click()
    const userRow = page.locator('#records-users tbody tr', { hasText: 'Homer Simpson' })
    await eventually(async () =>
      expect(await textOf(userRow)).toMatch(/new.*Homer Simpson.*homer\.simpson@example\.com.*12345/)
    )
    expect(homerInState()).toMatchObject({ name: 'Homer Simpson', email: 'homer.simpson@example.com' })
    const content = await page.content()
    for (const secret of host.target.account.secrets()) expect(content).not.toContain(secret)
  })

  test('shows the problems of an edit that does not check, then saves a fixed one that the host uses', async () => {
    await view('Mappings').click()
    await expect(page.locator('#mapping-file').textContent()).resolves.toContain(
      `The first change writes ${newMappingFile}`
    )
    await openFromList(page, 'Upsert User')
    await page.fill('#subscribe', 'type = "identify')
    await expect(page.locator('#save-status').textContent()).resolves.toBe('Unsaved changes')
    await page.click('#save')
    // The problems show once the host has answered the save.
    await eventually(async () =>
      expect(await textOf(page.locator('#save-problems'))).toMatch(
        /Upsert User \(subscription 1\): subscribe must be a valid subscription/
      )
    )
    expect(existsSync(newMappingFile)).toBe(false)

    await page.fill('#subscribe', 'type = "identify"')
    await goToStep(page, 'Fields')
    await page.click('button.advanced-toggle') // the raw JSON of the same mapping
    const json = page.locator('#mapping-json')
    await json.fill(
      (await json.inputValue()).replace('"name": {"@path":"$.traits.name"}', '"name": "Homer J. Simpson"')
    )
    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    const saved = JSON.parse(readFileSync(newMappingFile, 'utf8'))
    expect(saved.find((s: any) => s.partnerAction === 'upsertUser').mapping.name).toBe('Homer J. Simpson')
    await page.getByRole('link', { name: '← All mappings' }).click()
    await expect(page.locator('#mapping-file').textContent()).resolves.toContain(`Saved in ${newMappingFile}`)

    await sendHomer()
    await eventually(async () => expect(homerInState()?.name).toBe('Homer J. Simpson'))
    expect(problems).toEqual([])
  })
})
