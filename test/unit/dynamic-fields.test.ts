import nock from 'nock'
import type { DynamicFieldResponse } from '@segment/actions-core'
import { BASE_URL, destination, resetState, settings, watchUnmatchedRequests } from './support'

/** What a mapping UI calls to fill a field's choices (`page` continues a list from its `nextPage`). */
async function choicesFor(actionKey: string, fieldKey: string, page?: string): Promise<DynamicFieldResponse> {
  const answer = await destination().executeDynamicField(actionKey, fieldKey, { settings, payload: {}, page })
  if (Array.isArray(answer)) throw new Error(`the destination has no action ${actionKey}`)
  return answer
}

const FIRST_PAGE = { 'page[size]': '100' }
const nextLink = (resource: string, cursor: string) =>
  `${BASE_URL}/api/v2/${resource}.json?page%5Bafter%5D=${cursor}&page%5Bsize%5D=100`
const lastPage = (key: string, items: unknown[]) => ({ [key]: items, meta: { has_more: false }, links: { next: null } })

let unmatched: ReturnType<typeof watchUnmatchedRequests>

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => {
  nock.cleanAll()
  resetState()
  unmatched = watchUnmatchedRequests()
})
afterEach(() => {
  unmatched.stop()
  expect(unmatched.seen).toEqual([])
  expect(nock.pendingMocks()).toEqual([])
})

const planField = {
  id: 27642,
  title: 'Plan',
  type: 'tagger',
  active: true,
  removable: true,
  custom_field_options: [
    { id: 1, name: 'Basic', value: 'plan_basic' },
    { id: 2, name: 'Pro', value: 'plan_pro' }
  ]
}
const vipField = { id: 27643, title: 'VIP', type: 'checkbox', active: true, removable: true }
const notesField = { id: 27644, title: 'Order notes', type: 'textarea', active: true, removable: true }

describe('ticket custom fields (custom_fields of Create Ticket and Update Ticket)', () => {
  it('keys: the active custom ticket fields, id → title, with their type and allowed options', async () => {
    nock(BASE_URL)
      .get('/api/v2/ticket_fields')
      .query(FIRST_PAGE)
      .reply(
        200,
        lastPage('ticket_fields', [
          { id: 1, title: 'Subject', type: 'subject', active: true, removable: false },
          { id: 2, title: 'Status', type: 'status', active: true, removable: false },
          planField,
          vipField,
          { id: 27645, title: 'Old field', type: 'text', active: false, removable: true },
          { id: 27646, title: 'Amount', type: 'decimal', active: true, removable: true },
          notesField
        ])
      )
    expect(await choicesFor('createTicket', 'custom_fields.__keys__')).toEqual({
      choices: [
        {
          value: '27642',
          label: 'Plan',
          description: 'Type: tagger; options: Basic (plan_basic), Pro (plan_pro)',
          type: 'string'
        },
        { value: '27643', label: 'VIP', description: 'Type: checkbox', type: 'boolean' },
        { value: '27646', label: 'Amount', description: 'Type: decimal', type: 'number' },
        { value: '27644', label: 'Order notes', description: 'Type: textarea', type: 'string' }
      ]
    })
  })

  it('Update Ticket offers the same keys', async () => {
    nock(BASE_URL)
      .get('/api/v2/ticket_fields')
      .query(FIRST_PAGE)
      .reply(200, lastPage('ticket_fields', [vipField]))
    expect(await choicesFor('updateTicket', 'custom_fields.__keys__')).toEqual({
      choices: [{ value: '27643', label: 'VIP', description: 'Type: checkbox', type: 'boolean' }]
    })
  })

  it('a long option list is cut in the description', async () => {
    const options = Array.from({ length: 25 }, (_, i) => ({ id: i, name: `Option ${i}`, value: `o${i}` }))
    nock(BASE_URL)
      .get('/api/v2/ticket_fields')
      .query(FIRST_PAGE)
      .reply(200, lastPage('ticket_fields', [{ ...planField, type: 'multiselect', custom_field_options: options }]))
    const [choice] = (await choicesFor('createTicket', 'custom_fields.__keys__')).choices
    expect(choice.description).toMatch(/^Type: multiselect; options: Option 0 \(o0\), .*Option 19 \(o19\), and 5 more$/)
  })

  it("values: a host asks for custom_fields.<field id> and gets that field's options", async () => {
    nock(BASE_URL).get('/api/v2/ticket_fields/27642').reply(200, { ticket_field: planField })
    expect(await choicesFor('createTicket', 'custom_fields.27642')).toEqual({
      choices: [
        { value: 'plan_basic', label: 'Basic' },
        { value: 'plan_pro', label: 'Pro' }
      ]
    })
  })

  it('values: a checkbox is true or false, a text field has nothing to choose from', async () => {
    nock(BASE_URL)
      .get('/api/v2/ticket_fields/27643')
      .reply(200, { ticket_field: vipField })
      .get('/api/v2/ticket_fields/27644')
      .reply(200, { ticket_field: notesField })
    expect(await choicesFor('updateTicket', 'custom_fields.27643')).toEqual({
      choices: [
        { value: 'true', label: 'Checked' },
        { value: 'false', label: 'Not checked' }
      ]
    })
    expect(await choicesFor('updateTicket', 'custom_fields.27644')).toEqual({ choices: [] })
  })

  it('values: a key that is not a ticket field id is answered with an error, without a request', async () => {
    expect(await choicesFor('createTicket', 'custom_fields.plan')).toEqual({
      choices: [],
      error: {
        code: '400',
        message: 'The custom field key (a ticket field id) must be a numeric Zendesk id, got "plan".'
      }
    })
  })

  it('values: a field deleted since the keys were listed is a readable 404', async () => {
    nock(BASE_URL).get('/api/v2/ticket_fields/27649').reply(404, { error: 'RecordNotFound', description: 'Not found' })
    const answer = await choicesFor('createTicket', 'custom_fields.27649')
    expect(answer.choices).toEqual([])
    expect(answer.error).toEqual({ code: '404', message: 'Zendesk has no ticket field 27649 (404): Not found.' })
  })
})

describe('Create Ticket: group, brand, ticket form and assignee', () => {
  it('group_id lists the groups, id → name', async () => {
    nock(BASE_URL)
      .get('/api/v2/groups')
      .query(FIRST_PAGE)
      .reply(
        200,
        lastPage('groups', [
          { id: 5, name: 'Billing' },
          { id: 6, name: 'Shipping', deleted: false }
        ])
      )
    expect(await choicesFor('createTicket', 'group_id')).toEqual({
      choices: [
        { value: '5', label: 'Billing' },
        { value: '6', label: 'Shipping' }
      ]
    })
  })

  it('brand_id lists the active brands', async () => {
    nock(BASE_URL)
      .get('/api/v2/brands')
      .query(FIRST_PAGE)
      .reply(
        200,
        lastPage('brands', [
          { id: 7, name: 'Acme', active: true },
          { id: 8, name: 'Retired', active: false }
        ])
      )
    expect(await choicesFor('createTicket', 'brand_id')).toEqual({ choices: [{ value: '7', label: 'Acme' }] })
  })

  it('ticket_form_id lists the active ticket forms', async () => {
    nock(BASE_URL)
      .get('/api/v2/ticket_forms')
      .query({ active: 'true', ...FIRST_PAGE })
      .reply(200, { ticket_forms: [{ id: 9, name: 'Refund request', active: true }] })
    expect(await choicesFor('createTicket', 'ticket_form_id')).toEqual({
      choices: [{ value: '9', label: 'Refund request' }]
    })
  })

  it('assignee_email lists agents and admins by email', async () => {
    nock(BASE_URL)
      .get('/api/v2/users')
      .query({ 'role[]': ['agent', 'admin'], ...FIRST_PAGE })
      .reply(
        200,
        lastPage('users', [
          { id: 11, name: 'Grace Hopper', email: 'grace@example.com', role: 'admin', active: true },
          { id: 12, name: 'No Email', email: null, role: 'agent', active: true },
          { id: 13, name: 'Gone Agent', email: 'gone@example.com', role: 'agent', active: false }
        ])
      )
    expect(await choicesFor('createTicket', 'assignee_email')).toEqual({
      choices: [{ value: 'grace@example.com', label: 'Grace Hopper', description: 'grace@example.com' }]
    })
  })
})

describe('user and organization field keys', () => {
  it('Upsert User: user_fields keys are the user field keys, with title and type', async () => {
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(FIRST_PAGE)
      .reply(
        200,
        lastPage('user_fields', [
          { id: 1, key: 'plan', title: 'Plan', type: 'dropdown', active: true, custom_field_options: [] },
          { id: 2, key: 'signup_date', title: 'Signup date', type: 'date', active: true },
          { id: 3, key: 'legacy', title: 'Legacy', type: 'text', active: false }
        ])
      )
    expect(await choicesFor('upsertUser', 'user_fields.__keys__')).toEqual({
      choices: [
        { value: 'plan', label: 'Plan', description: 'Type: dropdown', type: 'string' },
        { value: 'signup_date', label: 'Signup date', description: 'Type: date', type: 'string' }
      ]
    })
  })

  it('Upsert Organization: organization_fields keys are the organization field keys', async () => {
    nock(BASE_URL)
      .get('/api/v2/organization_fields')
      .query(FIRST_PAGE)
      .reply(200, lastPage('organization_fields', [{ id: 1, key: 'seats', title: 'Seats', type: 'integer' }]))
    expect(await choicesFor('upsertOrganization', 'organization_fields.__keys__')).toEqual({
      choices: [{ value: 'seats', label: 'Seats', description: 'Type: integer', type: 'integer' }]
    })
  })
})

describe('pagination: one page per call, nextPage continues', () => {
  const groups = Array.from({ length: 130 }, (_, i) => ({ id: 1000 + i, name: `Group ${i}` }))

  it('over more than 100 records, each page is one request and the last has no nextPage', async () => {
    nock(BASE_URL)
      .get('/api/v2/groups')
      .query(FIRST_PAGE)
      .reply(200, {
        groups: groups.slice(0, 100),
        meta: { has_more: true, after_cursor: 'c1' },
        links: { next: nextLink('groups', 'c1') }
      })
      .get('/api/v2/groups.json')
      .query({ 'page[after]': 'c1', ...FIRST_PAGE })
      .reply(200, lastPage('groups', groups.slice(100)))
    const first = await choicesFor('createTicket', 'group_id')
    expect(first.choices).toHaveLength(100)
    expect(first.nextPage).toBe(nextLink('groups', 'c1'))
    const second = await choicesFor('createTicket', 'group_id', first.nextPage)
    expect(second.choices.map((c) => c.value)).toEqual(groups.slice(100).map((g) => String(g.id)))
    expect(second.nextPage).toBeUndefined()
    expect([...first.choices, ...second.choices].map((c) => c.label)).toEqual(groups.map((g) => g.name))
  })

  it('has_more without a next link ends the list', async () => {
    nock(BASE_URL)
      .get('/api/v2/user_fields')
      .query(FIRST_PAGE)
      .reply(200, { user_fields: [], meta: { has_more: true }, links: { next: null } })
    expect(await choicesFor('upsertUser', 'user_fields.__keys__')).toEqual({ choices: [] })
  })

  it.each([
    ['another host', 'https://evil.example.com/api/v2/groups.json?page%5Bafter%5D=c1'],
    ['another Zendesk account', 'https://other.zendesk.com/api/v2/groups.json?page%5Bafter%5D=c1'],
    ['another endpoint of the account', `${BASE_URL}/api/v2/users.json?page%5Bafter%5D=c1`],
    ['a path that escapes the list', `${BASE_URL}/api/v2/groups/../users?page%5Bafter%5D=c1`]
  ])('a page on %s is refused without a request', async (_what, page) => {
    expect(await choicesFor('createTicket', 'group_id', page)).toEqual({
      choices: [],
      error: { code: '400', message: 'The page to continue from is not a page of groups on this Zendesk account.' }
    })
  })
})

describe('failures are answered as errors, never thrown', () => {
  const secrets = ['test-token', Buffer.from('agent@example.com/token:test-token').toString('base64')]
  const expectNoCredential = (message: string) => secrets.forEach((secret) => expect(message).not.toContain(secret))

  it('401: the credentials were rejected', async () => {
    nock(BASE_URL).get('/api/v2/ticket_fields').query(FIRST_PAGE).reply(401, { error: "Couldn't authenticate you" })
    const answer = await choicesFor('createTicket', 'custom_fields.__keys__')
    expect(answer).toEqual({
      choices: [],
      error: {
        code: '401',
        message:
          "Zendesk rejected the credentials (401): Couldn't authenticate you. Reconnect the Zendesk account, or check the legacy Email and API Token, or OAuth Token."
      }
    })
    expectNoCredential(answer.error!.message)
  })

  it('403: says which list was refused and whose token can read it', async () => {
    nock(BASE_URL)
      .get('/api/v2/brands')
      .query(FIRST_PAGE)
      .reply(403, { error: 'Forbidden', description: 'You do not have access to this page.' })
    const answer = await choicesFor('createTicket', 'brand_id')
    expect(answer).toEqual({
      choices: [],
      error: {
        code: '403',
        message:
          'Zendesk denied access (403) to brands: You do not have access to this page. Listing brands needs the API token of a Zendesk admin (or of an agent allowed to assign tickets to any brand), or an OAuth token with the read scope.'
      }
    })
    expectNoCredential(answer.error!.message)
  })

  it('403 on the values of a ticket field', async () => {
    nock(BASE_URL).get('/api/v2/ticket_fields/27642').reply(403, {})
    const answer = await choicesFor('createTicket', 'custom_fields.27642')
    expect(answer.error?.code).toBe('403')
    expect(answer.error?.message).toContain('Listing the values of ticket field "27642" needs the API token of')
  })

  it('a rate limit and a server error carry their status', async () => {
    nock(BASE_URL)
      .get('/api/v2/groups')
      .query(FIRST_PAGE)
      .reply(429, {}, { 'Retry-After': '30' })
      .get('/api/v2/user_fields')
      .query(FIRST_PAGE)
      .reply(500, 'boom')
    expect(await choicesFor('createTicket', 'group_id')).toEqual({
      choices: [],
      error: { code: '429', message: 'Zendesk rate limit reached (429) for groups. Retry after 30 s.' }
    })
    expect(await choicesFor('upsertUser', 'user_fields.__keys__')).toEqual({
      choices: [],
      error: { code: '500', message: 'Zendesk server error (500) for user fields: boom.' }
    })
  })

  it('a page that is not an address at all is answered with a generic message', async () => {
    expect(await choicesFor('createTicket', 'group_id', 'https://[')).toEqual({
      choices: [],
      error: { code: '500', message: 'Could not list groups because of an unexpected error.' }
    })
  })

  it('a network failure is answered too', async () => {
    nock(BASE_URL).get('/api/v2/organization_fields').query(FIRST_PAGE).replyWithError({ code: 'ECONNRESET' })
    const answer = await choicesFor('upsertOrganization', 'organization_fields.__keys__')
    expect(answer.choices).toEqual([])
    expect(answer.error?.code).toBe('502')
    expect(answer.error?.message).toContain('organization fields')
  })
})
