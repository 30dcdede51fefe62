import { existsSync } from 'fs'
import { readFile } from 'fs/promises'
import { join, resolve } from 'path'
import { defaultValues, Destination, type SegmentEvent } from '@segment/actions-core'
import { ok, type HostContext, type HostReply, type Route } from './host-routes'
import { checkEditedSubscriptions, MappingFileError, presetSubscriptions, writeMappingFile } from './mapping-file'
import { previewSubscription } from './mapping-preview'
import { simulatorView } from './replay'
import { authOf, EventRunner, matches } from './run-events'
import { describeEvent, EventInputError, normaliseEvent } from './segment-events'
import { isObject } from './objects'

/** Where the page saves when the host was started without --mapping (in the working directory). */
export const MAPPING_FILE_NAME = 'zendesk-mapping.json'

const PAGE_DIR = join(__dirname, 'page')
const EXAMPLES_FILE = resolve(__dirname, '../../examples/seed-events.ndjson')

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

/**
 * Which parts of an object field the page can list from the account: its keys (`<field>.__keys__`) and a key's
 * values (`<field>.__values__`, e.g. a drop-down ticket field's options). Undefined for other fields.
 */
function objectChoicesOf(dynamicFields: unknown, fieldKey: string): { keys: boolean; values: boolean } | undefined {
  const handlers = isObject(dynamicFields) ? dynamicFields[fieldKey] : undefined
  if (!isObject(handlers)) return undefined
  return { keys: typeof handlers.__keys__ === 'function', values: typeof handlers.__values__ === 'function' }
}

/** Everything the page shows about the destination: actions, their presets and fields, the subscriptions in use. */
function pageModel(context: HostContext): unknown {
  const presets = presetSubscriptions(context.definition)
  const saveTo = resolve(context.mappingFile ?? context.newMappingFile)
  return {
    target: { kind: context.target.kind, description: context.target.description },
    mappingFile: { path: saveTo, inUse: context.mappingFile !== undefined, exists: existsSync(saveTo) },
    actions: Object.entries(context.definition.actions).map(([key, action]) => ({
      key,
      title: action.title,
      description: action.description,
      preset: presets.find((preset) => preset.partnerAction === key),
      /** what a new subscription of an action without a preset starts from: its default subscription and fields */
      suggested: {
        name: action.title,
        partnerAction: key,
        subscribe: action.defaultSubscription ?? '',
        mapping: defaultValues(action.fields)
      },
      /** the action's sync mode choice, saved in a mapping as __segment_internal_sync_mode */
      syncMode: action.syncMode,
      fields: Object.entries(action.fields).map(([fieldKey, field]) => ({
        key: fieldKey,
        label: field.label,
        description: field.description,
        type: field.type,
        required: field.required === true,
        multiple: field.multiple === true,
        /** a mapping UI can list this field's choices from the Zendesk account (the action's dynamicFields) */
        dynamic: field.dynamic === true,
        objectChoices: objectChoicesOf(action.dynamicFields, fieldKey),
        choices: field.choices,
        default: field.default
      }))
    })),
    subscriptions: context.runner.subscriptions
  }
}

/** A one-line label for a shipped example, e.g. `identify userId=12345 — joins company 6789`. */
function exampleLabel(event: SegmentEvent, line: number): string {
  const traits = isObject(event.traits) ? event.traits : {}
  const company = isObject(traits.company) ? traits.company : undefined
  const detail = company
    ? `${company.remove === true ? 'leaves' : 'joins'} company ${String(company.id)}`
    : typeof traits.name === 'string'
      ? traits.name
      : undefined
  return `${line}. ${describeEvent(event)}${detail ? ` — ${detail}` : ''}`
}

async function shippedExamples(): Promise<{ label: string; event: unknown }[]> {
  const lines = (await readFile(EXAMPLES_FILE, 'utf8')).split(/\r?\n/)
  return lines.flatMap((text, index) => {
    if (text.trim() === '') return []
    const event = JSON.parse(text) as SegmentEvent
    return [{ label: exampleLabel(event, index + 1), event }]
  })
}

/** Runs one event and reports everything the page shows about it. */
async function sendEvent(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  if (!isObject(body.event)) throw new EventInputError('Paste an event: a JSON object with a "type".')
  const event = normaliseEvent(body.event)
  // Edits not saved yet run in a runner of their own, checked as a save checks them.
  const runner =
    body.subscriptions === undefined
      ? context.runner
      : new EventRunner(
          context.definition,
          context.runner.account,
          checkEditedSubscriptions(body.subscriptions, context.definition)
        )
  const report = await runner.runEvent(event)
  return ok({
    event,
    subscriptions: runner.subscriptions.map((subscription) => ({
      ...subscription,
      matches: matches(subscription, event)
    })),
    report,
    state: context.target.simulator ? simulatorView(context.target.simulator.state()) : undefined
  })
}

/** What each edited subscription does with the event: FQL checks, whether it matches, the mapped payload, field problems. */
async function previewEvent(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const subscriptions = Array.isArray(body.subscriptions) ? body.subscriptions : []
  const examples = (await shippedExamples()).map((example) => example.event as SegmentEvent)
  return ok({
    subscriptions: subscriptions.map((subscription) =>
      previewSubscription(context.definition, isObject(subscription) ? subscription : {}, body.event, examples)
    )
  })
}

/**
 * One page of a field's choices from the Zendesk account (the action's dynamicFields); a refusal is its `error`.
 * `payload` holds the mapped values the choices depend on (a custom object's fields: the object chosen).
 */
async function fieldChoices(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const { action, field, page, payload } = body
  if (typeof action !== 'string' || typeof field !== 'string' || !context.definition.actions[action]) {
    throw new EventInputError('Give the "action" key and the "field" key whose choices to list.')
  }
  try {
    const settings = context.runner.settings
    const answer = await new Destination(context.definition).executeDynamicField(action, field, {
      settings,
      auth: authOf(settings),
      payload: isObject(payload) ? payload : {},
      page: typeof page === 'string' ? page : undefined
    })
    return ok(Array.isArray(answer) ? { choices: [] } : answer)
  } catch (error) {
    return ok({ choices: [], error: { code: 'error', message: (error as Error).message } })
  }
}

/** Saves to the mapping file in use, or creates the page's own file and makes the host read its subscriptions from it. */
async function saveMappings(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const subscriptions = checkEditedSubscriptions(body.subscriptions, context.definition)
  const path = resolve(context.mappingFile ?? context.newMappingFile)
  await writeMappingFile(path, subscriptions)
  const switched = context.mappingFile === undefined
  context.mappingFile = path
  context.runner.subscriptions = subscriptions
  return ok({ saved: path, switched, subscriptions })
}

/** Mapping problems are the person's input: a 400 listing each of them. */
function withMappingProblems(
  handle: (body: Record<string, unknown>, context: HostContext) => Promise<HostReply>
): Route['handle'] {
  return async (request, context) => {
    try {
      return await handle(isObject(request.body) ? request.body : {}, context)
    } catch (error) {
      if (!(error instanceof MappingFileError)) throw error
      return { status: 400, body: { error: error.message, problems: error.problems } }
    }
  }
}

/** The local mapping page: the page itself, its script and style, and the JSON routes it calls. */
export function mappingPageRoutes(): Route[] {
  const about = 'the mapping page: see and edit the mappings, send an example event (open it in a browser)'
  return [
    pageFile('/', 'index.html', 'text/html; charset=utf-8', about),
    pageFile('/mapping', 'index.html', 'text/html; charset=utf-8', about, true),
    pageFile('/mapping/app.js', 'app.js', 'text/javascript; charset=utf-8', 'the mapping page’s script', true),
    pageFile('/mapping/style.css', 'style.css', 'text/css; charset=utf-8', 'the mapping page’s style sheet', true),
    {
      method: 'GET',
      path: '/mapping/model',
      about: 'the actions with their presets and fields, the subscriptions in use, the mapping file',
      handle: (_request, context) => ok(pageModel(context))
    },
    {
      method: 'GET',
      path: '/mapping/examples',
      about: 'the shipped example events (examples/seed-events.ndjson)',
      handle: async () => ok({ source: 'examples/seed-events.ndjson', examples: await shippedExamples() })
    },
    {
      method: 'POST',
      path: '/mapping/send',
      about: '{ event, subscriptions? } → matches, mapped payloads, Zendesk requests, results, records',
      handle: withMappingProblems(sendEvent)
    },
    {
      method: 'POST',
      path: '/mapping/preview',
      about:
        '{ event, subscriptions } → per subscription: FQL checks, matches, mapped payload, field problems (sends nothing)',
      handle: async (request, context) => previewEvent(isObject(request.body) ? request.body : {}, context)
    },
    {
      method: 'POST',
      path: '/mapping/choices',
      about: '{ action, field, payload?, page? } → one page of that field’s choices from the Zendesk account',
      handle: async (request, context) => fieldChoices(isObject(request.body) ? request.body : {}, context)
    },
    {
      method: 'POST',
      path: '/mapping/save',
      about: '{ subscriptions } → checked, saved to the mapping file, used from then on',
      handle: withMappingProblems(saveMappings)
    }
  ]
}
