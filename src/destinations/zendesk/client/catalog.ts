import type { CustomField } from './fields'
import { idSegment, type ZendeskHttp } from './http'

export interface FieldOption {
  name: string
  value: string
}

export interface TicketField {
  id: number
  title: string
  type: string
  active?: boolean
  /** false for system fields (subject, status, group, ...), which are not set through custom_fields. */
  removable?: boolean
  custom_field_options?: FieldOption[]
}

export interface NamedRecord {
  id: number
  name: string
  active?: boolean
}

export interface Agent {
  id: number
  name: string
  email?: string | null
  active?: boolean
}

export interface AccountField extends CustomField {
  custom_field_options?: FieldOption[]
}

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

const isActive = (record: { active?: boolean }) => record.active !== false

/**
 * The account's configuration a mapping UI offers as choices, one page (up to 100 records) at a time.
 * Inactive records are left out, so a page may hold fewer than 100.
 */
export class CatalogApi {
  constructor(private readonly http: ZendeskHttp) {}

  /** Active custom ticket fields (system fields such as subject or status are not set through custom_fields). */
  async ticketFields(page?: string): Promise<CatalogPage<TicketField>> {
    const result = await this.activeOnly<TicketField>('ticket_fields', 'ticket fields', page)
    return { ...result, items: result.items.filter(isCustomTicketField) }
  }

  async ticketField(id: string): Promise<TicketField> {
    const segment = idSegment(id, 'The custom field key (a ticket field id)')
    const { body } = await this.http.get<{ ticket_field: TicketField }>(
      `ticket_fields/${segment}`,
      `ticket field ${segment}`
    )
    return body.ticket_field
  }

  groups(page?: string): Promise<CatalogPage<NamedRecord>> {
    return this.activeOnly<NamedRecord>('groups', 'groups', page)
  }

  brands(page?: string): Promise<CatalogPage<NamedRecord>> {
    return this.activeOnly<NamedRecord>('brands', 'brands', page)
  }

  ticketForms(page?: string): Promise<CatalogPage<NamedRecord>> {
    return this.activeOnly<NamedRecord>('ticket_forms', 'ticket forms', page, { active: 'true' })
  }

  /** Users who can be assigned tickets: agents and admins. */
  agents(page?: string): Promise<CatalogPage<Agent>> {
    return this.activeOnly<Agent>('users', 'agents', page, { 'role[]': ['agent', 'admin'] })
  }

  userFields(page?: string): Promise<CatalogPage<AccountField>> {
    return this.activeOnly<AccountField>('user_fields', 'user fields', page)
  }

  organizationFields(page?: string): Promise<CatalogPage<AccountField>> {
    return this.activeOnly<AccountField>('organization_fields', 'organization fields', page)
  }

  private async activeOnly<T extends { active?: boolean }>(
    resource: string,
    about: string,
    page?: string,
    params?: Record<string, string | string[]>
  ): Promise<CatalogPage<T>> {
    const result = await this.http.listPage<T>(resource, resource, about, { params, pageUrl: page })
    return { ...result, items: result.items.filter(isActive) }
  }
}
