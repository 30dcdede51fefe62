import {
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  type DynamicFieldError,
  type DynamicFieldItem,
  type DynamicFieldResponse,
  type ExecuteInput,
  type RequestFn
} from '@segment/actions-core'
import { statusOf } from '../batch/results'
import { ZendeskClient } from '../client'
import type { AccountField, CatalogApi, CatalogPage, FieldOption, TicketField } from '../client/catalog'
import type { Settings } from '../generated-types'
import type { Instance } from '../instance'
import { quote } from '../client/quote'

type DynamicField = RequestFn<Settings, unknown, DynamicFieldResponse>
type Input = ExecuteInput<Settings, unknown>

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
  instance: Instance,
  list: ListDescription | ((data: Input) => ListDescription),
  answer: (catalog: CatalogApi, data: Input) => Promise<DynamicFieldResponse>
): DynamicField {
  return async (request, data) => {
    try {
      return await answer(new ZendeskClient(request, data.settings, instance, data.auth).catalog, data)
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

/** The values a ticket field accepts: its options, true/false for a checkbox, nothing to choose from otherwise. */
function ticketFieldValues(field: TicketField): DynamicFieldItem[] {
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
export function dynamicFieldsOf(instance: Instance) {
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
        choices: ticketFieldValues(await catalog.ticketField(dynamicFieldContext?.selectedKey ?? ''))
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

  return {
    ticketCustomFields,
    groupChoices,
    brandChoices,
    ticketFormChoices,
    assigneeChoices,
    userFieldKeys,
    organizationFieldKeys
  }
}
