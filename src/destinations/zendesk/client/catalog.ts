import type { z } from 'zod'
import { objectKeySegment } from './custom-objects'
import { idSegment, type ZendeskHttp } from './http'
import { quote } from './quote'
import {
  accountFieldSchema,
  agentSchema,
  customObjectFieldSchema,
  customObjectsAnswer,
  namedRecordSchema,
  ticketFieldAnswer,
  ticketFieldSchema,
  type AccountField,
  type Agent,
  type CustomObject,
  type CustomObjectField,
  type FieldOption,
  type NamedRecord,
  type TicketField
} from './schemas'

export type { AccountField, Agent, CustomObject, CustomObjectField, FieldOption, NamedRecord, TicketField }

/** One page of a list; `next` continues it (pass it back as `page`). */
export interface CatalogPage<T> {
  items: T[]
  next?: string
}

// System ticket fields Zendesk lists beside the custom ones; used when a record does not say `removable`.
const SYSTEM_TICKET_FIELD_TYPES = new Set([
  'subject',
  'description',
  'status',
  'custom_status',
  'tickettype',
  'priority',
  'group',
  'assignee',
  'brand'
])

const isCustomTicketField = (field: TicketField) =>
  field.removable !== false && !SYSTEM_TICKET_FIELD_TYPES.has(field.type)

const isActive = (record: { active?: boolean | null }) => record.active !== false

/**
 * The account's configuration a mapping UI offers as choices, one page (up to 100 records) at a time.
 * Inactive records are left out, so a page may hold fewer than 100.
 */
export class CatalogApi {
  constructor(private readonly http: ZendeskHttp) {}

  /** Active custom ticket fields (system fields such as subject or status are not set through custom_fields). */
  async ticketFields(page?: string): Promise<CatalogPage<TicketField>> {
    const result = await this.activeOnly('ticket_fields', 'ticket fields', ticketFieldSchema, page)
    return { ...result, items: result.items.filter(isCustomTicketField) }
  }

  async ticketField(id: string): Promise<TicketField> {
    const segment = idSegment(id, 'The custom field key (a ticket field id)')
    const { body } = await this.http.get(`ticket_fields/${segment}`, `ticket field ${segment}`, ticketFieldAnswer)
    return body.ticket_field
  }

  groups(page?: string): Promise<CatalogPage<NamedRecord>> {
    return this.activeOnly('groups', 'groups', namedRecordSchema, page)
  }

  brands(page?: string): Promise<CatalogPage<NamedRecord>> {
    return this.activeOnly('brands', 'brands', namedRecordSchema, page)
  }

  ticketForms(page?: string): Promise<CatalogPage<NamedRecord>> {
    return this.activeOnly('ticket_forms', 'ticket forms', namedRecordSchema, page, { active: 'true' })
  }

  /** Users who can be assigned tickets: agents and admins. */
  agents(page?: string): Promise<CatalogPage<Agent>> {
    return this.activeOnly('users', 'agents', agentSchema, page, { 'role[]': ['agent', 'admin'] })
  }

  userFields(page?: string): Promise<CatalogPage<AccountField>> {
    return this.activeOnly('user_fields', 'user fields', accountFieldSchema, page)
  }

  organizationFields(page?: string): Promise<CatalogPage<AccountField>> {
    return this.activeOnly('organization_fields', 'organization fields', accountFieldSchema, page)
  }

  /** The account's custom objects (Zendesk lists them all at once). */
  async customObjects(): Promise<CustomObject[]> {
    const { body } = await this.http.get('custom_objects', 'custom objects', customObjectsAnswer)
    return body.custom_objects
  }

  /** A custom object's active fields, its standard ones (`standard::name`, …) included. */
  customObjectFields(objectKey: string, page?: string): Promise<CatalogPage<CustomObjectField>> {
    const path = `custom_objects/${objectKeySegment(objectKey)}/fields`
    return this.activeOnly(
      path,
      `the fields of custom object ${quote(objectKey)}`,
      customObjectFieldSchema,
      page,
      {},
      'custom_object_fields'
    )
  }

  private async activeOnly<S extends z.ZodType<{ active?: boolean | null }>>(
    resource: string,
    about: string,
    item: S,
    page?: string,
    params?: Record<string, string | string[]>,
    key = resource
  ): Promise<CatalogPage<z.infer<S>>> {
    const result = await this.http.listPage(resource, key, about, item, { params, pageUrl: page })
    return { ...result, items: result.items.filter(isActive) }
  }
}
