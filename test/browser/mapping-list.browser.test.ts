import { mkdirSync, readFileSync } from 'fs'
import { join, resolve } from 'path'
import type { Page } from 'playwright-core'
import type { LocalHost } from '../../src/cli/local-host'
import { call } from '../helpers/local-host-client'
import {
  eventually,
  goToStep,
  mappingCard,
  openFromList,
  openMappingPage,
  overflowing,
  pickTestEvent,
  seriousViolations,
  textOf,
  type MappingPageSession
} from './mapping-page-session'

const ARTIFACTS = resolve(__dirname, '../../artifacts')

const ticketEvent = (externalId: string) => ({
  userId: '12345',
  event: 'Ticket Created',
  properties: { external_id: externalId, subject: 'Cannot log in', comment: 'Help' }
})

/**
 * A person's way through the mapping page, as on Segment's mapping screen: the list of mappings, Create Ticket
 * opened, a matching test event, Group ID from the account, Test this mapping alone, save, off, a restart, on.
 */
describe('the list of mappings and one mapping open, in a browser (demo account)', () => {
  let session: MappingPageSession
  let host: LocalHost
  let page: Page

  beforeAll(async () => {
    session = await openMappingPage('mapping-list-browser')
    ;({ host, page } = session)
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 60_000)

  afterAll(() => session?.close())

  const billingId = () => host.simulator!.state().groups.find((group) => group.name === 'Billing')!.id
  const groupRow = () => page.locator('.field-row[data-field="group_id"]')
  const savedFile = () => JSON.parse(readFileSync(session.newMappingFile, 'utf8'))
  const onOff = (name: string) => mappingCard(page, name).getByRole('switch')

  test('the first screen lists each mapping: name, trigger in words and FQL, action, on/off, recent matches', async () => {
    // An event received: the list counts it, and the test event step offers it.
    await call(host, 'POST', '/v1/identify', { userId: '12345', traits: { email: 'homer.simpson@example.com' } })
    await page.reload()
    await eventually(async () => expect(await page.locator('.mapping-card').count()).toBe(6))
    const ticket = mappingCard(page, 'Create Ticket')
    expect(await textOf(ticket.locator('.action-title'))).toBe('Create Ticket')
    expect(await textOf(ticket.locator('.trigger'))).toBe('Event type is track and event name is "Ticket Created"')
    expect(await textOf(ticket.locator('code.fql'))).toBe('type = "track" and event = "Ticket Created"')
    expect(await onOff('Create Ticket').getAttribute('aria-checked')).toBe('true')
    expect(await textOf(ticket.locator('.recent'))).toBe('Matched 0 of the last 1.')
    expect(await textOf(mappingCard(page, 'Upsert User').locator('.recent'))).toBe('Matched 1 of the last 1.')
    // One screen, not every field of every action.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2000)
    await page.screenshot({ path: join(ARTIFACTS, 'mapping-list.png'), fullPage: true })
  })

  test('a mapping opens from the list; the URL names it, so a link opens it; Back returns to the list', async () => {
    await openFromList(page, 'Create Ticket')
    expect(new URL(page.url()).search).toBe('?mapping=5&step=trigger')
    expect(await textOf(page.locator('#mapping-title'))).toBe('Create Ticket')
    await page.goBack()
    await mappingCard(page, 'Create Ticket').waitFor()
    expect(await page.locator('.steps').count()).toBe(0)

    const other = await session.browser.newPage()
    await other.goto(`${host.url}/?mapping=5&step=fields`)
    await other.locator('.field-row[data-field="group_id"]').waitFor()
    expect(await textOf(other.locator('#mapping-title'))).toBe('Create Ticket')
    await other.close()

    await openFromList(page, 'Create Ticket')
    await page.getByRole('link', { name: '← All mappings' }).click()
    await mappingCard(page, 'Create Ticket').waitFor()
    expect(new URL(page.url()).search).toBe('')
  })

  test('the test event step offers the events the trigger matches first, and the received ones', async () => {
    await openFromList(page, 'Create Ticket')
    await goToStep(page, 'Test event')
    const groups = page.locator('fieldset.test-events')
    await eventually(async () => expect(await groups.count()).toBe(2))
    expect(await textOf(groups.nth(0).locator('legend'))).toBe('Match the trigger (1)')
    expect(await textOf(groups.nth(0).locator('label'))).toBe('Example 7. track "Ticket Created" userId=12345')
    expect(await textOf(groups.nth(1).locator('label').first())).toMatch(
      /^Received .*: identify userId=12345 \(delivery d1\)$/
    )
    await pickTestEvent(page, 'Example 7. track "Ticket Created"')
    expect(JSON.parse(await page.inputValue('#test-event-json'))).toMatchObject({ event: 'Ticket Created' })
  })

  test('Group ID set from the account: a Fixed value shows no type error before anything is typed', async () => {
    await goToStep(page, 'Fields')
    await groupRow().locator('select.mode').selectOption('literal')
    await groupRow().locator('input.literal').focus()
    await groupRow().locator('input.literal').blur() // left without typing
    await eventually(async () => expect(await textOf(groupRow().locator('.mapped'))).toBe('→ nothing for this event'))
    expect(await groupRow().locator('.field-problems li').count()).toBe(0)
    await groupRow().locator('ul.choices button.choice', { hasText: 'Billing' }).click()
    await eventually(async () => expect(await textOf(groupRow().locator('.mapped'))).toBe(`→ ${billingId()}`))
    expect(await groupRow().locator('.field-problems li').count()).toBe(0)
    await page.screenshot({ path: join(ARTIFACTS, 'mapping-open.png') })
  })

  test('Test this mapping sends the test event through Create Ticket alone: one ticket with that group', async () => {
    await goToStep(page, 'Review and test')
    await eventually(async () =>
      expect(await textOf(page.locator('.review-step .match'))).toMatch(/^Matches the test event/)
    )
    expect(JSON.parse(await textOf(page.locator('.review-step .preview-payload')))).toMatchObject({
      group_id: billingId()
    })
    const before = host.simulator!.requests.length
    await page.click('#test-mapping')
    const run = page.locator('#test-result .run[data-action="createTicket"]')
    await eventually(async () => expect(await textOf(run.locator('.badge'))).toBe('delivered · 200'))
    expect(host.simulator!.state().tickets).toEqual([
      expect.objectContaining({ external_id: 'seed-ticket-1', group_id: billingId() })
    ])
    // No other action ran: every request was Create Ticket's (the requester looked up, the ticket created).
    const sent = host.simulator!.requests.slice(before).map((request) => `${request.method} ${request.path}`)
    expect(sent).toContainEqual(expect.stringMatching(/^POST \/api\/v2\/tickets/))
    expect(
      sent.filter((line) => !/^(GET|POST) \/api\/v2\/(tickets|users\/search|users\/show_many)/.test(line))
    ).toEqual([])
    expect(await textOf(page.locator('#test-result .changes'))).toMatch(/^Records: new ticket \d+\./)
    await page.screenshot({ path: join(ARTIFACTS, 'mapping-tested.png'), fullPage: true })

    await page.locator('#test-result').getByRole('link', { name: 'See them in Records' }).click()
    const ticketRow = page.locator('#records-tickets tbody tr.new')
    await eventually(async () => expect(await textOf(ticketRow)).toContain(String(billingId())))
    await page.goBack()
    await page.locator('#test-mapping').waitFor()
  })

  test('save, turn the mapping off, restart the host: the event makes no ticket; turn it on: a ticket', async () => {
    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    expect(savedFile()[4]).toMatchObject({
      partnerAction: 'createTicket',
      enabled: true,
      mapping: { group_id: billingId() }
    })

    await page.getByRole('link', { name: '← All mappings' }).click()
    await onOff('Create Ticket').click()
    await eventually(async () => expect(await onOff('Create Ticket').getAttribute('aria-checked')).toBe('false'))
    expect(savedFile()[4].enabled).toBe(false)

    host = await session.restartHost()
    await page.goto(`${host.url}/`)
    await eventually(async () => expect(await onOff('Create Ticket').getAttribute('aria-checked')).toBe('false'))
    await call(host, 'POST', '/v1/identify', { userId: '12345', traits: { email: 'homer.simpson@example.com' } })
    const off = await call(host, 'POST', '/v1/track', ticketEvent('after-restart-1'))
    expect(off.body.actions).toEqual([])
    expect(host.simulator!.state().tickets).toEqual([])

    await onOff('Create Ticket').click()
    await eventually(async () => expect(await onOff('Create Ticket').getAttribute('aria-checked')).toBe('true'))
    const on = await call(host, 'POST', '/v1/track', ticketEvent('after-restart-2'))
    expect(on.body.actions).toEqual([expect.objectContaining({ action: 'createTicket', result: 'delivered' })])
    expect(host.simulator!.state().tickets).toEqual([
      expect.objectContaining({ external_id: 'after-restart-2', group_id: billingId() })
    ])
  })

  test('with the identify example, a mapping that does not match it shows "does not match", no required field', async () => {
    await page.reload()
    await openFromList(page, 'Upsert Organization')
    await pickTestEvent(page, 'Example 2. identify userId=12345 — Homer Simpson')
    expect(await textOf(page.locator('.event-step .match'))).toMatch(/^Does not match this event/)
    await goToStep(page, 'Fields')
    await eventually(async () => expect(await page.locator('.match-note').isVisible()).toBe(true))
    expect(await textOf(page.locator('.match-note'))).toMatch(/^Upsert Organization does not match this event/)
    // The required External ID left, and a save: still no problem, the mapping never gets this event.
    const externalId = page.locator('.field-row[data-field="external_id"] select.mode')
    await externalId.focus()
    await externalId.blur()
    await goToStep(page, 'Trigger')
    await page.fill('#mapping-name', 'Companies')
    await goToStep(page, 'Fields')
    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    expect(await page.locator('.field-problems li').count()).toBe(0)
    await goToStep(page, 'Review and test')
    await eventually(async () =>
      expect(await textOf(page.locator('.review-step .match'))).toMatch(/^Does not match this event/)
    )
    expect(await page.locator('.review-problems').isHidden()).toBe(true)
    expect(session.problems).toEqual([])
  })

  test('Add a mapping: pick an action, get its preset; saved, the URL names it; Remove drops it', async () => {
    await page.goto(`${host.url}/`)
    await page.selectOption('#add-action', 'createTicket')
    await page.click('#add-mapping')
    await page.locator('#subscribe').waitFor()
    expect(new URL(page.url()).search).toBe('?mapping=new&action=createTicket&step=trigger')
    expect(await page.inputValue('#subscribe')).toBe('type = "track" and event = "Ticket Created"')
    expect(await textOf(page.locator('#save-status'))).toBe('Not saved yet')
    await page.fill('#mapping-name', 'Urgent tickets')
    await page.fill('#subscribe', 'type = "track" and event = "Ticket Created" and properties.priority = "urgent"')
    await page.click('#save')
    await page.locator('#save-status.ok').waitFor()
    expect(new URL(page.url()).search).toBe('?mapping=7&step=trigger')
    expect(savedFile()[6]).toMatchObject({ name: 'Urgent tickets', partnerAction: 'createTicket', enabled: true })
    // The steps now lead to the saved mapping.
    await goToStep(page, 'Fields')
    expect(new URL(page.url()).search).toBe('?mapping=7&step=fields')

    await page.getByRole('button', { name: 'Remove this mapping' }).click()
    await page.getByRole('button', { name: 'Remove Urgent tickets from the mapping file' }).click()
    await eventually(async () => expect(await page.locator('.mapping-card').count()).toBe(6))
    expect(savedFile().map((s: any) => s.name)).not.toContain('Urgent tickets')
  })

  /** Each view as a person sees it: the list, each step of an open mapping (tested), an event sent, the records. */
  const views: [string, () => Promise<void>][] = [
    [
      'the list',
      async () => {
        await page.goto(`${host.url}/`)
        await mappingCard(page, 'Create Ticket').waitFor()
      }
    ],
    [
      'the trigger step',
      async () => {
        await openFromList(page, 'Create Ticket')
        await eventually(async () => expect(await textOf(page.locator('.trigger-step .match'))).toMatch(/^Matches/))
      }
    ],
    [
      'the test event step',
      async () => {
        await goToStep(page, 'Test event')
        await page.locator('fieldset.test-events').first().waitFor()
      }
    ],
    [
      'the fields step',
      async () => {
        await goToStep(page, 'Fields')
        await groupRow().locator('select.mode').selectOption('literal')
        await groupRow().locator('ul.choices button.choice').first().waitFor()
      }
    ],
    [
      'the review step, tested',
      async () => {
        await goToStep(page, 'Review and test')
        await page.click('#test-mapping')
        await page.locator('#test-result .run').waitFor()
      }
    ],
    [
      'an event sent',
      async () => {
        await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Send an event' }).click()
        await page.click('#send')
        await page.locator('#actions-run .run').waitFor()
      }
    ],
    [
      'the records',
      async () => {
        await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Records' }).click()
        await page.locator('#records-users tbody tr').first().waitFor()
      }
    ]
  ]

  test.each([1400, 420])(
    'axe-core: no serious or critical violation on each view at %i px, none wider than the window',
    async (width) => {
      await page.setViewportSize({ width, height: 900 })
      for (const [view, reach] of views) {
        await reach()
        expect({ view, violations: await seriousViolations(page) }).toEqual({ view, violations: [] })
        if (width < 600) {
          expect({ view, width: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({
            view,
            width
          })
          expect({
            view,
            overflowing: await overflowing(page, '.panel, .mapping-card, .field-row, .savebar, .run')
          }).toEqual({ view, overflowing: [] })
          await page.screenshot({ path: join(ARTIFACTS, `mapping-420px-${view.replace(/[ ,]+/g, '-')}.png`) })
        }
      }
      await page.setViewportSize({ width: 1400, height: 1000 })
      expect(session.problems).toEqual([])
    }
  )
})
