/**
 * Writes every generated-types.ts from the field definitions: `Settings` for the destination, `Payload` per action.
 * `--check` writes nothing and fails when a file differs from what the definitions produce.
 */
import { fieldsToJsonSchema, type InputField } from '@segment/actions-core'
import { compile } from 'json-schema-to-typescript'
import { existsSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import destination from '../src/destinations/zendesk'

const DESTINATION_DIR = path.join(__dirname, '..', 'src', 'destinations', 'zendesk')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND. Run `npm run types` to regenerate.'

/** Without titles the compiler inlines each field's type in one interface, documented by its description. */
function withoutTitles(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutTitles)
  if (!schema || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'title')
      .map(([key, value]) => [key, withoutTitles(value)])
  )
}

async function typesFor(fields: Record<string, InputField>, name: string): Promise<string> {
  const schema = withoutTitles(fieldsToJsonSchema(fields))
  return compile(schema as any, name, {
    bannerComment: BANNER,
    additionalProperties: false,
    strictIndexSignatures: true,
    unknownAny: false,
    style: { semi: false, singleQuote: true, printWidth: 120, trailingComma: 'none' }
  })
}

async function main() {
  const check = process.argv.includes('--check')
  const targets: { file: string; content: Promise<string> }[] = [
    {
      file: path.join(DESTINATION_DIR, 'generated-types.ts'),
      content: typesFor(destination.authentication!.fields as Record<string, InputField>, 'Settings')
    },
    ...Object.entries(destination.actions).map(([key, action]) => ({
      file: path.join(DESTINATION_DIR, key, 'generated-types.ts'),
      content: typesFor(action.fields as Record<string, InputField>, 'Payload')
    }))
  ]
  const drifted: string[] = []
  for (const target of targets) {
    const content = await target.content
    const current = existsSync(target.file) ? readFileSync(target.file, 'utf8') : undefined
    if (current === content) continue
    if (check) drifted.push(path.relative(process.cwd(), target.file))
    else writeFileSync(target.file, content)
  }
  if (drifted.length) {
    console.error(`Generated types are out of date (run \`npm run types\`):\n  ${drifted.join('\n  ')}`)
    process.exit(1)
  }
  console.log(
    check
      ? `Generated types are up to date (${targets.length} files).`
      : `Wrote ${targets.length} generated-types files.`
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
