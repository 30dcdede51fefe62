import type { SegmentEvent } from '@segment/actions-core'
import {
  jobStatus,
  organization,
  recordInvalid,
  requestLines,
  searchResult,
  sendBatch,
  useNockZendesk,
  zendesk
} from './helpers'

useNockZendesk()

const identify = (userId: string, company: Record<string, unknown>) =>
  ({ type: 'identify', userId, traits: { company } }) as Partial<SegmentEvent>

const batch = (events: Partial<SegmentEvent>[]) => sendBatch('updateOrganizationMembership', events)

/** Organizations show_many answering with these organizations. */
const organizations = (...found: unknown[]) =>
  zendesk()
    .get('/api/v2/organizations/show_many')
    .query(true)
    .reply(200, searchResult(...found))

/** Users show_many answering, for each listed external_id "u<n>", with user 50 + n (none for n in `missing`). */
function users(missing: number[] = [], times = 1) {
  zendesk()
    .get('/api/v2/users/show_many')
    .query(true)
    .times(times)
    .reply(200, (uri) => {
      const listed = (new URL(uri, 'https://acme.zendesk.com').searchParams.get('external_ids') ?? '').split(',')
      const numbers = listed.map((id) => Number(id.slice(1))).filter((n) => !missing.includes(n))
      return { users: numbers.map((n) => ({ id: 50 + n, external_id: `u${n}`, active: true })) }
    })
}

type ResultFor = (item: { user_id: number; organization_id: number }, index: number) => Record<string, unknown>
const created: ResultFor = (_item, index) => ({
  index,
  id: 900 + index,
  action: 'create',
  status: 'Created',
  success: true
})

let jobCount = 0

/** organization_memberships/create_many; each job completes on its first poll with `resultFor` per item. */
function acceptMembershipJobs(resultFor: ResultFor = created, times = 1) {
  const calls: { user_id: number; organization_id: number }[][] = []
  const jobIds: string[] = []
  zendesk()
    .post('/api/v2/organization_memberships/create_many')
    .times(times)
    .reply((_uri, body: any) => {
      calls.push(body.organization_memberships)
      jobIds.push(`V3-membership${++jobCount}`)
      return [200, jobStatus(jobIds[jobIds.length - 1], 'queued')]
    })
  zendesk()
    .get(/\/api\/v2\/job_statuses\/V3-membership\d+$/)
    .times(times)
    .reply((uri) => {
      const id = uri.replace(/.*\//, '')
      return [200, jobStatus(id, 'completed', calls[jobIds.indexOf(id)].map(resultFor))]
    })
  return calls
}

const members = (count: number, company: Record<string, unknown> = { id: 'a' }) =>
  Array.from({ length: count }, (_, i) => identify(`u${i + 1}`, company))

/** One page of an organization's memberships: these users are members. */
function organizationMemberships(organizationId: number, userIds: number[]): void {
  zendesk()
    .get(`/api/v2/organizations/${organizationId}/organization_memberships`)
    .query(true)
    .reply(200, {
      organization_memberships: userIds.map((userId, i) => ({
        id: 800 + i,
        user_id: userId,
        organization_id: organizationId
      })),
      meta: { has_more: false },
      links: { next: null }
    })
}

describe('Update Organization Membership batches: adds in create_many jobs', () => {
  it('a batch of adds costs an organization lookup, a user lookup, one job and its status', async () => {
    organizations(organization(7001, 'a'))
    users()
    const calls = acceptMembershipJobs()
    const results = await batch(members(5))
    expect(results.map((r) => r.body)).toEqual(
      Array.from({ length: 5 }, () => ({ organization_id: 7001, membership: 'added' }))
    )
    expect(calls).toEqual([[51, 52, 53, 54, 55].map((user_id) => ({ user_id, organization_id: 7001 }))])
    expect(requestLines().map((line) => line.replace(/\?.*/, ''))).toEqual([
      'GET /api/v2/organizations/show_many',
      'GET /api/v2/users/show_many',
      'POST /api/v2/organization_memberships/create_many',
      `GET /api/v2/job_statuses/V3-membership${jobCount}`
    ])
  })

  it('fewer than 3 adds are sent as one POST each, which costs less than a job', async () => {
    organizations(organization(7001, 'a'))
    users()
    zendesk()
      .post('/api/v2/organization_memberships')
      .times(2)
      .reply(201, (_uri, body: any) => ({ organization_membership: { id: 1, ...body.organization_membership } }))
    const results = await batch(members(2))
    expect(results.map((r) => r.body.membership)).toEqual(['added', 'added'])
    expect(requestLines().filter((line) => line.includes('create_many'))).toEqual([])
  })

  it('more than 100 adds go in jobs of at most 100', async () => {
    organizations(organization(7001, 'a'))
    users([], 2)
    const calls = acceptMembershipJobs(created, 2)
    const results = await batch(members(150))
    expect(results.every((r) => r.body?.membership === 'added')).toBe(true)
    expect(calls.map((items) => items.length)).toEqual([100, 50])
  })

  it('an item refused with a duplicate code is already a member; another refusal is sent alone; other failures fail their own event', async () => {
    organizations(organization(7001, 'a'))
    users()
    acceptMembershipJobs(
      (_item, index) =>
        [
          { index, id: 900, action: 'create', status: 'Created', success: true },
          { index, error: 'DuplicateValue', details: 'User has already been taken' },
          { index, error: 'OrganizationMembershipCreateFailed', details: 'User has already been taken' },
          { index, error: 'OrganizationMembershipCreateFailed', details: 'Something unexpected' },
          { index, error: 'InternalError', details: 'Try again later' }
        ][index]
    )
    // Only the code decides: items whose details merely read like a duplicate are checked against the
    // organization's memberships (user 53 is listed), and what the list does not show is sent alone.
    organizationMemberships(7001, [53])
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 54, organization_id: 7001 } })
      .reply(422, recordInvalid('user_id', 'User has already been taken'))
    const results = await batch(members(5))
    expect(results.map((r) => r.body?.membership ?? r.status)).toEqual([
      'added',
      'already a member',
      'already a member',
      'already a member',
      500
    ])
    expect(results[4].errormessage).toContain('Try again later')
    expect(requestLines().filter((line) => !line.includes('job_statuses'))).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=a',
      'GET /api/v2/users/show_many?external_ids=u1,u2,u3,u4,u5',
      'POST /api/v2/organization_memberships/create_many',
      'GET /api/v2/organizations/7001/organization_memberships?page[size]=100',
      'POST /api/v2/organization_memberships'
    ])
  })

  it("refused items are sent alone when the organization's memberships cannot be read", async () => {
    organizations(organization(7001, 'a'))
    users()
    acceptMembershipJobs((_item, index) =>
      index === 0
        ? { index, error: 'OrganizationMembershipCreateFailed', details: 'User has already been taken' }
        : { index, id: 900 + index, status: 'Created' }
    )
    zendesk().get('/api/v2/organizations/7001/organization_memberships').query(true).reply(403, { error: 'Forbidden' })
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 51, organization_id: 7001 } })
      .reply(422, recordInvalid('user_id', 'User has already been taken'))
    const results = await batch(members(3))
    expect(results.map((r) => r.body?.membership)).toEqual(['already a member', 'added', 'added'])
  })

  it('an item refused because the user is gone is retried alone and ends retryable, naming the user', async () => {
    organizations(organization(7001, 'a'))
    users()
    acceptMembershipJobs((_item, index) =>
      index === 0
        ? { index, error: 'OrganizationMembershipCreateFailed', details: 'User cannot be blank' }
        : { index, id: 900 + index, status: 'Created' }
    )
    organizationMemberships(7001, [])
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 51, organization_id: 7001 } })
      .reply(422, recordInvalid('user', 'User cannot be blank', 'BlankValue'))
    const results = await batch(members(4))
    expect(results.map((r) => r.status)).toEqual([500, 200, 200, 200])
    expect(results[0].errormessage).toContain('Zendesk has no user with external_id "u1" yet')
  })

  it.each([
    [403, { error: 'Forbidden', description: 'You do not have access' }, {}],
    [429, 'Rate limited', { 'Retry-After': '30' }]
  ])('a %i on create_many fails every add with it; the removes still run', async (status, body, headers) => {
    organizations(organization(7001, 'a'), organization(7002, 'b'))
    users()
    zendesk()
      .post('/api/v2/organization_memberships/create_many')
      .reply(status, body, headers as Record<string, string>)
    zendesk().delete('/api/v2/users/55/organizations/7002').reply(204)
    const results = await batch([...members(4), identify('u5', { id: 'b', remove: true })])
    expect(results.map((r) => r.status)).toEqual([status, status, status, status, 200])
    expect(results[4].body).toEqual({ organization_id: 7002, membership: 'removed' })
    if (status === 429) expect(results[0].errormessage).toContain('Retry after 30 s')
  })

  it('users Zendesk does not have yet are not sent: their adds are retryable, naming them', async () => {
    organizations(organization(7001, 'a'))
    users([2])
    const calls = acceptMembershipJobs()
    const results = await batch(members(5))
    expect(results.map((r) => r.status)).toEqual([200, 500, 200, 200, 200])
    expect(results[1].errormessage).toContain('no user with external_id "u2" yet')
    expect(calls[0].map((item) => item.user_id)).toEqual([51, 53, 54, 55])
  })

  it('an add and a later remove of the same membership run in order: the job first, then the DELETE', async () => {
    organizations(organization(7001, 'a'))
    users()
    acceptMembershipJobs()
    zendesk().delete('/api/v2/users/51/organizations/7001').reply(204)
    const results = await batch([...members(4), identify('u1', { id: 'a', remove: true })])
    expect(results.map((r) => r.body.membership)).toEqual(['added', 'added', 'added', 'added', 'removed'])
    const lines = requestLines()
    expect(lines.findIndex((line) => line.startsWith('DELETE'))).toBeGreaterThan(
      lines.findIndex((line) => line.includes('job_statuses'))
    )
  })
})
