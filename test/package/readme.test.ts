import { readdirSync, readFileSync } from 'fs'
import { join, resolve } from 'path'

const repo = resolve(__dirname, '../..')
const README = readFileSync(join(repo, 'README.md'), 'utf8')
const EXAMPLES = 'examples'

/** Languages of the blocks a host author copies: each must be an example file, or marked as a fragment. */
const HOST_CODE = ['js', 'javascript', 'mjs', 'cjs', 'ts', 'typescript']

interface CodeBlock {
  /** 1-based line of the opening fence */
  line: number
  lang: string
  content: string
  /** the HTML comment on the line before the fence, e.g. `example: examples/host.cjs` */
  marker?: string
}

interface Heading {
  level: number
  text: string
}

/** The README's fenced code blocks and its headings (a `#` inside a code block is no heading). */
function parse(markdown: string): { blocks: CodeBlock[]; headings: Heading[] } {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  const headings: Heading[] = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i])
    if (fence) {
      const end = lines.indexOf('```', i + 1)
      if (end === -1) throw new Error(`README line ${i + 1}: a code block that never ends`)
      const marker = /^<!-- (.+) -->$/.exec(lines[i - 1] ?? '')?.[1]
      blocks.push({ line: i + 1, lang: fence[1], content: lines.slice(i + 1, end).join('\n') + '\n', marker })
      i = end
      continue
    }
    const heading = /^(#{1,6}) (.+)$/.exec(lines[i])
    if (heading) headings.push({ level: heading[1].length, text: heading[2] })
  }
  return { blocks, headings }
}

/** GitHub's anchor for a heading: lower case, punctuation (backticks, colons, apostrophes, brackets) dropped. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-')
}

const { blocks, headings } = parse(README)
const exampleFile = (path: string) => readFileSync(join(repo, path), 'utf8')
/** The blocks marked `<!-- example: examples/… -->` (the whole file) or `<!-- fragment of examples/… -->`. */
const MARKER = /^(example:|fragment of) (examples\/\S+)$/
const markedAs = (kind: 'example:' | 'fragment of') =>
  blocks.flatMap((block) => {
    const [, markedKind, path] = MARKER.exec(block.marker ?? '') ?? []
    return markedKind === kind ? [{ ...block, path }] : []
  })

describe('the README’s code blocks', () => {
  test('every JavaScript or TypeScript block is an examples/ file or marked as a fragment', () => {
    const unmarked = blocks
      .filter((block) => HOST_CODE.includes(block.lang))
      .filter((block) => !MARKER.test(block.marker ?? '') && block.marker !== 'fragment')
      .map((block) => `line ${block.line}: ${block.marker ?? 'no marker'}`)
    expect(unmarked).toEqual([])
  })

  test('a block marked as an example is that file as it is', () => {
    const examples = markedAs('example:')
    expect(examples.length).toBeGreaterThan(0)
    for (const block of examples)
      expect({ path: block.path, content: block.content }).toEqual({
        path: block.path,
        content: exampleFile(block.path)
      })
  })

  test('a fragment of an example is in that file as it is', () => {
    const fragments = markedAs('fragment of')
    expect(fragments.length).toBeGreaterThan(0)
    for (const block of fragments) expect(exampleFile(block.path)).toContain(block.content)
  })

  test('every example file is shown, whole or in part', () => {
    const shown = new Set([...markedAs('example:'), ...markedAs('fragment of')].map((block) => block.path))
    const files = readdirSync(join(repo, EXAMPLES))
      .filter((name) => !name.endsWith('.ndjson'))
      .map((name) => `${EXAMPLES}/${name}`)
    expect(files.filter((path) => !shown.has(path))).toEqual([])
  })
})

describe('the README’s contents list', () => {
  const contents = README.slice(
    README.indexOf('## Contents'),
    README.indexOf('\n## ', README.indexOf('## Contents') + 1)
  )
  const listed = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1])
  const sections = headings.filter((heading) => heading.level > 1 && heading.text !== 'Contents')

  test('links every section', () => {
    expect(sections.length).toBeGreaterThan(20)
    expect(sections.map((heading) => anchorOf(heading.text)).filter((anchor) => !listed.includes(anchor))).toEqual([])
  })

  test('every link to a part of the README leads to a heading', () => {
    const anchors = new Set(headings.map((heading) => anchorOf(heading.text)))
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1])
    expect(links.filter((link) => !anchors.has(link))).toEqual([])
  })
})
