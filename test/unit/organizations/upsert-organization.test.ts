import nock from 'nock'
import {
  APIError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  type SegmentEvent
} from '@segment/actions-core'
import { capturingLogger, resetState } from '../support'
import {
  acceptFieldCreation,
  organization,
  organizationFields,
  recordInvalid,
  requestLines,
  searchResult,
  sendBatch,
  sendEvent,
  sent,
  useNockZendesk,
  usersFound,
  zendesk
} from './helpers'

useNockZendesk()

const group = (traits: Record<string, unknown>, extra: Partial<SegmentEvent> = {}) =>
  ({ type: 'group', groupId: 'xyz999', traits, ...extra }) as Partial<SegmentEvent>

const upsert = (event: Partial<SegmentEvent>, options?: Parameters<typeof sendEvent>[2]) =>
  sendEvent('upsertOrganization', event, options)

/** Answers create_or_update with the organization it received plus an id. */
function acceptUpsert(status = 201, id = 7001) {
  return zendesk()
    .post('/api/v2/organizations/create_or_update')
    .reply(status, (_uri, body: any) => ({ organization: { id, ...body.organization } }))
}

const upsertBody = () => sent.find((r) => r.path === '/api/v2/organizations/create_or_update')?.body.organization

describe('group → organizations/create_or_update', () => {
  it('seed example without user: name, and traits.url in a custom field "url" created first', async () => {
    organizationFields()
    acceptFieldCreation()
    acceptUpsert()
    const result = await upsert(group({ name: 'SF Giants', url: 'https://mlb.com/giants' }))
    expect(result).toEqual({ id: 7001, status: 'Created' })
    expect(requestLines()).toEqual([
      'GET /api/v2/organization_fields?page[size]=100',
      'POST /api/v2/organization_fields',
      'POST /api/v2/organizations/create_or_update'
    ])
    expect(sent).toMatchSnapshot()
  })

  it('maps domain names (comma list or array), tags, details and notes; 200 is an update', async () => {
    organizationFields({ key: 'url' })
    acceptUpsert(200)
    const result = await upsert(
      group({
        name: 'Acme',
        domainNames: 'acme.com, acme.io ,,acme.com',
        tags: ['vip', 'enterprise'],
        details: '1 Main St',
        notes: 'Key account',
        url: 'https://acme.com'
      })
    )
    expect(result).toEqual({ id: 7001, status: 'Updated' })
    expect(upsertBody()).toEqual({
      external_id: 'xyz999',
      name: 'Acme',
      domain_names: ['acme.com', 'acme.io'],
      tags: ['vip', 'enterprise'],
      details: '1 Main St',
      notes: 'Key account',
      organization_fields: { url: 'https://acme.com' }
    })
  })

  it('an array of domain names is sent as given', async () => {
    acceptUpsert()
    await upsert(group({ name: 'Acme', domainNames: ['acme.com', 'acme.io'] }))
    expect(upsertBody().domain_names).toEqual(['acme.com', 'acme.io'])
  })

  it('empty and missing attributes are left out, so they do not clear what Zendesk has', async () => {
    acceptUpsert(200)
    await upsert(group({ name: '  ', details: '' }))
    expect(upsertBody()).toEqual({ external_id: 'xyz999' })
    expect(requestLines()).toEqual(['POST /api/v2/organizations/create_or_update'])
  })
})

describe('custom traits → organization_fields', () => {
  it('uses existing fields (as given, snake_case or camelCase) and creates missing ones typed from the value', async () => {
    organizationFields({ key: 'planTier' }, { key: 'region' })
    acceptFieldCreation(6)
    acceptUpsert()
    await upsert(
      group({
        name: 'Acme',
        plan_tier: 'gold',
        Region: 'EMEA',
        employeeCount: 250,
        mrr: 1234.5,
        isPartner: true,
        renewalDate: '2025-03-01',
        signedAt: '2024-05-01T10:30:00Z',
        industry: 'Sports'
      })
    )
    const created = sent.filter((r) => r.path === '/api/v2/organization_fields' && r.method === 'POST')
    expect(created.map((r) => [r.body.organization_field.key, r.body.organization_field.type])).toEqual([
      ['employee_count', 'integer'],
      ['mrr', 'decimal'],
      ['is_partner', 'checkbox'],
      ['renewal_date', 'date'],
      ['signed_at', 'date'],
      ['industry', 'text']
    ])
    expect(created[0].body.organization_field.title).toBe('Employee count')
    expect(upsertBody().organization_fields).toEqual({
      planTier: 'gold',
      region: 'EMEA',
      employee_count: 250,
      mrr: 1234.5,
      is_partner: true,
      renewal_date: '2025-03-01',
      signed_at: '2024-05-01',
      industry: 'Sports'
    })
  })

  it('a trait that cannot become a field key, or is not a single value, is reported and logged; the rest is sent', async () => {
    organizationFields({ key: 'plan' })
    acceptUpsert()
    const logger = capturingLogger()
    const result = await upsert(
      group({ name: 'Acme', plan: 'pro', 'plan.level': 3, '1234': 'x', address: { city: 'Berlin' } }),
      { logger }
    )
    expect(upsertBody().organization_fields).toEqual({ plan: 'pro' })
    expect(result.traits_not_sent).toEqual([
      '1234 (cannot be a Zendesk field key)',
      'plan.level (cannot be a Zendesk field key)',
      'address (not a single value)'
    ])
    expect(logger.lines.join('\n')).toContain('plan.level (cannot be a Zendesk field key)')
    expect(requestLines()).not.toContain('POST /api/v2/organization_fields')
  })

  it('a field created meanwhile by someone else ("Key: has already been taken") counts as created', async () => {
    organizationFields()
    zendesk().post('/api/v2/organization_fields').reply(422, recordInvalid('key', 'Key: has already been taken'))
    acceptUpsert()
    const result = await upsert(group({ name: 'Acme', plan: 'pro' }))
    expect(upsertBody().organization_fields).toEqual({ plan: 'pro' })
    expect(result).not.toHaveProperty('traits_not_sent')
  })

  it('a field Zendesk refuses to create (403: not an admin) is reported; the organization is still saved', async () => {
    organizationFields({ key: 'url' })
    zendesk()
      .post('/api/v2/organization_fields')
      .reply(403, { error: 'Forbidden', description: 'You do not have access to this page.' })
    acceptUpsert()
    const result = await upsert(group({ name: 'Acme', plan: 'pro', url: 'https://acme.com' }))
    expect(upsertBody().organization_fields).toEqual({ url: 'https://acme.com' })
    expect(result.traits_not_sent).toEqual([expect.stringMatching(/^plan \(Zendesk did not create the field: .*403/)])
  })

  it('a rate-limited field creation fails the event as retryable, before the organization is sent', async () => {
    organizationFields()
    zendesk().post('/api/v2/organization_fields').reply(429, 'Rate limited', { 'Retry-After': '12' })
    const error = await upsert(group({ name: 'Acme', plan: 'pro' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.status).toBe(429)
    expect(requestLines()).not.toContain('POST /api/v2/organizations/create_or_update')
  })

  it('the field list is read once; a field this destination created is known to the next event', async () => {
    organizationFields()
    acceptFieldCreation()
    acceptUpsert()
    acceptUpsert(200)
    await upsert(group({ name: 'Acme', plan: 'pro' }))
    await upsert(group({ name: 'Acme', plan: 'enterprise' }))
    expect(requestLines()).toEqual([
      'GET /api/v2/organization_fields?page[size]=100',
      'POST /api/v2/organization_fields',
      'POST /api/v2/organizations/create_or_update',
      'POST /api/v2/organizations/create_or_update'
    ])
  })

  it('a null trait with no field creates nothing and is not reported', async () => {
    organizationFields()
    acceptUpsert()
    const result = await upsert(group({ name: 'Acme', plan: null }))
    expect(upsertBody()).not.toHaveProperty('organization_fields')
    expect(result).toEqual({ id: 7001, status: 'Created' })
  })
})

describe('traits.deleted: true', () => {
  const findOrganization = (...found: unknown[]) =>
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'xyz999' })
      .reply(200, searchResult(...found))

  it('finds the organization by external_id (show_many, one request as a search) and deletes it', async () => {
    findOrganization(organization(7001, 'XYZ999'))
    zendesk().delete('/api/v2/organizations/7001').reply(204)
    expect(await upsert(group({ deleted: true }))).toEqual({ id: 7001, status: 'Deleted' })
    expect(requestLines()).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=xyz999',
      'DELETE /api/v2/organizations/7001'
    ])
  })

  it('no such organization is success, and nothing is deleted', async () => {
    findOrganization(organization(7002, 'other'))
    expect(await upsert(group({ deleted: 'true' }))).toEqual({ id: null, status: 'Not found, nothing to delete' })
    expect(requestLines()).toEqual(['GET /api/v2/organizations/show_many?external_ids=xyz999'])
  })

  it('an organization already gone when deleting (404) is success', async () => {
    findOrganization(organization(7001, 'xyz999'))
    zendesk().delete('/api/v2/organizations/7001').reply(404, { error: 'RecordNotFound', description: 'Not found' })
    expect(await upsert(group({ deleted: true }))).toEqual({ id: 7001, status: 'Deleted' })
  })

  it('a failing delete surfaces its error', async () => {
    findOrganization(organization(7001, 'xyz999'))
    zendesk().delete('/api/v2/organizations/7001').reply(500, { error: 'Oops' })
    await expect(upsert(group({ deleted: true }))).rejects.toBeInstanceOf(RetryableError)
  })
})

describe('group with userId: the user becomes a member', () => {
  // One reference is looked up as a batch of one: users/show_many, one request as users/search was.
  const findUser = (users: ReturnType<typeof usersFound>) =>
    zendesk().get('/api/v2/users/show_many').query({ external_ids: '1234' }).reply(200, users)

  it('seed example with userId: upserts, then adds the membership', async () => {
    organizationFields({ key: 'url' })
    acceptUpsert()
    findUser(usersFound({ id: 55, external_id: '1234' }))
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(201, { organization_membership: { id: 1, user_id: 55, organization_id: 7001 } })
    const result = await upsert(
      group({ name: 'SF Giants', url: 'https://mlb.com/giants' }, { groupId: 'abc123', userId: '1234' })
    )
    expect(result).toEqual({ id: 7001, status: 'Created', membership: 'added' })
    expect(sent[sent.length - 1].body).toEqual({ organization_membership: { user_id: 55, organization_id: 7001 } })
    expect(sent).toMatchSnapshot()
  })

  it('already a member (422 "already been taken") is success', async () => {
    acceptUpsert(200)
    findUser(usersFound({ id: 55, external_id: '1234' }))
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(422, recordInvalid('user_id', 'User has already been taken'))
    expect(await upsert(group({}, { userId: '1234' }))).toEqual({
      id: 7001,
      status: 'Updated',
      membership: 'already a member'
    })
  })

  it('a user that does not exist yet: the organization is saved and the event is retryable, naming the user', async () => {
    acceptUpsert()
    findUser(usersFound())
    const error = await upsert(group({ name: 'Acme' }, { userId: '1234' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('organization with external_id "xyz999" was created')
    expect(error.message).toContain('user with external_id "1234"')
    expect(requestLines()).toEqual([
      'POST /api/v2/organizations/create_or_update',
      'GET /api/v2/users/show_many?external_ids=1234'
    ])
  })

  it('context.zendesk_user_id is used without a lookup', async () => {
    acceptUpsert()
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 88, organization_id: 7001 } })
      .reply(201, { organization_membership: { id: 2, user_id: 88, organization_id: 7001 } })
    const result = await upsert(group({}, { context: { zendesk_user_id: 88 } } as any))
    expect(result.membership).toBe('added')
  })

  it('a deleting group with userId only deletes', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(200, searchResult())
    await upsert(group({ deleted: true }, { userId: '1234' }))
    expect(requestLines()).toEqual(['GET /api/v2/organizations/show_many?external_ids=xyz999'])
  })
})

describe('bad input', () => {
  it('no groupId → 400 naming external_id, and no request', async () => {
    const error = await upsert({ type: 'group', traits: { name: 'Acme' } }).catch((e) => e)
    expect(error.status).toBe(400)
    expect(error.message).toMatch(/external_id/)
    expect(sent).toEqual([])
  })

  it('a blank groupId → 400 naming external_id (the groupId), and no request', async () => {
    const error = await upsert(group({ name: 'Acme' }, { groupId: '   ' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.status).toBe(400)
    expect(error.message).toContain('external_id (the groupId)')
    expect(sent).toEqual([])
  })

  it('a zendesk_user_id that is not a number → 400 naming it, before anything is written', async () => {
    const error = await upsert(group({ name: 'Acme' }, { context: { zendesk_user_id: 'l*7q72' } } as any)).catch(
      (e) => e
    )
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('zendesk_user_id must be a numeric Zendesk id')
    expect(sent).toEqual([])
  })

  it("a name taken by another organization → Zendesk's message as a 400", async () => {
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .reply(422, recordInvalid('name', 'Name: Acme has already been taken'))
    const error = await upsert(group({ name: 'Acme' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.status).toBe(400)
    expect(error.message).toContain('Name: Acme has already been taken')
  })
})

describe('every Zendesk failure surfaces as its error class with a status', () => {
  it.each([
    [429, 'Rate limited', { 'Retry-After': '27' }, RetryableError],
    [500, { error: 'Oops' }, {}, RetryableError],
    [409, { error: 'DatabaseConflict', description: 'Database collision' }, {}, RetryableError],
    [401, { error: "Couldn't authenticate you" }, {}, InvalidAuthenticationError],
    [403, { error: 'Forbidden', description: 'You are missing the following required scopes: write' }, {}, APIError],
    [404, { error: 'InvalidEndpoint' }, {}, APIError],
    [
      422,
      recordInvalid('domain_names', 'Domain names: bad domain is invalid', 'InvalidValue'),
      {},
      PayloadValidationError
    ]
  ])('%i on create_or_update', async (status, body, headers, errorClass) => {
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .reply(status, body as nock.Body, headers as Record<string, string>)
    const error = await upsert(group({ name: 'Acme' })).catch((e) => e)
    expect(error).toBeInstanceOf(errorClass)
    expect(error.status).toBe(status === 422 ? 400 : status)
    if (status === 429) expect(error.message).toContain('Retry after 27 s')
    if (status !== 401) expect(error.message).toContain('organization with external_id "xyz999"')
    expect(error.message).not.toContain('test-token')
  })
})

describe('onEvent and onBatch run the same pipeline', () => {
  /** Answers one event's requests: the field list, create_or_update, the member's lookup and the membership. */
  function answerOneEvent(membership: 'added' | 'missing user') {
    organizationFields({ key: 'plan' })
    acceptUpsert()
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: '1234' })
      .reply(200, membership === 'added' ? usersFound({ id: 55, external_id: '1234' }) : usersFound())
    if (membership === 'added') {
      zendesk()
        .post('/api/v2/organization_memberships')
        .reply(201, { organization_membership: { id: 1, user_id: 55, organization_id: 7001 } })
    }
  }

  /** The event sent alone and then, on a fresh destination instance, as a batch of one. */
  async function bothWays(membership: 'added' | 'missing user') {
    const event = group({ name: 'Acme', plan: 'pro' }, { userId: '1234' })
    answerOneEvent(membership)
    const single = await upsert(event).catch((error) => error)
    const singleRequests = [...sent]
    resetState()
    sent.length = 0
    answerOneEvent(membership)
    const [batched] = await sendBatch('upsertOrganization', [event])
    return { single, singleRequests, batched }
  }

  it('a batch of one makes the requests of the single event and gives its result', async () => {
    const { single, singleRequests, batched } = await bothWays('added')
    expect(single).toEqual({ id: 7001, status: 'Created', membership: 'added' })
    expect(batched).toEqual(expect.objectContaining({ status: 200, body: single }))
    expect(sent).toEqual(singleRequests)
    expect(requestLines()).toEqual([
      'GET /api/v2/organization_fields?page[size]=100',
      'POST /api/v2/organizations/create_or_update',
      'GET /api/v2/users/show_many?external_ids=1234',
      'POST /api/v2/organization_memberships'
    ])
  })

  it('the single event throws the error the batch reports for it', async () => {
    const { single, singleRequests, batched } = await bothWays('missing user')
    expect(single).toBeInstanceOf(RetryableError)
    expect(batched).toMatchObject({ status: single.status, errormessage: single.message })
    expect(single.message).toContain('organization with external_id "xyz999" was created, but:')
    expect(sent).toEqual(singleRequests)
  })
})
