import { execFileSync } from 'child_process'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'fs'
import { tmpdir } from 'os'
import { dirname, join } from 'path'
import type { LaunchOptions } from 'playwright-core'
import { pipeline } from 'stream/promises'
import { brotliDecompressSync, createBrotliDecompress } from 'zlib'

/** Keep the browser off the network (the tests only talk to the local host) and render in software. */
const ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu'
]

/**
 * How the browser tests launch Chromium: the binary named by CHROMIUM_PATH if set (a system Chromium or Chrome, for
 * macOS or arm64 Linux), else on Linux x64 the headless Chromium that `npm ci` installs from the npm registry inside
 * @sparticuz/chromium. Playwright adds --headless and --no-sandbox itself.
 *
 * @sparticuz/chromium's own executablePath() and args are not used: it unpacks to a shared /tmp/chromium that a second
 * process launches while the first is still writing it (spawn ETXTBSY), and its --disable-features replaces
 * Playwright's (Chromium keeps only the last one), turning back on the requests to Google that Playwright turns off.
 */
export async function chromiumLaunchOptions(): Promise<LaunchOptions> {
  const path = process.env.CHROMIUM_PATH
  if (path) {
    if (!existsSync(path)) throw new Error(`CHROMIUM_PATH is ${path}, which does not exist.`)
    return { executablePath: path, args: ARGS, headless: true }
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The browser tests bring their own Chromium only on Linux x64 (this is ${process.platform} ${process.arch}): ` +
        'set CHROMIUM_PATH to a Chromium or Chrome binary, e.g. CHROMIUM_PATH="/Applications/Google Chrome.app/' +
        'Contents/MacOS/Google Chrome" npm test.'
    )
  }
  const dir = await unpackSparticuz()
  // Its own NSS and expat (built for Amazon Linux 2023: they need glibc 2.34) so that no system library is needed,
  // and its Open Sans for machines without a font.
  const glibc: string = (process.report.getReport() as any).header?.glibcVersionRuntime ?? '0'
  const bundledLibs = glibc.localeCompare('2.34', undefined, { numeric: true }) >= 0
  const ldPath = [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')
  return {
    executablePath: join(dir, 'chromium'),
    args: ARGS,
    headless: true,
    env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf'), ...(bundledLibs && { LD_LIBRARY_PATH: ldPath }) }
  }
}

/**
 * Unpacks @sparticuz/chromium's brotli'd binary, libraries and fonts once per version and user into the temp
 * directory. Each process unpacks into its own staging directory and renames it into place, so a directory that
 * exists is complete, and two test runs starting at once both launch a whole binary.
 */
async function unpackSparticuz(): Promise<string> {
  const pkg = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..')
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))
  const dir = join(tmpdir(), `sparticuz-chromium-${version}-${process.getuid?.() ?? 0}`)
  if (existsSync(join(dir, 'chromium'))) return dir

  const staging = mkdtempSync(`${dir}.staging-`)
  try {
    const bin = join(pkg, 'bin')
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(staging, 'chromium'), { mode: 0o755 })
    )
    for (const tarball of ['al2023.tar.br', 'fonts.tar.br']) {
      execFileSync('tar', ['-x', '--no-same-owner', '-C', staging, '-f', '-'], {
        input: brotliDecompressSync(readFileSync(join(bin, tarball)))
      })
    }
    writeFileSync(
      join(staging, 'fonts.conf'),
      '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n' +
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' +
        `  <dir>${dir}/fonts</dir>\n  <cachedir>${dir}/fontconfig-cache</cachedir>\n</fontconfig>\n`
    )
    renameSync(staging, dir)
  } catch (error) {
    // Another process renamed its complete copy into place first: use that one.
    if (!existsSync(join(dir, 'chromium'))) throw error
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
  return dir
}
