import { mkdtempSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { startLocalHost, type LocalHost } from '../../src/cli/local-host'
import { chromiumLaunchOptions } from './chromium'

/** The local host (embedded simulator, demo account) and a headless Chromium page on its mapping page. */
export interface MappingPageSession {
  host: LocalHost
  browser: Browser
  page: Page
  /** page errors and console errors the test did not expect */
  problems: string[]
  /** where the page saves while the host runs the presets */
  newMappingFile: string
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
  const host = await startLocalHost({ port: 0, env: {}, newMappingFile, log: () => undefined })
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
  await page.goto(`${host.url}/`)
  return {
    host,
    browser,
    page,
    problems,
    newMappingFile,
    close: async () => {
      await browser.close()
      await host.close()
    }
  }
}

/** Retries a jest assertion about the page until it holds (the page updates after its requests answer). */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      return await assertion()
    } catch (error) {
      if (Date.now() > end) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

export const textOf = async (locator: Locator) => (await locator.allTextContents()).join('\n')
