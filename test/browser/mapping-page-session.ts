import { existsSync, mkdtempSync, readFileSync } from 'fs'
import { tmpdir } from 'os'
import { join, resolve } from 'path'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { chromiumLaunchOptions } from './chromium'
import { eventually } from '../helpers/eventually'

/** The local host (embedded simulator, demo account) and a headless Chromium page on its mapping page. */
export interface MappingPageSession {
  host: LocalHost
  browser: Browser
  page: Page
  /** page errors and console errors the test did not expect */
  problems: string[]
  /** where the page saves while the host runs the presets */
  newMappingFile: string
  /** Stops the host and starts another on the mapping file the page saved (its simulator starts afresh). */
  restartHost(): Promise<LocalHost>
  close(): Promise<void>
}

/**
 * Starts the local host and opens its mapping page in Chromium (see ./chromium.ts for which one).
 * `expectedConsoleError` tells a console error the test causes on purpose from one that is a problem.
 */
export async function openMappingPage(
  name: string,
  expectedConsoleError: (text: string) => boolean = () => false
): Promise<MappingPageSession> {
  const launchOptions = await chromiumLaunchOptions()
  const newMappingFile = join(mkdtempSync(join(tmpdir(), `${name}-`)), 'zendesk-mapping.json')
  const start = (mappingFile?: string) =>
    startLocalHost({ port: 0, env: {}, newMappingFile, mappingFile, log: () => undefined })
  const browser = await chromium.launch(launchOptions)
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  page.setDefaultTimeout(5000)
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && !expectedConsoleError(message.text())) {
      problems.push(`console error: ${message.text()}`)
    }
  })
  const session: MappingPageSession = {
    host: await start(),
    browser,
    page,
    problems,
    newMappingFile,
    restartHost: async () => {
      // Off the page first: a request of the page that the stopping host cuts off would be a console error.
      await page.goto('about:blank')
      await session.host.close()
      session.host = await start(newMappingFile)
      return session.host
    },
    close: async () => {
      await browser.close()
      await session.host.close()
    }
  }
  await page.goto(`${session.host.url}/`)
  return session
}

// Assertions about the page are retried until they hold: the page updates after its requests answer.
export { eventually }

export const textOf = async (locator: Locator) => (await locator.allTextContents()).join('\n')

/** A mapping's card on the list, by its name. */
export const mappingCard = (page: Page, name: string) =>
  page.locator('.mapping-card').filter({ has: page.getByRole('link', { name, exact: true }) })

/** From the list, opens a mapping by its name, as a person clicks it; answers once its steps show. */
export async function openFromList(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click()
  await page.locator('.steps').waitFor()
}

/** Moves to a step of the open mapping by its link in the steps. */
export async function goToStep(page: Page, title: 'Trigger' | 'Test event' | 'Fields' | 'Review and test') {
  await page.locator('.steps a', { hasText: title }).click()
  await page.locator('h3.step-title', { hasText: title }).waitFor()
}

/** Picks the test event whose label has `text` (on the test event step), and waits until the preview follows it. */
export async function pickTestEvent(page: Page, text: string): Promise<void> {
  await goToStep(page, 'Test event')
  await page.locator('.test-event label', { hasText: text }).first().click()
  await eventually(async () => expect(await textOf(page.locator('.event-step .match'))).toContain(text))
}

/** axe-core from node_modules when it is installed (a dev dependency), or from AXE_CORE_PATH. */
export const AXE = process.env.AXE_CORE_PATH ?? resolve(__dirname, '../../node_modules/axe-core/axe.min.js')

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!existsSync(AXE)) throw new Error(`axe-core is not at ${AXE}.`)
  // Not a script tag: the page's CSP allows no inline script.
  await page.evaluate(readFileSync(AXE, 'utf8'))
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] })
    return result.violations
      .filter((violation: any) => ['serious', 'critical'].includes(violation.impact))
      .map((violation: any) => `${violation.id} (${violation.nodes.length}): ${violation.help}`)
  })
}

/** Elements wider than their box at the current width (wide tables scroll in their own region instead). */
export async function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    (query) =>
      Array.from(document.querySelectorAll(query))
        .filter((node) => node.scrollWidth > node.clientWidth + 1)
        .map((node) => node.id || node.className),
    selector
  )
}
