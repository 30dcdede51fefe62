import { addCustomObject } from './model/custom-objects'
import { createField } from './model/fields'
import { addBrand, addCustomTicketField, addGroup, addSystemTicketFields, addTicketForm } from './model/catalog'
import { insertUser } from './model/users'
import type { Store } from './state'
import type { AccountKind, EndpointLimits } from './types'

/**
 * What Zendesk gives a new account: no bulk user import, every documented endpoint limit. A simulator started
 * without `account` is this kind.
 */
export const NEW_ACCOUNT: AccountKind = 'default'

/** Zendesk's documented endpoint limits (rate-limits page of the API reference). */
export const ZENDESK_ENDPOINT_LIMITS: EndpointLimits = {
  userWritesPerUser: { requests: 5, windowMs: 60_000 },
  userWritesPerAccount: { requests: 1, windowMs: 1_000 },
  organizationUpdates: { requests: 5, windowMs: 60_000 },
  ticketUpdatesPerAccount: { requests: 100, windowMs: 60_000 },
  ticketUpdatesPerTicket: { requests: 30, windowMs: 600_000 },
  ticketsIndex: { requests: 100, windowMs: 60_000, enforce: false },
  activeJobs: 30,
  permanentUserDeletions: { requests: 700, windowMs: 600_000 }
}

export const NO_ENDPOINT_LIMITS: EndpointLimits = {
  userWritesPerUser: false,
  userWritesPerAccount: false,
  organizationUpdates: false,
  ticketUpdatesPerAccount: false,
  ticketUpdatesPerTicket: false,
  ticketsIndex: false,
  activeJobs: false,
  permanentUserDeletions: false
}

interface AccountProfile {
  catalog: 'new' | 'demo'
  bulkImport: boolean
  limits: EndpointLimits
}

const PROFILES: Record<AccountKind, AccountProfile> = {
  default: { catalog: 'new', bulkImport: false, limits: ZENDESK_ENDPOINT_LIMITS },
  'bulk-import': { catalog: 'new', bulkImport: true, limits: ZENDESK_ENDPOINT_LIMITS },
  demo: { catalog: 'demo', bulkImport: false, limits: ZENDESK_ENDPOINT_LIMITS }
}

export function accountProfile(kind: AccountKind): AccountProfile {
  return PROFILES[kind]
}

const title = (subdomain: string) => subdomain.charAt(0).toUpperCase() + subdomain.slice(1)

/** A new account: the system ticket fields, one default group, brand and ticket form. */
function seedNewAccount(store: Store): void {
  addSystemTicketFields(store)
  addGroup(store, 'Support', { default: true, description: 'Default group' })
  addTicketForm(store, 'Default Ticket Form', { default: true, position: 1 })
  addBrand(store, title(store.subdomain), { default: true, subdomain: store.subdomain })
}

const options = (...names: string[]) =>
  names.map((name) => ({ name, value: name.toLowerCase().replace(/[^a-z0-9]+/g, '_') }))

/** A new account plus the kind of configuration a mapping editor offers as choices. */
function seedDemoAccount(store: Store): void {
  seedNewAccount(store)
  addGroup(store, 'Billing')
  addGroup(store, 'Tier 2')
  insertUser(store, { name: 'Dana Agent', email: 'dana.agent@example.com', role: 'agent', verified: true })
  insertUser(store, { name: 'Lee Agent', email: 'lee.agent@example.com', role: 'agent', verified: true })
  addCustomTicketField(store, { type: 'tagger', title: 'Product', options: options('Mobile app', 'Web app', 'API') })
  addCustomTicketField(store, { type: 'multiselect', title: 'Affected regions', options: options('EU', 'US', 'APAC') })
  addCustomTicketField(store, { type: 'text', title: 'Order number' })
  addCustomTicketField(store, { type: 'integer', title: 'Seats' })
  addCustomTicketField(store, { type: 'checkbox', title: 'Escalated' })
  addCustomTicketField(store, { type: 'date', title: 'Renewal date' })
  addCustomTicketField(store, { type: 'text', title: 'Retired field', active: false })
  addTicketForm(store, 'Bug report')
  addTicketForm(store, 'Billing question')
  addBrand(store, 'Acme Labs', { subdomain: `${store.subdomain}labs` })
  const userFields: [string, string, string[]?][] = [
    ['plan', 'dropdown', ['Free', 'Team', 'Enterprise']],
    ['vip', 'checkbox'],
    ['signup_date', 'date'],
    ['lifetime_value', 'decimal'],
    ['company_role', 'text']
  ]
  for (const [key, type, choices] of userFields) {
    createField(store, store.userFields, 'user_fields', {
      key,
      type,
      title: key.replace(/_/g, ' '),
      ...(choices ? { custom_field_options: options(...choices) } : {})
    })
  }
  const organizationFields: [string, string, string[]?][] = [
    ['segment', 'dropdown', ['SMB', 'Mid-market', 'Enterprise']],
    ['website', 'text'],
    ['employees', 'integer'],
    ['is_partner', 'checkbox']
  ]
  for (const [key, type, choices] of organizationFields) {
    createField(store, store.organizationFields, 'organization_fields', {
      key,
      type,
      title: key.replace(/_/g, ' '),
      ...(choices ? { custom_field_options: options(...choices) } : {})
    })
  }
  addOrderObject(store)
}

/** An "Order" custom object whose records point at the user who ordered, and at their organization. */
function addOrderObject(store: Store): void {
  addCustomObject(store, {
    key: 'order',
    title: 'Order',
    fields: [
      { key: 'amount', type: 'decimal', title: 'Amount' },
      { key: 'status', type: 'dropdown', title: 'Status', options: options('Pending', 'Paid', 'Shipped', 'Refunded') },
      { key: 'ordered_on', type: 'date', title: 'Ordered on' },
      { key: 'customer', type: 'lookup', title: 'Customer', relationship_target_type: 'zen:user' },
      { key: 'company', type: 'lookup', title: 'Company', relationship_target_type: 'zen:organization' }
    ]
  })
}

/** Fills an emptied store with what an account of this kind starts with (after its admin). */
export function seedAccount(store: Store, kind: AccountKind): void {
  if (accountProfile(kind).catalog === 'demo') seedDemoAccount(store)
  else seedNewAccount(store)
}
