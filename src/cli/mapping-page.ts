import { defaultValues, Destination } from '@segment/actions-core'
import { ok, type HostContext, type HostReply, type Route } from './host-routes'
import { presetSubscriptions } from './mapping-file'
import { mappingChangeRoutes } from './mapping-changes'
import { subscriptionListing } from './mapping-listing'
import { mappingRunRoutes } from './mapping-runs'
import { pageFileRoutes } from './page-files'
import { authOf } from './run-events'
import { EventInputError } from './segment-events'
import { shippedExamples } from './shipped-examples'
import { isObject } from './objects'

/** Where the page saves when the host was started without --mapping (in the working directory). */
export const MAPPING_FILE_NAME = 'zendesk-mapping.json'

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
async function pageModel(context: HostContext): Promise<unknown> {
  const presets = presetSubscriptions(context.definition)
  return {
    target: { kind: context.target.kind, description: context.target.description },
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
    ...(await subscriptionListing(context))
  }
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

/** The local mapping page: the page itself, its script and style, and the JSON routes it calls. */
export function mappingPageRoutes(): Route[] {
  const about = 'the mapping page: the mappings, each opened to edit and test it (open it in a browser)'
  return [
    ...pageFileRoutes(about),
    {
      method: 'GET',
      path: '/mapping/model',
      about: 'the actions with their presets and fields, the subscriptions in use, the mapping file',
      handle: async (_request, context) => ok(await pageModel(context))
    },
    {
      method: 'GET',
      path: '/mapping/examples',
      about: 'the shipped example events (examples/seed-events.ndjson)',
      handle: async () => ok({ source: 'examples/seed-events.ndjson', examples: await shippedExamples() })
    },
    {
      method: 'POST',
      path: '/mapping/choices',
      about: '{ action, field, payload?, page? } → one page of that field’s choices from the Zendesk account',
      handle: async (request, context) => fieldChoices(isObject(request.body) ? request.body : {}, context)
    },
    ...mappingRunRoutes(),
    ...mappingChangeRoutes()
  ]
}
