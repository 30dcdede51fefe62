import type { Page } from 'playwright-core'
import type { LocalHost } from '../../src/cli/local-host'
import { eventually, openMappingPage, textOf, type MappingPageSession } from './mapping-page-session'

/**
 * Upsert Custom Object Record, which no preset enables, added on the mapping page of the demo account: the Order
 * object picked from the account, its fields edited key by key with their options, and an order event sent.
 */
describe('a custom object record subscription in a browser (demo account)', () => {
  let session: MappingPageSession
  let host: LocalHost
  let page: Page
  let problems: string[]

  beforeAll(async () => {
    session = await openMappingPage('mapping-custom-object-browser')
    ;({ host, page, problems } = session)
  }, 60_000)

  afterAll(() => session?.close())

  const action = () => page.locator('#action-upsertCustomObjectRecord')
  const row = (field: string) => action().locator(`.subscription .field-row[data-field="${field}"]`)
  const keyRow = (key: string) => row('custom_object_fields').locator(`.key-row[data-key="${key}"]`)

  test('1. added with its suggested subscription, the object picked from the account', async () => {
    await eventually(async () => expect(await textOf(action().locator('.off'))).toMatch(/Not enabled/))
    await action().getByRole('button', { name: 'Add a subscription' }).click()
    await eventually(async () =>
      expect(await action().locator('.subscription input[id^="subscribe-"]').inputValue()).toBe(
        'type = "track" and event = "Order Completed"'
      )
    )
    const objectKey = row('custom_object_key')
    await objectKey.locator('select.mode').selectOption('literal')
    const objects = objectKey.locator('ul.choices button.choice')
    await eventually(async () => expect(await objects.locator('span').allTextContents()).toEqual(['Order']))
    await objects.first().click()
    expect(await objectKey.locator('input.literal').inputValue()).toBe('order')
  })

  test("2. the record fields key by key: the Order object's fields, a drop-down's options, a lookup from userId", async () => {
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
    expect(await status.locator('input.literal').inputValue()).toBe('paid')
  })

  test('3. an order event of a known user writes a record linked to that user', async () => {
    const ada = host.simulator!.seed.user({ name: 'Ada', external_id: 'ada-1' })
    await page.locator('#event').fill(
      JSON.stringify({
        type: 'track',
        event: 'Order Completed',
        userId: 'ada-1',
        properties: { id: 'order-1', name: 'First order' }
      })
    )
    await page.click('#send')
    const run = page.locator('#actions-run .run[data-action="upsertCustomObjectRecord"]')
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
