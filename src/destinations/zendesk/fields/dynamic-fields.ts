import {
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  type DynamicFieldError,
  type DynamicFieldItem,
  type DynamicFieldResponse,
  type ExecuteInput,
  type RequestFn
} from '@segment/actions-core'
import type { PipelineInstance } from '../batch/pipeline'
import { statusOf } from '../batch/results'
import type {
  AccountField,
  CatalogApi,
  CatalogPage,
  CustomObjectField,
  FieldOption,
  TicketField
} from '../client/catalog'
import type { Settings } from '../generated-types'
import { quote } from '../client/quote'
import { text } from './text'

type DynamicField = RequestFn<Settings, unknown, DynamicFieldResponse>
type Input = ExecuteInput<Settings, unknown>
/** What the dynamic fields take from the destination instance: a client for the settings they are asked with. */
type ClientSource = Pick<PipelineInstance, 'clientFor'>

/** What a list is and who may read it, for the messages a mapping UI shows when Zendesk refuses. */
interface ListDescription {
  what: string
  readableBy: string
}

const AGENTS = 'a Zendesk admin or agent'
const OPTIONS_SHOWN = 20

/**
 * A dynamic field answer built from the account, or a readable `error` (never a throw) when Zendesk refuses or
 * fails, so a mapping UI can say what is wrong. Messages name the list and status, never a credential.
 */
function dynamicField(
  instance: ClientSource,
  list: ListDescription | ((data: Input) => ListDescription),
  answer: (catalog: CatalogApi, data: Input) => Promise<DynamicFieldResponse>
): DynamicField {
  return async (request, data) => {
    try {
      return await answer(instance.clientFor(request, data.settings, data.auth).catalog, data)
    } catch (error) {
      return { choices: [], error: errorAnswer(error, typeof list === 'function' ? list(data) : list) }
    }
  }
}

function errorAnswer(error: unknown, { what, readableBy }: ListDescription): DynamicFieldError {
  const status = statusOf(error)
  const known =
    error instanceof IntegrationError || error instanceof RetryableError || error instanceof InvalidAuthenticationError
  // Only the destination's own errors are worded for people; anything else is not shown as it is.
  if (!known) return { code: String(status), message: `Could not list ${what} because of an unexpected error.` }
  const hint =
    status === 403
      ? ` Listing ${what} needs the API token of ${readableBy}, or an OAuth token with the read scope.`
      : ''
  return { code: String(status), message: `${error.message.replace(/\.?$/, '.')}${hint}` }
}

function pageAnswer<T>(page: CatalogPage<T>, choice: (item: T) => DynamicFieldItem | undefined): DynamicFieldResponse {
  const choices = page.items.map(choice).filter((item): item is DynamicFieldItem => item !== undefined)
  return page.next ? { choices, nextPage: page.next } : { choices }
}

function optionsText(options: FieldOption[] | null | undefined): string {
  if (!options?.length) return ''
  const shown = options.slice(0, OPTIONS_SHOWN).map((o) => `${o.name} (${o.value})`)
  const more = options.length > OPTIONS_SHOWN ? `, and ${options.length - OPTIONS_SHOWN} more` : ''
  return `; options: ${shown.join(', ')}${more}`
}

const HAS_OPTIONS = new Set(['tagger', 'dropdown', 'multiselect'])

/** The value type a mapping UI should offer for a field of this Zendesk type. */
function valueType(zendeskType: string): DynamicFieldItem['type'] {
  if (zendeskType === 'checkbox') return 'boolean'
  if (zendeskType === 'integer') return 'integer'
  if (zendeskType === 'decimal') return 'number'
  return 'string'
}

function fieldDescription(field: { type: string; custom_field_options?: FieldOption[] | null }): string {
  return `Type: ${field.type}${HAS_OPTIONS.has(field.type) ? optionsText(field.custom_field_options) : ''}`
}

const ticketFieldKey = (field: TicketField): DynamicFieldItem => ({
  value: String(field.id),
  label: field.title,
  description: fieldDescription(field),
  type: valueType(field.type)
})

const accountFieldKey = (field: AccountField): DynamicFieldItem => ({
  value: field.key,
  label: field.title ?? field.key,
  description: fieldDescription(field),
  type: valueType(field.type)
})

const named = (record: { id: number; name: string }): DynamicFieldItem => ({
  value: String(record.id),
  label: record.name
})

/** What a lookup field of a custom object takes, for its description. */
const LOOKUP_VALUES: Record<string, string> = {
  'zen:user': "a user's external ID or email",
  'zen:organization': "an organization's external ID",
  'zen:ticket': 'a ticket id'
}

/** A custom object's own fields (not its standard name and external ID) as keys of Record Fields. */
function objectFieldKey(field: CustomObjectField): DynamicFieldItem | undefined {
  if (field.key.startsWith('standard::')) return undefined
  const target = field.relationship_target_type ?? ''
  const lookup = field.type === 'lookup' ? `; takes ${LOOKUP_VALUES[target] ?? `the id of a ${target} record`}` : ''
  return {
    value: field.key,
    label: field.title ?? field.key,
    description: `${fieldDescription(field)}${lookup}`,
    type: valueType(field.type)
  }
}

/** The custom object chosen in the mapping being edited; its fields are listed only once there is one. */
function chosenObject(data: Input): string {
  const key = text((data.payload as { custom_object_key?: unknown } | undefined)?.custom_object_key)
  if (key === undefined) {
    throw new PayloadValidationError('Choose the Custom Object first: its fields are listed once it is set.')
  }
  return key
}

/** Pages of an object's fields read, at most, to find the one whose values are asked for. */
const FIELD_PAGES = 5

/** The values a ticket or custom object field accepts: its options, true/false for a checkbox, nothing otherwise. */
function fieldValues(field: { type: string; custom_field_options?: FieldOption[] | null }): DynamicFieldItem[] {
  if (HAS_OPTIONS.has(field.type)) {
    return (field.custom_field_options ?? []).map((o) => ({ value: o.value, label: o.name }))
  }
  if (field.type === 'checkbox') {
    return [
      { value: 'true', label: 'Checked' },
      { value: 'false', label: 'Not checked' }
    ]
  }
  return []
}

/** The choices a mapping UI offers, read from the account through a client of this destination instance. */
export function dynamicFieldsOf(instance: ClientSource) {
  /** `custom_fields` of both ticket actions: keys are custom ticket field ids, values the selected field's options. */
  const ticketCustomFields = {
    __keys__: dynamicField(instance, { what: 'ticket fields', readableBy: AGENTS }, async (catalog, { page }) =>
      pageAnswer(await catalog.ticketFields(page), ticketFieldKey)
    ),
    __values__: dynamicField(
      instance,
      ({ dynamicFieldContext }) => ({
        what: `the values of ticket field ${quote(dynamicFieldContext?.selectedKey ?? '')}`,
        readableBy: AGENTS
      }),
      async (catalog, { dynamicFieldContext }) => ({
        choices: fieldValues(await catalog.ticketField(dynamicFieldContext?.selectedKey ?? ''))
      })
    )
  }

  const groupChoices = dynamicField(instance, { what: 'groups', readableBy: AGENTS }, async (catalog, { page }) =>
    pageAnswer(await catalog.groups(page), named)
  )

  const brandChoices = dynamicField(
    instance,
    { what: 'brands', readableBy: 'a Zendesk admin (or of an agent allowed to assign tickets to any brand)' },
    async (catalog, { page }) => pageAnswer(await catalog.brands(page), named)
  )

  const ticketFormChoices = dynamicField(
    instance,
    { what: 'ticket forms', readableBy: AGENTS },
    async (catalog, { page }) => pageAnswer(await catalog.ticketForms(page), named)
  )

  /** Agents and admins by email, the way Assignee Email identifies them. */
  const assigneeChoices = dynamicField(instance, { what: 'agents', readableBy: AGENTS }, async (catalog, { page }) =>
    pageAnswer(await catalog.agents(page), (agent) =>
      agent.email ? { value: agent.email, label: agent.name, description: agent.email } : undefined
    )
  )

  const userFieldKeys = dynamicField(instance, { what: 'user fields', readableBy: AGENTS }, async (catalog, { page }) =>
    pageAnswer(await catalog.userFields(page), accountFieldKey)
  )

  const organizationFieldKeys = dynamicField(
    instance,
    { what: 'organization fields', readableBy: AGENTS },
    async (catalog, { page }) => pageAnswer(await catalog.organizationFields(page), accountFieldKey)
  )

  const customObjectChoices = dynamicField(
    instance,
    { what: 'custom objects', readableBy: AGENTS },
    async (catalog) => ({
      choices: (await catalog.customObjects()).map((object) => ({
        value: object.key,
        label: object.title ?? object.key
      }))
    })
  )

  /** `custom_object_fields`: keys are the chosen object's fields, values the selected field's options. */
  const objectFieldsOf = (data: Input) => ({
    what: `the fields of custom object ${quote(text((data.payload as { custom_object_key?: unknown })?.custom_object_key) ?? '')}`,
    readableBy: AGENTS
  })
  const customObjectFields = {
    __keys__: dynamicField(instance, objectFieldsOf, async (catalog, data) =>
      pageAnswer(await catalog.customObjectFields(chosenObject(data), data.page), objectFieldKey)
    ),
    __values__: dynamicField(instance, objectFieldsOf, async (catalog, data) => {
      const objectKey = chosenObject(data)
      const wanted = data.dynamicFieldContext?.selectedKey
      let page: string | undefined
      for (let read = 0; read < FIELD_PAGES; read++) {
        const fields = await catalog.customObjectFields(objectKey, page)
        const field = fields.items.find((f) => f.key === wanted)
        if (field) return { choices: fieldValues(field) }
        if (!fields.next) break
        page = fields.next
      }
      return { choices: [] }
    })
  }

  return {
    ticketCustomFields,
    customObjectChoices,
    customObjectFields,
    groupChoices,
    brandChoices,
    ticketFormChoices,
    assigneeChoices,
    userFieldKeys,
    organizationFieldKeys
  }
}
