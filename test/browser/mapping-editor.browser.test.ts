import { mkdirSync, mkdtempSync, readFileSync } from 'fs'
import { tmpdir } from 'os'
import { join, resolve } from 'path'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { chromiumLaunchOptions } from './chromium'
import {
  eventually,
  goToStep,
  openFromList,
  openMappingPage,
  overflowing,
  pickTestEvent,
  seriousViolations,
  textOf,
  type MappingPageSession
} from './mapping-page-session'

const ARTIFACTS = resolve(__dirname, '../../artifacts')

/**
 * The field-by-field editor of an open mapping in headless Chromium against the embedded simulator's demo account:
 * map a field from the test event, pick a group from the account, watch the preview, get warned about `==`, save,
 * send and find the ticket. Each step writes a screenshot to artifacts/.
 */
describe('mapping editor in a browser (demo account)', () => {
  let session: MappingPageSession
  let host: LocalHost
  let page: Page
  let problems: string[]
  let newMappingFile: string

  beforeAll(async () => {
    session = await openMappingPage('mapping-editor-browser')
    ;({ host, page, problems, newMappingFile } = session)
    mkdirSync(ARTIFACTS, { recursive: true })
    await openFromList(page, 'Create Ticket')
    await pickTestEvent(page, 'Ticket Created')
    await goToStep(page, 'Fields')
  }, 60_000)

  afterAll(() => session?.close())

  const row = (field: string) => page.locator(`.field-row[data-field="${field}"]`)
  const preview = () => page.locator('.fields-step pre.preview-payload')
  const billing = () => host.simulator!.state().groups.find((group) => group.name === 'Billing')!
  const screenshot = async (name: string, of: Locator) => {
    await of.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(ARTIFACTS, `mapping-editor-${name}.png`) })
  }
  const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name })
  const pickExample = async (text: string) => {
    const option = page.locator('#example option', { hasText: text })
    await page.selectOption('#example', (await option.getAttribute('value'))!)
  }

  test('1. maps Subject by picking a path of the test event, which shows its value there', async () => {
    await eventually(async () => expect(await textOf(preview())).toContain('"subject": "Cannot log in"'))
    await row('subject').locator('select.mode').selectOption('path')
    const path = row('subject').locator('select.path-select')
    expect(await path.locator('option').allTextContents()).toContain('$.event = "Ticket Created"')
    await path.selectOption('$.event')
    await eventually(async () => expect(await textOf(row('subject').locator('.mapped'))).toBe('→ "Ticket Created"'))
    await screenshot('1-event-path', row('subject'))
  })

  test('2. picks a group from the account’s list for Create Ticket', async () => {
    await row('group_id').locator('select.mode').selectOption('literal')
    const choices = row('group_id').locator('ul.choices button.choice')
    await eventually(async () =>
      expect(await choices.allTextContents()).toEqual([
        expect.stringContaining('Support'),
        expect.stringContaining('Billing'),
        expect.stringContaining('Tier 2')
      ])
    )
    // Typed again until it filters: the field may be drawn again as the preview arrives.
    await eventually(async () => {
      await row('group_id').locator('input.choices-search').fill('bill')
      expect(await choices.count()).toBe(1)
    })
    // By its name: the list may be drawn again between the count and the click.
    await choices.filter({ hasText: 'Billing' }).click()
    await eventually(async () =>
      expect(await row('group_id').locator('input.literal').inputValue()).toBe(String(billing().id))
    )
    await eventually(async () => expect(await textOf(row('group_id').locator('.mapped'))).toBe(`→ ${billing().id}`))
    expect(await textOf(row('group_id').locator('button.choice[aria-pressed="true"]'))).toContain('Billing')
    await screenshot('2-group', row('group_id'))
  })

  test('3. the preview follows the edits; a wrong value shows on its field once the person has left it', async () => {
    await eventually(async () => expect(await textOf(preview())).toContain(`"group_id": ${billing().id}`))
    await eventually(async () => expect(await textOf(preview())).toContain('"subject": "Ticket Created"'))

    const groupId = row('group_id').locator('input.literal')
    await groupId.fill('billing')
    await eventually(async () => expect(await textOf(row('group_id').locator('.mapped'))).toBe('→ "billing"'))
    await groupId.blur()
    await eventually(async () =>
      expect(await textOf(row('group_id').locator('.field-problems'))).toContain('Group ID must be an integer')
    )
    await eventually(async () =>
      expect(await textOf(row('group_id').locator('.field-problems'))).toContain(
        'Group ID: billing is not one of the account’s 3 choices.'
      )
    )
    await groupId.fill(String(billing().id))
    await eventually(async () => expect(await row('group_id').locator('.field-problems li').count()).toBe(0))

    // A value outside a drop-down ticket field's options, read from the account.
    const product = host.simulator!.state().ticketFields.find((field) => field.title === 'Product')!
    await row('custom_fields').locator('select.mode').selectOption('json')
    const json = row('custom_fields').locator('input.mono')
    await json.fill(JSON.stringify({ [product.id]: 'desktop_app' }))
    await json.blur()
    await eventually(async () =>
      expect(await textOf(row('custom_fields').locator('.field-problems'))).toMatch(
        new RegExp(`^Custom Fields: "desktop_app" is not an option of ${product.id} \\(options: .*\\)`)
      )
    )
    await row('custom_fields').locator('select.mode').selectOption('default')
    await screenshot('3-preview', preview())
  })

  test('4. typing == in the trigger shows a warning that names the action', async () => {
    await goToStep(page, 'Trigger')
    const subscribe = page.locator('#subscribe')
    await subscribe.fill('type == "track" and event = "Ticket Created"')
    const warnings = page.locator('.fql-messages li.warn')
    await eventually(async () =>
      expect(await textOf(warnings.first())).toContain(
        'Create Ticket: «type == "track" and event = "Ticket Created"» uses ==, which FQL reads as = followed by the value "="'
      )
    )
    await eventually(async () =>
      expect(await textOf(warnings)).toContain('matches none of the 9 shipped example events')
    )
    await eventually(async () => expect(await textOf(page.locator('.trigger-step .match'))).toMatch(/^Does not match/))
    await screenshot('4-double-equals', subscribe)
    await subscribe.fill('type = "track" and event = "Ticket Created"')
    await eventually(async () => expect(await page.locator('.fql-messages li').count()).toBe(0))
    expect(await textOf(page.locator('.trigger-words'))).toBe(
      'In words: Event type is track and event name is "Ticket Created"'
    )
  })

  test('5. saves, sends, and shows the ticket in the records with the chosen group; a resend already existed', async () => {
    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    const saved = JSON.parse(readFileSync(newMappingFile, 'utf8'))
    expect(saved.find((s: any) => s.partnerAction === 'createTicket').mapping).toMatchObject({
      subject: { '@path': '$.event' },
      group_id: billing().id
    })

    await view('Send an event').click()
    await pickExample('Homer Simpson') // the requester
    await page.click('#send')
    await page.locator('#actions-run .run[data-action="upsertUser"]').waitFor()
    await pickExample('Ticket Created')
    await page.click('#send')
    const run = page.locator('#actions-run .run[data-action="createTicket"]')
    await eventually(async () => expect(await textOf(run.locator('.badge'))).toBe('delivered · 200'))
    expect(host.simulator!.state().tickets).toEqual([
      expect.objectContaining({ subject: 'Ticket Created', group_id: billing().id, external_id: 'seed-ticket-1' })
    ])
    await page.click('#send')
    await eventually(async () =>
      expect(await textOf(run.locator('.badge'))).toMatch(/^delivered · 200 · already existed \(ticket \d+\)$/)
    )
    expect(host.simulator!.state().tickets).toHaveLength(1)

    await view('Records').click()
    const ticketRow = page.locator('#records-tickets tbody tr')
    await eventually(async () => expect(await textOf(ticketRow)).toContain('Ticket Created'))
    expect(await textOf(ticketRow)).toContain(String(billing().id))
    await screenshot('5-ticket', page.locator('#records-tickets'))
  })

  test('a failed send clears the previous result', async () => {
    await view('Send an event').click()
    await page.click('#send')
    await page.locator('#actions-run').waitFor()
    await page.fill('#event', '{ not json')
    await page.click('#send')
    await eventually(async () =>
      expect(await textOf(page.locator('#event-error'))).toContain('The event is not valid JSON')
    )
    expect(await page.locator('#result-body').count()).toBe(0)
    expect(await textOf(page.locator('#send-status'))).toBe('Not sent')
  })

  test('a Zendesk error while listing a field’s choices shows on that field', async () => {
    host.simulator!.setFaults({ serverError: { count: 10, status: 503, path: '/api/v2/brands' } })
    await page.goto(`${host.url}/?mapping=5&step=fields`)
    await row('brand_id').locator('select.mode').selectOption('literal')
    await eventually(async () =>
      expect(await textOf(row('brand_id').locator('.picker .problem'))).toMatch(/^Brand ID: .*brands/)
    )
    host.simulator!.setFaults({})
    expect(problems.filter((problem) => !problem.includes('status of 503'))).toEqual([])
  })

  test('is usable at 420 px: nothing wider than the window, the fields readable; axe-core finds nothing serious', async () => {
    await page.setViewportSize({ width: 420, height: 900 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420)
    expect(await overflowing(page, '.panel, .field-row, .savebar, .picker')).toEqual([])
    await page.screenshot({ path: join(ARTIFACTS, 'mapping-editor-420px.png') })
    await page.setViewportSize({ width: 1400, height: 1000 })
    expect(await seriousViolations(page)).toEqual([])
  })
})

describe('mapping page: builders, sync mode, long record lists', () => {
  let host: LocalHost
  let browser: Browser

  beforeAll(async () => {
    const newMappingFile = join(mkdtempSync(join(tmpdir(), 'mapping-sync-mode-')), 'zendesk-mapping.json')
    host = await startLocalHost({ port: 0, env: {}, newMappingFile, log: () => undefined })
    browser = await chromium.launch(await chromiumLaunchOptions())
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await host?.close()
  })

  test('an action whose definition has a syncMode shows it and keeps the choice as __segment_internal_sync_mode', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const syncMode = {
      label: 'How to sync users',
      description: 'Add new users, update existing ones, or both.',
      default: 'upsert',
      choices: [
        { label: 'Create and update', value: 'upsert' },
        { label: 'Update only', value: 'update' }
      ]
    }
    // Until Upsert User has its own, the model the host serves is given one.
    await page.route('**/mapping/model', async (route) => {
      const model = await (await route.fetch()).json()
      model.actions.find((action: any) => action.key === 'upsertUser').syncMode = syncMode
      await route.fulfill({ json: model })
    })
    await page.goto(`${host.url}/?mapping=1&step=fields`)
    const select = page.locator('.sync-mode select')
    // The preset's mapping has none yet: actions-core would run the action without one, so the page says so.
    await eventually(async () => expect(await select.inputValue()).toBe(''))
    expect(await textOf(select.locator('option:checked'))).toBe(
      'Not set (choose one; the suggested one is Create and update)'
    )
    await select.selectOption('update')
    await page.locator('button.advanced-toggle').click()
    const mapping = JSON.parse(await page.inputValue('#mapping-json'))
    expect(mapping.__segment_internal_sync_mode).toBe('update')
    await page.goto(`${host.url}/?mapping=5&step=fields`)
    await page.locator('.field-row').first().waitFor()
    expect(await page.locator('.sync-mode').count()).toBe(0)
    await page.close()
  })

  test('@template and @if exists … else … through the builder; the JSON view edits the same mapping', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    await page.goto(`${host.url}/?mapping=1&step=fields`)
    const row = (field: string) => page.locator(`.field-row[data-field="${field}"]`)
    await eventually(async () => expect(await textOf(row('name').locator('.mapped'))).toBe('→ "Homer Simpson"'))

    await row('name').locator('select.mode').selectOption('template')
    await row('name').locator('input.mono').fill('VIP ')
    await row('name').locator('select.path-select').selectOption('$.traits.name')
    await eventually(async () => expect(await textOf(row('name').locator('.mapped'))).toBe('→ "VIP Homer Simpson"'))

    await row('phone').locator('select.mode').selectOption('if')
    await row('phone').locator('select.path-select').selectOption('$.traits.phone')
    await row('phone').locator('input.mono').fill('$.traits.mobile')

    await page.locator('button.advanced-toggle').click()
    const json = page.locator('#mapping-json')
    const mapping = JSON.parse(await json.inputValue())
    expect(mapping.name).toEqual({ '@template': 'VIP {{traits.name}}' })
    expect(mapping.phone).toEqual({
      '@if': {
        exists: { '@path': '$.traits.phone' },
        then: { '@path': '$.traits.phone' },
        else: { '@path': '$.traits.mobile' }
      }
    })
    await json.fill(JSON.stringify({ ...mapping, name: 'Fixed Name' }))
    await page.locator('button.advanced-toggle').click()
    expect(await row('name').locator('select.mode').inputValue()).toBe('literal')
    expect(await row('name').locator('input.literal').inputValue()).toBe('Fixed Name')
    await page.close()
  })

  test('a long record list is paged, 20 rows at a time', async () => {
    for (let i = 1; i <= 45; i++)
      host.simulator!.seed.user({ name: `Seeded User ${i}`, email: `seeded${i}@example.com` })
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    await page.goto(`${host.url}/?view=records`)
    const users = page.locator('#records-users')
    const total = host.simulator!.state().users.length
    await eventually(async () => expect(await textOf(users.locator('.pager'))).toContain(`1–20 of ${total}`))
    expect(await users.locator('tbody tr').count()).toBe(20)
    await users.locator('.pager button', { hasText: 'Next' }).click()
    await eventually(async () => expect(await textOf(users.locator('.pager'))).toContain(`21–40 of ${total}`))
    expect(await users.locator('tbody tr').count()).toBe(20)
    await page.close()
  })
})
