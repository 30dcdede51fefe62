import nock from 'nock'
import {
  APIError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  type SegmentEvent
} from '@segment/actions-core'
import {
  organization,
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
import { resetState } from '../support'

useNockZendesk()

const identify = (company: Record<string, unknown>, extra: Record<string, unknown> = {}): Partial<SegmentEvent> =>
  ({ type: 'identify', userId: '12345', traits: { company }, ...extra }) as Partial<SegmentEvent>

const membership = (event: Partial<SegmentEvent>, mapping?: Record<string, unknown>) =>
  sendEvent('updateOrganizationMembership', event, { mapping })

/** The organizations lookup: `show_many`, for one event as for a batch. */
const findOrganization = (...organizations: unknown[]) =>
  zendesk()
    .get('/api/v2/organizations/show_many')
    .query(true)
    .reply(200, searchResult(...organizations))

/** The users lookup by external_id: `show_many`, for one event as for a batch. */
const findUserByExternalId = (externalId: string, ...users: { id: number; external_id?: string }[]) =>
  zendesk()
    .get('/api/v2/users/show_many')
    .query({ external_ids: externalId })
    .reply(200, usersFound(...users))

const findUsersByExternalIds = (externalIds: string, ...users: { id: number; external_id?: string }[]) =>
  zendesk()
    .get('/api/v2/users/show_many')
    .query({ external_ids: externalIds })
    .reply(200, usersFound(...users))

const acceptMembership = (userId: number, organizationId: number) =>
  zendesk()
    .post('/api/v2/organization_memberships', {
      organization_membership: { user_id: userId, organization_id: organizationId }
    })
    .reply(201, { organization_membership: { id: 1, user_id: userId, organization_id: organizationId } })

/** Organization 7001 and user 55 found, and the membership POST answered 422 with `body`. */
function refusedMembership(body: nock.Body) {
  findOrganization(organization(7001, '6789'))
  findUserByExternalId('12345', { id: 55, external_id: '12345' })
  zendesk().post('/api/v2/organization_memberships').reply(422, body)
}

describe('add: identify with traits.company.id', () => {
  it('seed example: finds the organization by external_id and the user by userId, then adds the membership', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    acceptMembership(55, 7001)
    expect(await membership(identify({ id: '6789' }))).toEqual({ organization_id: 7001, membership: 'added' })
    expect(requestLines()).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=6789',
      'GET /api/v2/users/show_many?external_ids=12345',
      'POST /api/v2/organization_memberships'
    ])
    expect(sent).toMatchSnapshot()
  })

  it('a numeric company.id is the external_id as text', async () => {
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: '6789' })
      .reply(200, searchResult(organization(7001, '6789')))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    acceptMembership(55, 7001)
    expect((await membership(identify({ id: 6789 }))).membership).toBe('added')
  })

  it('already a member (422 "has already been taken") is success, and nothing else is sent', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(422, recordInvalid('user_id', 'User has already been taken'))
    expect(await membership(identify({ id: '6789' }))).toEqual({
      organization_id: 7001,
      membership: 'already a member'
    })
    expect(sent).toHaveLength(3)
  })

  it("a 422 in other words is checked against the user's memberships: a member is success", async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(422, recordInvalid('base', 'Something unexpected', 'Unknown'))
    zendesk()
      .get('/api/v2/users/55/organization_memberships')
      .query(true)
      .reply(200, {
        organization_memberships: [{ id: 1, user_id: 55, organization_id: 7001 }],
        meta: { has_more: false }
      })
    expect((await membership(identify({ id: '6789' }))).membership).toBe('already a member')
  })

  // The wording never decides: "already been taken" without a duplicate code is checked like any other 422.
  it.each([
    ['Something unexpected', 'Unknown'],
    ['User has already been taken', 'InvalidValue']
  ])("a 422 in other words (%j, code %s) for a non-member stays a 400 with Zendesk's message", async (said, code) => {
    refusedMembership(recordInvalid('base', said, code))
    zendesk()
      .get('/api/v2/users/55/organization_memberships')
      .query(true)
      .reply(200, { organization_memberships: [], meta: { has_more: false } })
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain(said)
  })

  it('a user that does not exist yet → RetryableError naming the user', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345')
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no user with external_id "12345" yet')
    expect(error.message).not.toContain('organization with')
  })

  it('an organization that does not exist yet → RetryableError naming the organization', async () => {
    findOrganization()
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no organization with external_id "6789" yet')
    expect(error.message).not.toContain('user with')
  })

  it('neither exists → RetryableError naming both', async () => {
    findOrganization()
    findUserByExternalId('12345')
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error.message).toContain('no user with external_id "12345" and no organization with external_id "6789"')
  })

  it('an organization deleted between lookup and add (422 "Organization cannot be blank") → retryable naming it', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(422, recordInvalid('organization', 'Organization cannot be blank', 'BlankValue'))
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('no organization with external_id "6789"')
  })

  it('context.zendesk_user_id is used as is, without a user lookup', async () => {
    findOrganization(organization(7001, '6789'))
    acceptMembership(77, 7001)
    await membership(identify({ id: '6789' }, { context: { zendesk_user_id: '77' } }))
    expect(requestLines()).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=6789',
      'POST /api/v2/organization_memberships'
    ])
  })

  it('without a user by external_id, the user is found by traits.email', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345')
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"ada@example.com"' })
      .reply(200, usersFound({ id: 56, email: 'ada@example.com' }))
    acceptMembership(56, 7001)
    const event = identify({ id: '6789' })
    event.traits = { ...event.traits, email: 'ada@example.com' }
    expect((await membership(event)).membership).toBe('added')
  })

  it('the user lookup is cached: a second event for the same user looks up only the organization', async () => {
    findOrganization(organization(7001, 'a'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    acceptMembership(55, 7001)
    findOrganization(organization(7002, 'b'))
    acceptMembership(55, 7002)
    await membership(identify({ id: 'a' }))
    await membership(identify({ id: 'b' }))
    expect(requestLines().filter((line) => line.includes('/users/'))).toHaveLength(1)
    expect(requestLines().filter((line) => line.includes('/organizations/show_many'))).toHaveLength(2)
  })
})

describe("Zendesk's refusals are read by their codes and fields, never their wording", () => {
  it('a duplicate error code at the top of the refusal is already a member, without a membership lookup', async () => {
    refusedMembership({ error: 'RecordNotUnique', description: 'Membership exists' })
    expect((await membership(identify({ id: '6789' }))).membership).toBe('already a member')
    expect(sent).toHaveLength(3)
  })

  it('a refusal on organization_id is a missing organization: retryable, naming it', async () => {
    refusedMembership(recordInvalid('organization_id', 'Organization is invalid', 'InvalidValue'))
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no organization with external_id "6789" yet')
    expect(error.message).not.toContain('user with')
  })

  it('a refusal on user_id is a missing user: retryable, naming it, and the user is looked up again next time', async () => {
    refusedMembership(recordInvalid('user_id', 'User is invalid', 'InvalidValue'))
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.message).toContain('Zendesk has no user with external_id "12345" yet')
    expect(error.message).not.toContain('organization with')

    findUserByExternalId('12345', { id: 56, external_id: '12345' })
    acceptMembership(56, 7001)
    expect(await membership(identify({ id: '6789' }))).toEqual({ organization_id: 7001, membership: 'added' })
  })
})

describe('perform and performBatch run the same pipeline', () => {
  const batchOfOne = async (event: Partial<SegmentEvent>) =>
    (await sendBatch('updateOrganizationMembership', [event]))[0]

  /** Runs `scenario` for one event, then again on a fresh instance for a batch of that one event. */
  async function bothWays(event: Partial<SegmentEvent>, scenario: () => void) {
    scenario()
    const single = await membership(event).then(
      (data) => ({ ok: true, data }),
      (error) => ({ ok: false, error })
    )
    const singleRequests = requestLines()
    resetState()
    sent.length = 0
    scenario()
    const batched = await batchOfOne(event)
    return { single, singleRequests, batched, batchRequests: requestLines() }
  }

  it('an add: the same result and the same requests', async () => {
    const { single, singleRequests, batched, batchRequests } = await bothWays(identify({ id: '6789' }), () => {
      findOrganization(organization(7001, '6789'))
      findUserByExternalId('12345', { id: 55, external_id: '12345' })
      acceptMembership(55, 7001)
    })
    expect(single).toEqual({ ok: true, data: { organization_id: 7001, membership: 'added' } })
    expect(batched).toMatchObject({ status: 200, body: { organization_id: 7001, membership: 'added' } })
    expect(batchRequests).toEqual(singleRequests)
    expect(singleRequests).toHaveLength(3)
  })

  it('an add for a user Zendesk does not have yet: the same error', async () => {
    const { single, batched, batchRequests, singleRequests } = await bothWays(identify({ id: '6789' }), () => {
      findOrganization(organization(7001, '6789'))
      findUserByExternalId('12345')
    })
    const error = (single as { error: RetryableError }).error
    expect(error).toBeInstanceOf(RetryableError)
    expect(batched).toMatchObject({ status: error.status, errormessage: error.message })
    expect(batchRequests).toEqual(singleRequests)
  })
})

describe('remove: traits.company.remove = true', () => {
  it('seed example: removes the membership with DELETE users/{id}/organizations/{id}', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk().delete('/api/v2/users/55/organizations/7001').reply(204)
    expect(await membership(identify({ id: '6789', remove: true }))).toEqual({
      organization_id: 7001,
      membership: 'removed'
    })
  })

  it('not a member (404) is success', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk()
      .delete('/api/v2/users/55/organizations/7001')
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
    expect((await membership(identify({ id: '6789', remove: true }))).membership).toBe('not a member')
  })

  it('no such organization is success, without a user lookup or a delete', async () => {
    findOrganization()
    expect(await membership(identify({ id: '6789', remove: 'true' }))).toEqual({
      organization_id: null,
      membership: 'no such organization'
    })
    expect(sent).toHaveLength(1)
  })

  it('no such user is success, without a delete', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345')
    expect((await membership(identify({ id: '6789', remove: true }))).membership).toBe('no such user')
  })

  it('a failing delete surfaces its error', async () => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk().delete('/api/v2/users/55/organizations/7001').reply(503, 'Maintenance', { 'Retry-After': '5' })
    const error = await membership(identify({ id: '6789', remove: true })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.status).toBe(503)
  })
})

describe('bad input', () => {
  it('an identify without traits.company.id does not match the preset: no request', async () => {
    const results = await sendEvent('updateOrganizationMembership', { type: 'identify', userId: '1', traits: {} })
    expect(results).toBeUndefined()
    expect(sent).toEqual([])
  })

  it('a blank organization id → 400 naming the field, and no request', async () => {
    const error = await membership(identify({ id: '  ' })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('organization_external_id (traits.company.id)')
    expect(sent).toEqual([])
  })

  it('no user reference at all → 400 naming the three fields, and no request', async () => {
    const error = await membership({ type: 'identify', anonymousId: 'a1', traits: { company: { id: '6789' } } }).catch(
      (e) => e
    )
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toMatch(/zendesk_user_id.*external_id.*email/)
    expect(sent).toEqual([])
  })

  it('a zendesk_user_id that is not a number → 400 naming it, and no request', async () => {
    const error = await membership(identify({ id: '6789' }, { context: { zendesk_user_id: '../1' } })).catch((e) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toContain('zendesk_user_id must be a numeric Zendesk id')
    expect(sent).toEqual([])
  })
})

describe('every Zendesk failure surfaces as its error class with a status', () => {
  it.each([
    [429, 'Rate limited', { 'Retry-After': '27' }, RetryableError],
    [500, { error: 'Oops' }, {}, RetryableError],
    [409, { error: 'DatabaseConflict', description: 'Database collision' }, {}, RetryableError],
    [401, { error: "Couldn't authenticate you" }, {}, InvalidAuthenticationError],
    [403, { error: 'Forbidden', description: 'You are missing the following required scopes: write' }, {}, APIError],
    [404, { error: 'InvalidEndpoint' }, {}, APIError]
  ])('%i on the membership request', async (status, body, headers, errorClass) => {
    findOrganization(organization(7001, '6789'))
    findUserByExternalId('12345', { id: 55, external_id: '12345' })
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(status, body as nock.Body, headers as Record<string, string>)
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(errorClass)
    expect(error.status).toBe(status)
    if (status === 429) expect(error.message).toContain('Retry after 27 s')
    if (status !== 401) expect(error.message).toContain('membership of user 55 in organization 7001')
    expect(error.message).not.toContain('test-token')
  })

  it('429 on the organization lookup is retryable and names the organization', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(429, 'Slow down', { 'Retry-After': '3' })
    const error = await membership(identify({ id: '6789' })).catch((e) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error.status).toBe(429)
    expect(error.message).toContain('organization with external_id "6789"')
  })
})

describe('batch', () => {
  const batch = (events: Partial<SegmentEvent>[]) => sendBatch('updateOrganizationMembership', events)

  it('looks each organization up once (show_many) and gives each event its own result', async () => {
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'a,b,missing' })
      .reply(200, searchResult(organization(7001, 'A'), organization(7002, 'b')))
    findUsersByExternalIds(
      'u1,u2,u3,u4',
      { id: 51, external_id: 'u1' },
      { id: 52, external_id: 'u2' },
      { id: 53, external_id: 'u3' }
    )
    acceptMembership(51, 7001)
    acceptMembership(52, 7001)
    zendesk().delete('/api/v2/users/53/organizations/7002').reply(204)
    const results = await batch([
      identify({ id: 'a' }, { userId: 'u1' }),
      identify({ id: 'A' }, { userId: 'u2' }),
      identify({ id: 'b', remove: true }, { userId: 'u3' }),
      identify({ id: 'missing' }, { userId: 'u4' }),
      identify({ id: ' ' }, { userId: 'u1' })
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 500, 400])
    expect(results.slice(0, 3).map((r) => r.body)).toEqual([
      { organization_id: 7001, membership: 'added' },
      { organization_id: 7001, membership: 'added' },
      { organization_id: 7002, membership: 'removed' }
    ])
    expect(results[3].errormessage).toContain(
      'no user with external_id "u4" and no organization with external_id "missing"'
    )
    expect(requestLines().filter((line) => line.includes('organizations/s'))).toHaveLength(1)
    expect(requestLines().filter((line) => line.includes('users/s'))).toHaveLength(1)
  })

  it('events for the same organization run in order: add then remove ends removed', async () => {
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query(true)
      .reply(200, searchResult(organization(7001, 'a')))
    findUsersByExternalIds('u1', { id: 51, external_id: 'u1' })
    acceptMembership(51, 7001)
    zendesk().delete('/api/v2/users/51/organizations/7001').reply(204)
    const results = await batch([
      identify({ id: 'a' }, { userId: 'u1' }),
      identify({ id: 'a', remove: true }, { userId: 'u1' })
    ])
    expect(results.map((r) => r.body.membership)).toEqual(['added', 'removed'])
    expect(requestLines().slice(-2)).toEqual([
      'POST /api/v2/organization_memberships',
      'DELETE /api/v2/users/51/organizations/7001'
    ])
  })

  it('an organization external_id too long to list is looked up alone, and its failure fails only its event', async () => {
    const huge = 'x'.repeat(7000)
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'a' })
      .reply(200, searchResult(organization(7001, 'a')))
    zendesk()
      .get('/api/v2/organizations/search')
      .query({ external_id: huge })
      .reply(400, { error: 'InvalidValue', description: 'external_id is too long' })
    findUsersByExternalIds('u1', { id: 51, external_id: 'u1' })
    acceptMembership(51, 7001)
    const results = await batch([identify({ id: 'a' }, { userId: 'u1' }), identify({ id: huge }, { userId: 'u2' })])
    expect(results.map((r) => r.status)).toEqual([200, 400])
    expect(results[0].body).toEqual({ organization_id: 7001, membership: 'added' })
  })

  it('a remove from an organization Zendesk does not have looks no user up', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(200, searchResult())
    const results = await batch([identify({ id: 'gone', remove: true }, { userId: 'u1' })])
    expect(results[0].body).toEqual({ organization_id: null, membership: 'no such organization' })
    expect(requestLines()).toEqual(['GET /api/v2/organizations/show_many?external_ids=gone'])
  })

  it('a failing lookup fails every event with its error, none delivered', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(503, { error: 'Unavailable' })
    const results = await batch([identify({ id: 'a' }), identify({ id: 'b' })])
    expect(results.map((r) => r.status)).toEqual([503, 503])
  })
})
