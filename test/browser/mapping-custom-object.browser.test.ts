import type { Page } from 'playwright-core'
import type { LocalHost } from '../../src/cli/local-host'
import { eventually, goToStep, openMappingPage, textOf, type MappingPageSession } from './mapping-page-session'

/** The order event of the tests: a known user's (seeded in test 3) order. */
const ORDER_EVENT = {
  type: 'track',
  event: 'Order Completed',
  userId: 'ada-1',
  properties: { id: 'order-1', name: 'First order' }
}

/**
 * A new Upsert Custom Object Record mapping, which no preset enables, on the mapping page of the demo account: the
 * Order object picked from the account, its fields edited key by key with their options, and an order event tested.
 */
describe('a custom object record mapping in a browser (demo account)', () => {
  let session: MappingPageSession
  let host: LocalHost
  let page: Page
  let problems: string[]

  beforeAll(async () => {
    session = await openMappingPage('mapping-custom-object-browser')
    ;({ host, page, problems } = session)
  }, 60_000)

  afterAll(() => session?.close())

  const row = (field: string) => page.locator(`.field-row[data-field="${field}"]`)
  const keyRow = (key: string) => row('custom_object_fields').locator(`.key-row[data-key="${key}"]`)

  test('1. a new mapping starts from its suggested trigger; the object is picked from the account', async () => {
    await page.goto(`${host.url}/?mapping=new&action=upsertCustomObjectRecord`)
    await page.locator('#subscribe').waitFor()
    expect(await page.inputValue('#subscribe')).toBe('type = "track" and event = "Order Completed"')

    await goToStep(page, 'Fields')
    const objectKey = row('custom_object_key')
    await objectKey.locator('select.mode').selectOption('literal')
    const objects = objectKey.locator('ul.choices button.choice')
    await eventually(async () => expect(await objects.locator('span').allTextContents()).toEqual(['Order']))
    await objects.filter({ hasText: 'Order' }).click()
    await eventually(async () => expect(await objectKey.locator('input.literal').inputValue()).toBe('order'))
  })

  test("2. the record fields key by key: the Order object's fields, a drop-down's options, a lookup from userId", async () => {
    // The order event pasted as the test event: its paths are those the fields map from.
    await goToStep(page, 'Test event')
    await page.fill('#test-event-json', JSON.stringify(ORDER_EVENT, null, 2))
    await eventually(async () => expect(await textOf(page.locator('.event-step .match'))).toMatch(/^Matches/))
    await goToStep(page, 'Fields')

    const fields = row('custom_object_fields')
    await fields.locator('select.mode').selectOption('keys')
    const keys = fields.locator('.key-add ul.choices button.choice')
    await eventually(async () =>
      expect(await keys.locator('span').allTextContents()).toEqual([
        'Amount',
        'Status',
        'Ordered on',
        'Customer',
        'Company'
      ])
    )
    await keys.filter({ hasText: 'Customer' }).click()
    await eventually(async () => expect(await keyRow('customer').count()).toBe(1))
    await keyRow('customer').locator('select.path-select').selectOption('$.userId')

    await keys.filter({ hasText: 'Status' }).click()
    const status = keyRow('status')
    await eventually(async () => expect(await status.count()).toBe(1))
    await status.locator('select.key-mode').selectOption('literal')
    const options = status.locator('ul.choices button.choice')
    await eventually(async () =>
      expect(await options.locator('code').allTextContents()).toEqual(['pending', 'paid', 'shipped', 'refunded'])
    )
    await options.filter({ hasText: 'Paid' }).click()
    await eventually(async () => expect(await status.locator('input.literal').inputValue()).toBe('paid'))
    await eventually(async () => expect(await textOf(keyRow('customer').locator('.key-mapped'))).toBe('→ "ada-1"'))
  })

  test('3. an order event of a known user, tested with this mapping, writes a record linked to that user', async () => {
    const ada = host.simulator!.seed.user({ name: 'Ada', external_id: 'ada-1' })
    await goToStep(page, 'Review and test')
    await page.click('#test-mapping')
    const run = page.locator('#test-result .run[data-action="upsertCustomObjectRecord"]')
    await eventually(async () => expect(await textOf(run.locator('.badge'))).toBe('delivered · 200'))
    const [order] = host.simulator!.state().customObjectRecords
    expect(order).toMatchObject({
      external_id: 'order-1',
      name: 'First order',
      custom_object_fields: expect.objectContaining({ status: 'paid', customer: ada.id })
    })
    expect(problems).toEqual([])
  })
})
