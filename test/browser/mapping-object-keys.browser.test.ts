import { mkdirSync, readFileSync } from 'fs'
import { join, resolve } from 'path'
import type { Locator, Page } from 'playwright-core'
import type { LocalHost } from '../../src/cli/local-host'
import {
  eventually,
  goToStep,
  openMappingPage,
  overflowing,
  pickTestEvent,
  seriousViolations,
  textOf,
  type MappingPageSession
} from './mapping-page-session'

const ARTIFACTS = resolve(__dirname, '../../artifacts')
/** Where the presets are in the list. */
const POSITIONS: Record<string, number> = { upsertUser: 1, upsertOrganization: 3, createTicket: 5 }

/**
 * Object fields edited key by key with the demo account's keys: a user field of Upsert User mapped from the example
 * identify, a drop-down ticket field of Create Ticket with its options, and a Zendesk error on a list of keys.
 * Each step writes a screenshot to artifacts/.
 */
describe('object fields key by key in a browser (demo account)', () => {
  let session: MappingPageSession
  let host: LocalHost
  let page: Page
  let problems: string[]
  let newMappingFile: string

  beforeAll(async () => {
    session = await openMappingPage('mapping-object-keys-browser')
    ;({ host, page, problems, newMappingFile } = session)
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 60_000)

  afterAll(() => session?.close())

  /** Opens an action's preset mapping at its fields, by the link that names it. */
  const openFields = async (action: string) => {
    await page.goto(`${host.url}/?mapping=${POSITIONS[action]}&step=fields`)
    await page.locator('.field-row').first().waitFor()
  }
  const row = (_action: string, field: string) => page.locator(`.field-row[data-field="${field}"]`)
  const keyRow = (field: Locator, key: string) => field.locator(`.key-row[data-key="${key}"]`)
  const previewOf = async () =>
    JSON.parse((await page.locator('.fields-step pre.preview-payload').textContent()) || 'null')
  const screenshot = async (name: string, of: Locator) => {
    await of.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(ARTIFACTS, `mapping-object-keys-${name}.png`) })
  }

  test('1. Upsert User: picks a user field from the account’s keys and maps it to a path of the example identify', async () => {
    await openFields('upsertUser')
    await pickTestEvent(page, 'Homer Simpson')
    await goToStep(page, 'Fields')
    await eventually(async () => expect((await previewOf())?.name).toBe('Homer Simpson'))
    const userFields = row('upsertUser', 'user_fields')
    // The whole-object default still shows as it is; building key by key is one of its forms.
    await eventually(async () => expect(await userFields.locator('select.mode').inputValue()).toBe('default'))
    expect(await textOf(userFields.locator('.default-value'))).toBe('$.traits')
    await userFields.locator('select.mode').selectOption('keys')

    const keys = userFields.locator('.key-add ul.choices button.choice')
    await eventually(async () =>
      expect(await keys.locator('span').allTextContents()).toEqual([
        'plan',
        'vip',
        'signup date',
        'lifetime value',
        'company role'
      ])
    )
    // Typed again until it filters: the field is drawn again once the test event's preview arrives.
    await eventually(async () => {
      await userFields.locator('.key-add input.choices-search').fill('role')
      expect(await keys.count()).toBe(1)
    })
    // By its name: the list may be drawn again (a page of keys arriving) between the count and the click.
    await keys.filter({ hasText: 'company role' }).click()

    const companyRole = keyRow(userFields, 'company_role')
    await eventually(async () => expect(await textOf(companyRole.locator('.key-label'))).toBe('company role'))
    // A new key maps the trait of its name, which this event does not have: nothing is sent for it yet.
    expect(await companyRole.locator('select.path-select').inputValue()).toBe('$.traits.company_role')
    expect(await userFields.locator('.key-add button.choice[aria-pressed="true"]').count()).toBe(1)
    const paths = await companyRole.locator('select.path-select option').allTextContents()
    expect(paths).toContain('$.traits.name = "Homer Simpson"')
    await companyRole.locator('select.path-select').selectOption('$.traits.name')

    await eventually(async () => expect(await textOf(companyRole.locator('.key-mapped'))).toBe('→ "Homer Simpson"'))
    await eventually(async () => expect((await previewOf()).user_fields).toEqual({ company_role: 'Homer Simpson' }))
    await screenshot('1-user-field', userFields)
  })

  test('2. a typed key the account does not have is flagged; removing its row removes it', async () => {
    const userFields = row('upsertUser', 'user_fields')
    await userFields.locator('input.new-key').fill('nickname')
    await userFields.locator('input.new-key').press('Enter')
    const nickname = keyRow(userFields, 'nickname')
    await eventually(async () => expect(await nickname.count()).toBe(1))
    expect(await nickname.locator('select.key-mode').evaluate((node) => node === document.activeElement)).toBe(true)
    await nickname.locator('select.key-mode').blur() // the person moves on: the field's problems show
    await eventually(async () =>
      expect(await textOf(userFields.locator('.field-problems'))).toContain(
        'User Fields: nickname is not one of the account’s 5 keys.'
      )
    )
    await screenshot('2-unknown-key', userFields)
    await nickname.getByRole('button', { name: 'Remove nickname from User Fields' }).click()
    await eventually(async () => expect(await userFields.locator('.field-problems li').count()).toBe(0))
    expect(await userFields.locator('.key-row').count()).toBe(1)
  })

  test('3. the JSON view edits the same mapping; save, test it with the identify, and the user has the user field', async () => {
    await page.locator('button.advanced-toggle').click()
    const json = page.locator('#mapping-json')
    const mapping = JSON.parse(await json.inputValue())
    expect(mapping.user_fields).toEqual({ company_role: { '@path': '$.traits.name' } })
    await json.fill(JSON.stringify({ ...mapping, user_fields: { ...mapping.user_fields, plan: 'team' } }, null, 2))
    await page.locator('button.advanced-toggle').click()
    const userFields = row('upsertUser', 'user_fields')
    expect(await keyRow(userFields, 'plan').locator('input.literal').inputValue()).toBe('team')
    await keyRow(userFields, 'plan').getByRole('button', { name: 'Remove plan from User Fields' }).click()

    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    const saved = JSON.parse(readFileSync(newMappingFile, 'utf8'))
    expect(saved.find((s: any) => s.partnerAction === 'upsertUser').mapping.user_fields).toEqual({
      company_role: { '@path': '$.traits.name' }
    })

    await goToStep(page, 'Review and test')
    await page.click('#test-mapping')
    const run = page.locator('#test-result .run[data-action="upsertUser"]')
    await eventually(async () => expect(await textOf(run.locator('.badge'))).toBe('delivered · 200'))
    const homer = host.simulator!.state().users.find((user) => user.external_id === '12345')
    expect(homer?.user_fields).toMatchObject({ company_role: 'Homer Simpson' })
    await page.locator('#test-result').getByRole('link', { name: 'See them in Records' }).click()
    const homerRow = page.locator('#records-users tbody tr', { hasText: 'Homer Simpson' })
    await eventually(async () => expect(await textOf(homerRow)).toContain('"company_role":"Homer Simpson"'))
    await screenshot('3-user-record', page.locator('#records-users'))
  })

  test('4. Create Ticket: picks a drop-down ticket field by its label, then one of its options', async () => {
    await openFields('createTicket')
    const product = host.simulator!.state().ticketFields.find((field) => field.title === 'Product')!
    const customFields = row('createTicket', 'custom_fields')
    await customFields.locator('select.mode').selectOption('keys')
    const keys = customFields.locator('.key-add ul.choices button.choice')
    await eventually(async () => expect(await keys.count()).toBe(6))
    await keys.filter({ hasText: 'Product' }).click()

    const productRow = keyRow(customFields, String(product.id))
    await eventually(async () => expect(await textOf(productRow.locator('.key-label'))).toBe('Product'))
    expect(await textOf(productRow.locator('code.key'))).toBe(String(product.id))
    await productRow.locator('select.key-mode').selectOption('literal')
    const options = productRow.locator('ul.choices button.choice')
    await eventually(async () =>
      expect(await options.locator('span').allTextContents()).toEqual(['Mobile app', 'Web app', 'API'])
    )
    await options.filter({ hasText: 'Web app' }).click()
    await eventually(async () => expect(await productRow.locator('input.literal').inputValue()).toBe('web_app'))
    await eventually(async () => expect((await previewOf()).custom_fields).toEqual({ [String(product.id)]: 'web_app' }))
    expect(await textOf(productRow.locator('button.choice[aria-pressed="true"]'))).toContain('Web app')
    expect(await customFields.locator('.field-problems li').count()).toBe(0)
    await screenshot('4-ticket-option', customFields)

    await productRow.locator('input.literal').fill('desktop_app')
    await productRow.locator('input.literal').blur()
    await eventually(async () =>
      expect(await textOf(customFields.locator('.field-problems'))).toBe(
        `Custom Fields: "desktop_app" is not an option of ${product.id} (options: mobile_app, web_app, api).`
      )
    )
    await screenshot('4-not-an-option', customFields)
    await productRow.locator('input.literal').fill('api')
    await eventually(async () => expect(await customFields.locator('.field-problems li').count()).toBe(0))
  })

  test('5. a Zendesk error while listing an object field’s keys shows on that field', async () => {
    host.simulator!.setFaults({ serverError: { count: 10, status: 503, path: '/api/v2/organization_fields' } })
    await openFields('upsertOrganization')
    const organizationFields = row('upsertOrganization', 'organization_fields')
    await organizationFields.locator('select.mode').selectOption('keys')
    const error = organizationFields.locator('.key-add .picker .problem')
    await eventually(async () => expect(await textOf(error)).toMatch(/^Organization Fields: .*organization fields/))
    expect(await error.getAttribute('role')).toBe('alert')
    host.simulator!.setFaults({})
    // A key can still be typed.
    await organizationFields.locator('input.new-key').fill('segment')
    await organizationFields.getByRole('button', { name: 'Add key' }).click()
    await eventually(async () => expect(await keyRow(organizationFields, 'segment').count()).toBe(1))
    await screenshot('5-keys-error', organizationFields)
  })

  test('is usable at 420 px with the key editors open', async () => {
    await page.setViewportSize({ width: 420, height: 900 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420)
    expect(await overflowing(page, '.field-row, .key-editor, .key-row, .key-add, .picker')).toEqual([])
    await screenshot('420px', row('upsertOrganization', 'organization_fields'))
    await page.setViewportSize({ width: 1400, height: 1000 })
  })

  test('axe-core finds no serious or critical violation with the key editors open', async () => {
    expect(await seriousViolations(page)).toEqual([])
    expect(problems.filter((problem) => !problem.includes('status of 503'))).toEqual([])
  })

  test('the account’s keys come a page at a time: Load more lists the next page', async () => {
    for (let i = 1; i <= 100; i++) host.simulator!.seed.organizationField({ key: `extra_${i}` })
    await openFields('upsertOrganization')
    const organizationFields = row('upsertOrganization', 'organization_fields')
    await organizationFields.locator('select.mode').selectOption('keys')
    const status = organizationFields.locator('.key-add .picker [role="status"]')
    await eventually(async () => expect(await textOf(status)).toBe('100 of 100 loaded'))
    await organizationFields.locator('.key-add').getByRole('button', { name: 'Load more' }).click()
    await eventually(async () => expect(await textOf(status)).toBe('104 of 104 loaded'))
    expect(await organizationFields.locator('.key-add').getByRole('button', { name: 'Load more' }).isHidden()).toBe(
      true
    )
  })
})
