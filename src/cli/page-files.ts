import { readdirSync } from 'fs'
import { readFile, stat } from 'fs/promises'
import { join } from 'path'
import ts from 'typescript'
import type { Route } from './host-routes'

/** The page's HTML, style sheet and TypeScript modules. */
const PAGE_DIR = join(__dirname, 'page')

/** The page loads nothing from elsewhere and runs no inline script; nobody may frame it. */
const PAGE_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer'
}

function pageFile(path: string, file: string, contentType: string, about: string, unlisted = false): Route {
  return {
    method: 'GET',
    path,
    about,
    unlisted,
    handle: async () => ({
      status: 200,
      body: await readFile(join(PAGE_DIR, file), 'utf8'),
      contentType,
      headers: PAGE_HEADERS
    })
  }
}

/** A module compiled, kept until its file changes. */
type Compiled = Map<string, { modifiedMs: number; code: string }>

async function compile(file: string, compiled: Compiled): Promise<string> {
  const path = join(PAGE_DIR, file)
  const { mtimeMs } = await stat(path)
  const kept = compiled.get(file)
  if (kept?.modifiedMs === mtimeMs) return kept.code
  const { outputText } = ts.transpileModule(await readFile(path, 'utf8'), {
    fileName: file,
    compilerOptions: { target: ts.ScriptTarget.ES2021, module: ts.ModuleKind.ES2020, sourceMap: false }
  })
  compiled.set(file, { modifiedMs: mtimeMs, code: outputText })
  return outputText
}

/**
 * A module of the page's script, compiled from its TypeScript as it is served: the browser loads the modules as they
 * are written (type-checked and linted with the rest of the project), one file each, nothing bundled.
 */
function pageModule(file: string, compiled: Compiled): Route {
  return {
    method: 'GET',
    path: `/mapping/${file.replace(/\.ts$/, '.js')}`,
    about: 'a module of the mapping page’s script',
    unlisted: true,
    handle: async () => ({
      status: 200,
      body: await compile(file, compiled),
      contentType: 'text/javascript; charset=utf-8',
      headers: PAGE_HEADERS
    })
  }
}

/** The mapping page at `/` (and `/mapping`), its style sheet and its script's modules (`/mapping/app.js` first). */
export function pageFileRoutes(about: string): Route[] {
  const modules = readdirSync(PAGE_DIR).filter((file) => file.endsWith('.ts'))
  const compiled: Compiled = new Map()
  return [
    pageFile('/', 'index.html', 'text/html; charset=utf-8', about),
    pageFile('/mapping', 'index.html', 'text/html; charset=utf-8', about, true),
    pageFile('/mapping/style.css', 'style.css', 'text/css; charset=utf-8', 'the mapping page’s style sheet', true),
    ...modules.map((file) => pageModule(file, compiled))
  ]
}
