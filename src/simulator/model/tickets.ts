import { isEqual, omit, pick } from 'lodash'
import { ApiError, invalid, isBlank, json, RecordInvalid, toTags, type Details, type Input } from '../http'
import { timestamp, type Store } from '../state'
import type { CommentRecord, CustomFieldValue, TicketRecord } from '../types'
import { createUser, findUserByEmail, isEmail } from './users'

const ENUMS: Record<string, { label: string; values: string[] }> = {
  priority: { label: 'Priority', values: ['urgent', 'high', 'normal', 'low'] },
  status: { label: 'Status', values: ['new', 'open', 'pending', 'hold', 'solved', 'closed'] },
  type: { label: 'Type', values: ['problem', 'incident', 'question', 'task'] }
}
const AUDITED = [
  'subject',
  'status',
  'priority',
  'type',
  'requester_id',
  'assignee_id',
  'group_id',
  'organization_id',
  'brand_id',
  'ticket_form_id',
  'external_id',
  'tags',
  'custom_fields'
] as const

interface References {
  requester?: number | { name: string; email: string }
  assignee?: number | null
  organization?: number | null
}

export function presentTicket(ticket: TicketRecord) {
  return omit(ticket, 'comments')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string)
}

/** The comment of a ticket body (`comment.body` or `comment.html_body`); undefined when blank. */
function commentInput(comment: unknown): Input | undefined {
  const c: Input | undefined = typeof comment === 'string' ? { body: comment } : (comment as Input | undefined)
  if (!c || typeof c !== 'object' || (isBlank(c.body) && isBlank(c.html_body))) return undefined
  return c
}

function buildComment(store: Store, input: Input, authorId: number, defaultPublic: boolean): CommentRecord {
  const html = isBlank(input.html_body) ? undefined : String(input.html_body)
  const plain = html === undefined ? String(input.body) : html.replace(/<[^>]*>/g, '').trim()
  return {
    id: store.nextId(),
    type: 'Comment',
    author_id: Number(input.author_id ?? authorId),
    body: plain,
    html_body: html ?? `<div class="zd-comment" dir="auto"><p dir="auto">${escapeHtml(plain)}</p></div>`,
    plain_body: plain,
    public: typeof input.public === 'boolean' ? input.public : defaultPublic,
    attachments: [],
    created_at: timestamp()
  }
}

function isAgent(store: Store, id: number): boolean {
  const user = store.users.get(id)
  return !!user?.active && user.role !== 'end-user'
}

/** Validates enums and referenced records, collecting Zendesk-style messages into `details`. */
function checkInput(store: Store, input: Input, details: Details): References {
  const refs: References = {}
  for (const [field, { label, values }] of Object.entries(ENUMS)) {
    if (!isBlank(input[field]) && !values.includes(input[field])) {
      details[field] = [{ description: `${label}: ${input[field]} is not valid`, error: 'InvalidValue' }]
    }
  }
  if (!isBlank(input.requester_id)) {
    const id = Number(input.requester_id)
    if (store.users.get(id)?.active) refs.requester = id
    else details.requester = [{ description: 'Requester: is invalid', error: 'InvalidValue' }]
  } else if (input.requester && typeof input.requester === 'object') {
    const email = isBlank(input.requester.email) ? '' : String(input.requester.email).trim()
    const existing = findUserByEmail(store, email)
    if (existing) {
      refs.requester = existing.id
    } else if (!isEmail(email)) {
      details.requester = [{ description: `Requester: Email: ${email} is not properly formatted` }]
    } else {
      const name = isBlank(input.requester.name) ? email.split('@')[0] : String(input.requester.name)
      refs.requester = { name, email }
    }
  }
  if (!isBlank(input.assignee_email)) {
    const agent = findUserByEmail(store, input.assignee_email)
    if (agent && isAgent(store, agent.id)) refs.assignee = agent.id
    else details.assignee = [{ description: 'Assignee: is invalid', error: 'InvalidValue' }]
  } else if ('assignee_id' in input) {
    const id = isBlank(input.assignee_id) ? null : Number(input.assignee_id)
    if (id === null || isAgent(store, id)) refs.assignee = id
    else details.assignee = [{ description: 'Assignee: is invalid', error: 'InvalidValue' }]
  }
  if ('organization_id' in input) {
    const id = isBlank(input.organization_id) ? null : Number(input.organization_id)
    if (id === null || store.organizations.has(id)) refs.organization = id
    else details.organization = [{ description: 'Organization cannot be blank', error: 'BlankValue' }]
  }
  return refs
}

function requesterId(store: Store, requester: References['requester']): number | undefined {
  if (requester === undefined || typeof requester === 'number') return requester
  return createUser(store, requester).id
}

function mergeCustomFields(current: CustomFieldValue[], values: unknown): CustomFieldValue[] {
  const merged = new Map(current.map((f) => [f.id, f.value]))
  for (const f of Array.isArray(values) ? values : []) {
    if (f && !isBlank(f.id)) merged.set(Number(f.id), f.value)
  }
  return [...merged].map(([id, value]) => ({ id, value }))
}

function applyInput(store: Store, ticket: TicketRecord, input: Input, refs: References): void {
  const newRequester = requesterId(store, refs.requester)
  if (newRequester !== undefined) ticket.requester_id = newRequester
  if (refs.assignee !== undefined) ticket.assignee_id = refs.assignee
  if (refs.organization !== undefined) ticket.organization_id = refs.organization
  if ('subject' in input) ticket.subject = ticket.raw_subject = isBlank(input.subject) ? null : String(input.subject)
  for (const field of [
    'priority',
    'type',
    'group_id',
    'brand_id',
    'ticket_form_id',
    'external_id',
    'due_at'
  ] as const) {
    if (field in input) (ticket as unknown as Input)[field] = isBlank(input[field]) ? null : input[field]
  }
  if (!isBlank(input.status)) ticket.status = input.status
  if ('tags' in input) ticket.tags = toTags(input.tags)
  if (input.additional_tags) ticket.tags = toTags([...ticket.tags, ...toTags(input.additional_tags)])
  if (input.remove_tags) ticket.tags = ticket.tags.filter((t) => !toTags(input.remove_tags).includes(t))
  const customFields = input.custom_fields ?? input.fields
  if (customFields) ticket.custom_fields = mergeCustomFields(ticket.custom_fields, customFields)
}

/** The audit Zendesk returns with a write: the comment, then one event per changed field (previous undefined on create). */
function audit(store: Store, ticket: TicketRecord, previous: Input | undefined, comment?: CommentRecord) {
  const changed = AUDITED.filter((f) =>
    previous ? !isEqual(previous[f], ticket[f]) : !isBlank(ticket[f]) && !isEqual(ticket[f], [])
  )
  const changes = changed.map((field) => ({
    id: store.nextId(),
    type: previous ? 'Change' : 'Create',
    field_name: field,
    value: ticket[field],
    ...(previous ? { previous_value: previous[field] } : {})
  }))
  return {
    id: store.nextId(),
    ticket_id: ticket.id,
    created_at: ticket.updated_at,
    author_id: store.agentId,
    metadata: { system: {}, custom: {} },
    events: [...(comment ? [comment] : []), ...changes]
  }
}

function throwIfInvalid(details: Details): void {
  if (Object.keys(details).length > 0) throw new RecordInvalid(details)
}

function blankTicket(store: Store, id: number, requester: number): TicketRecord {
  const now = timestamp()
  return {
    url: store.apiUrl(`tickets/${id}`),
    id,
    external_id: null,
    via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
    created_at: now,
    updated_at: now,
    type: null,
    subject: null,
    raw_subject: null,
    description: '',
    priority: null,
    status: 'new',
    recipient: null,
    requester_id: requester,
    submitter_id: store.agentId,
    assignee_id: null,
    organization_id: store.users.get(requester)?.organization_id ?? null,
    group_id: null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    has_incidents: false,
    is_public: true,
    due_at: null,
    tags: [],
    custom_fields: [],
    ticket_form_id: store.defaultTicketFormId(),
    brand_id: store.defaultBrandId(),
    comments: []
  }
}

/** POST /tickets. The first comment (or `description`) is required; the requester defaults to the agent. */
export function createTicket(store: Store, input: Input) {
  const details: Details = {}
  const firstComment = commentInput(input.comment) ?? commentInput({ body: input.description })
  if (!firstComment) details.base = [{ description: 'Description: cannot be blank', error: 'BlankValue' }]
  const refs = checkInput(store, input, details)
  throwIfInvalid(details)

  const requester = requesterId(store, refs.requester) ?? store.agentId
  const ticket = blankTicket(store, store.nextId(), requester)
  const comment = buildComment(store, firstComment as Input, requester, true)
  ticket.comments.push(comment)
  ticket.description = comment.plain_body
  ticket.is_public = comment.public
  applyInput(store, ticket, input, { ...refs, requester: undefined })
  // A new ticket always has a brand and a form: the account's defaults unless it names others.
  ticket.brand_id ??= store.defaultBrandId()
  ticket.ticket_form_id ??= store.defaultTicketFormId()
  if (isBlank(input.status) && ticket.assignee_id !== null) ticket.status = 'open'
  store.tickets.set(ticket.id, ticket)
  return { ticket, audit: audit(store, ticket, undefined, comment) }
}

/** PUT /tickets/{id}: every field optional; `comment` appends; a stale safe_update stamp is a 409. */
export function updateTicket(store: Store, ticket: TicketRecord, input: Input) {
  if (input.safe_update === true && Date.parse(input.updated_stamp) !== Date.parse(ticket.updated_at)) {
    throw new ApiError(json(409, { error: 'DatabaseConflict', description: 'Database collision' }))
  }
  if (ticket.status === 'closed')
    throw invalid('status', 'Status: closed prevents ticket update', 'ClosedPreventsUpdate')
  const details: Details = {}
  const refs = checkInput(store, input, details)
  throwIfInvalid(details)

  const previous = pick(ticket, AUDITED)
  applyInput(store, ticket, input, refs)
  const newComment = commentInput(input.comment)
  const comment = newComment && buildComment(store, newComment, store.agentId, ticket.is_public)
  if (comment) ticket.comments.push(comment)
  ticket.updated_at = timestamp()
  return { ticket, audit: audit(store, ticket, previous, comment) }
}

/** A ticket with chosen fields, for seeding tests; `description` becomes its first comment. */
export function insertTicket(store: Store, seed: Partial<TicketRecord>): TicketRecord {
  const id = seed.id ?? store.nextId()
  store.claimId(id)
  const ticket: TicketRecord = {
    ...blankTicket(store, id, seed.requester_id ?? store.agentId),
    ...seed,
    id,
    url: store.apiUrl(`tickets/${id}`)
  }
  if (!seed.comments && seed.description) {
    ticket.comments = [buildComment(store, { body: seed.description }, ticket.requester_id, true)]
  }
  store.tickets.set(id, ticket)
  return ticket
}
