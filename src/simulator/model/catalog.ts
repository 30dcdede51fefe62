import { timestamp, type Store } from '../state'
import type { BrandRecord, GroupRecord, TicketFieldRecord, TicketFormRecord } from '../types'
import { fieldOptions } from './fields'

function stamps() {
  const now = timestamp()
  return { created_at: now, updated_at: now }
}

export function addGroup(store: Store, name: string, more: Partial<GroupRecord> = {}): GroupRecord {
  const id = store.nextId()
  const group: GroupRecord = {
    url: store.apiUrl(`groups/${id}`),
    id,
    is_public: true,
    name,
    description: '',
    default: false,
    deleted: false,
    ...stamps(),
    ...more
  }
  store.groups.push(group)
  return group
}

export function addBrand(store: Store, name: string, more: Partial<BrandRecord> = {}): BrandRecord {
  const id = store.nextId()
  const subdomain = more.subdomain ?? name.toLowerCase().replace(/[^a-z0-9]+/g, '')
  const brand: BrandRecord = {
    url: store.apiUrl(`brands/${id}`),
    id,
    name,
    brand_url: `https://${subdomain}.zendesk.com`,
    subdomain,
    host_mapping: null,
    has_help_center: false,
    help_center_state: 'disabled',
    active: true,
    default: false,
    is_deleted: false,
    logo: null,
    ticket_form_ids: store.ticketForms.map((f) => f.id),
    signature_template: '{{agent.signature}}',
    ...stamps(),
    ...more
  }
  store.brands.push(brand)
  return brand
}

export function addTicketForm(store: Store, name: string, more: Partial<TicketFormRecord> = {}): TicketFormRecord {
  const id = store.nextId()
  const form: TicketFormRecord = {
    url: store.apiUrl(`ticket_forms/${id}`),
    id,
    name,
    raw_name: name,
    display_name: name,
    raw_display_name: name,
    end_user_visible: true,
    position: store.ticketForms.length + 1,
    ticket_field_ids: store.ticketFields.map((f) => f.id),
    active: true,
    default: false,
    in_all_brands: true,
    restricted_brand_ids: [],
    end_user_conditions: [],
    agent_conditions: [],
    ...stamps(),
    ...more
  }
  store.ticketForms.push(form)
  for (const brand of store.brands) brand.ticket_form_ids.push(id)
  return form
}

interface TicketFieldInput {
  type: string
  title: string
  description?: string
  required?: boolean
  active?: boolean
  options?: { name: string; value: string }[]
  systemOptions?: { name: string; value: string }[]
}

function ticketField(store: Store, input: TicketFieldInput, removable: boolean): TicketFieldRecord {
  const id = store.nextId()
  const description = input.description ?? ''
  const field: TicketFieldRecord = {
    url: store.apiUrl(`ticket_fields/${id}`),
    id,
    type: input.type,
    title: input.title,
    raw_title: input.title,
    description,
    raw_description: description,
    position: store.ticketFields.length + 1,
    active: input.active ?? true,
    required: input.required ?? false,
    removable,
    regexp_for_validation: null,
    tag: null,
    ...(input.options ? { custom_field_options: fieldOptions(store, input.options) } : {}),
    ...(input.systemOptions ? { system_field_options: input.systemOptions } : {}),
    ...stamps()
  }
  store.ticketFields.push(field)
  return field
}

/** A custom ticket field (removable), with options for dropdown/tagger/multiselect fields. */
export function addCustomTicketField(store: Store, input: TicketFieldInput): TicketFieldRecord {
  return ticketField(store, input, true)
}

const choices = (...values: string[]) =>
  values.map((value) => ({ name: value[0].toUpperCase() + value.slice(1), value }))

/**
 * The system ticket fields every Zendesk account has, `removable: false`; their values are ticket attributes
 * (subject, status, group_id, ...), never custom_fields.
 */
export function addSystemTicketFields(store: Store): void {
  const system: TicketFieldInput[] = [
    {
      type: 'subject',
      title: 'Subject',
      description: 'Please enter a brief description of your request.',
      required: true
    },
    {
      type: 'description',
      title: 'Description',
      description: 'Please enter the details of your request.',
      required: true
    },
    {
      type: 'status',
      title: 'Status',
      description: 'Request status',
      systemOptions: choices('new', 'open', 'pending', 'hold', 'solved')
    },
    { type: 'custom_status', title: 'Ticket status', description: 'Request ticket status' },
    {
      type: 'tickettype',
      title: 'Type',
      description: 'Request type',
      systemOptions: choices('question', 'incident', 'problem', 'task')
    },
    {
      type: 'priority',
      title: 'Priority',
      description: 'Request priority',
      systemOptions: choices('low', 'normal', 'high', 'urgent')
    },
    { type: 'group', title: 'Group', description: 'Request group' },
    { type: 'assignee', title: 'Assignee', description: 'Agent assigned to your request', required: true },
    { type: 'brand', title: 'Brand', description: 'Brand of the request' }
  ]
  for (const field of system) ticketField(store, field, false)
}
