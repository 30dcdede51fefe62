import { existsSync, mkdirSync, readFileSync } from 'fs'
import { resolve } from 'path'
import type { Page } from 'playwright-core'
import type { LocalHost } from '../../src/cli/local-host'
import { eventually, openMappingPage, textOf, type MappingPageSession } from './mapping-page-session'

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

  const upsertUserMapping = () => page.locator('textarea[data-action="upsertUser"]')
  const homerInState = () => host.simulator!.state().users.find((user) => user.external_id === '12345')

  test('sends the seed’s identify example and shows the request, the result and the new user', async () => {
    const homer = page.locator('#example option', { hasText: 'Homer Simpson' })
    await page.selectOption('#example', (await homer.getAttribute('value'))!)
    const event = JSON.parse(await page.inputValue('#event'))
    expect(event).toMatchObject({ type: 'identify', userId: '12345', traits: { name: 'Homer Simpson' } })

    await page.click('#send')
    const run = page.locator('#actions-run .run[data-action="upsertUser"]')
    await run.waitFor()

    await expect(run.locator('.badge').textContent()).resolves.toBe('delivered · 200')
    const request = run.locator('.exchange-line').filter({ hasText: '/api/v2/users/create_or_update' })
    await expect(request.locator('.method').textContent()).resolves.toBe('POST')
    await expect(run.locator('pre.json').first().textContent()).resolves.toContain('"external_id": "12345"')
    const matched = await page.locator('#matches tr.matched').allTextContents()
    expect(matched).toEqual([expect.stringContaining('upsertUser')])

    const userRow = page.locator('#records-users tbody tr', { hasText: 'Homer Simpson' })
    await expect(userRow.textContent()).resolves.toMatch(/new.*Homer Simpson.*homer\.simpson@example\.com.*12345/)
    expect(homerInState()).toMatchObject({ name: 'Homer Simpson', email: 'homer.simpson@example.com' })

    const content = await page.content()
    for (const secret of host.target.account.secrets()) expect(content).not.toContain(secret)
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true })
    // The event, its result, the records and the first action's mapping: the whole page is several screens long.
    // The action's section is drawn again as results arrive: wait until it has a box.
    let end: { y: number; height: number } | null = null
    await eventually(async () => {
      end = await page.locator('#action-upsertUser').boundingBox()
      expect(end).not.toBeNull()
    })
    const { y, height } = end!
    await page.screenshot({
      path: SCREENSHOT,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1400, height: y + height }
    })
  })

  test('shows the problems of an edit that does not check, then saves a fixed one that the host uses', async () => {
    await expect(page.locator('#mapping-file').textContent()).resolves.toContain(`Save writes ${newMappingFile}`)
    const subscribe = page.locator('#action-upsertUser input[id^="subscribe-"]')
    await subscribe.fill('type = "identify')
    await expect(page.locator('#save-status').textContent()).resolves.toBe('Unsaved changes')
    await page.click('#save')
    // The problems show once the host has answered the save.
    await eventually(async () =>
      expect(await textOf(page.locator('#save-problems'))).toMatch(
        /Upsert User \(subscription 1\): subscribe must be a valid subscription/
      )
    )
    expect(existsSync(newMappingFile)).toBe(false)

    await subscribe.fill('type = "identify"')
    await page.click('#action-upsertUser button.advanced-toggle') // the raw JSON of the same mapping
    const mapping = await upsertUserMapping().inputValue()
    await upsertUserMapping().fill(mapping.replace('"name": {"@path":"$.traits.name"}', '"name": "Homer J. Simpson"'))
    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    await expect(page.locator('#mapping-file').textContent()).resolves.toContain(
      `The host reads its subscriptions from ${newMappingFile}`
    )
    const saved = JSON.parse(readFileSync(newMappingFile, 'utf8'))
    expect(saved.find((s: any) => s.partnerAction === 'upsertUser').mapping.name).toBe('Homer J. Simpson')

    await page.click('#send')
    await page.locator('#records-users tbody tr.changed', { hasText: 'Homer J. Simpson' }).waitFor()
    expect(homerInState()?.name).toBe('Homer J. Simpson')
    expect(problems).toEqual([])
  })
})
