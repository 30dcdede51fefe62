import type { SegmentEvent } from '@segment/actions-core'
import {
  jobStatus,
  organization,
  organizationFields,
  recordInvalid,
  requestLines,
  searchResult,
  sendBatch,
  sent,
  useNockZendesk,
  usersFound,
  zendesk
} from './helpers'

useNockZendesk()

const group = (groupId: string, traits: Record<string, unknown> = {}, extra: Partial<SegmentEvent> = {}) =>
  ({ type: 'group', groupId, traits, ...extra }) as Partial<SegmentEvent>

const batch = (events: Partial<SegmentEvent>[], mapping?: Record<string, unknown>) =>
  sendBatch('upsertOrganization', events, { mapping })

/** `show_many` answering with these organizations. */
const showMany = (...organizations: unknown[]) =>
  zendesk()
    .get('/api/v2/organizations/show_many')
    .query(true)
    .reply(200, searchResult(...organizations))

type ResultFor = (item: any, index: number) => Record<string, unknown>

let jobCount = 0

/** A bulk endpoint (answering once) whose job completes on the first poll with one result per submitted item. */
function acceptJob(method: 'post' | 'put', path: string, resultFor: ResultFor) {
  const calls: any[][] = []
  const jobId = `V3-job${++jobCount}`
  const scope = zendesk()
  scope[method](path).reply((_uri, body: any) => {
    calls.push(body.organizations)
    return [200, jobStatus(jobId, 'queued')]
  })
  zendesk()
    .get(`/api/v2/job_statuses/${jobId}`)
    .reply(() => [200, jobStatus(jobId, 'completed', calls[0].map(resultFor))])
  return calls
}

const acceptCreateMany = (resultFor: ResultFor = (_, index) => ({ index, id: 8000 + index, status: 'Created' })) =>
  acceptJob('post', '/api/v2/organizations/create_many', resultFor)

const acceptUpdateMany = (
  resultFor: ResultFor = (item, index) => ({ index, id: item.id, action: 'update', status: 'Updated', success: true })
) => acceptJob('put', '/api/v2/organizations/update_many', resultFor)

const ok = (body: Record<string, unknown>) => expect.objectContaining({ status: 200, body })

describe('batch: one lookup, then create_many and update_many jobs', () => {
  it('creates the new organizations, updates the existing ones by id, and reports each event', async () => {
    showMany(organization(7001, 'Existing'))
    const created = acceptCreateMany()
    const updated = acceptUpdateMany()
    const results = await batch([
      group('new-1', { name: 'New One', tags: 'a,b' }),
      group('existing', { name: 'Existing Inc', domainNames: 'ex.com' }),
      group('new-2', { name: 'New Two' })
    ])
    expect(requestLines().map((line) => line.replace(/V3-job\d+/, 'V3-job'))).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=new-1,existing,new-2',
      'POST /api/v2/organizations/create_many',
      'GET /api/v2/job_statuses/V3-job',
      'PUT /api/v2/organizations/update_many',
      'GET /api/v2/job_statuses/V3-job'
    ])
    expect(created).toEqual([
      [
        { external_id: 'new-1', name: 'New One', tags: ['a', 'b'] },
        { external_id: 'new-2', name: 'New Two' }
      ]
    ])
    expect(updated).toEqual([[{ id: 7001, external_id: 'existing', name: 'Existing Inc', domain_names: ['ex.com'] }]])
    expect(results).toEqual([
      ok({ id: 8000, status: 'Created' }),
      ok({ id: 7001, status: 'Updated' }),
      ok({ id: 8001, status: 'Created' })
    ])
    expect(sent.filter((r) => r.method !== 'GET')).toMatchSnapshot()
  })

  it('two events for the same groupId in one batch make one organization (merged in order)', async () => {
    organizationFields({ key: 'plan' }, { key: 'seats', type: 'integer' })
    showMany()
    const created = acceptCreateMany()
    const results = await batch([
      group('acme', { name: 'Acme', notes: 'first', plan: 'free', seats: 3 }),
      group('ACME', { notes: 'second', details: 'Main St', plan: null })
    ])
    expect(created).toEqual([
      [
        {
          external_id: 'ACME',
          name: 'Acme',
          notes: 'second',
          details: 'Main St',
          organization_fields: { plan: null, seats: 3 }
        }
      ]
    ])
    expect(results).toEqual([ok({ id: 8000, status: 'Created' }), ok({ id: 8000, status: 'Created' })])
  })

  it('a delete between upserts of one organization keeps the order: upsert, delete, upsert again', async () => {
    showMany()
    acceptCreateMany()
    zendesk()
      .get('/api/v2/organizations/search')
      .query(true)
      .reply(200, searchResult(organization(8000, 'acme')))
    zendesk().delete('/api/v2/organizations/8000').reply(204)
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(200, searchResult())
    const second = acceptJob('post', '/api/v2/organizations/create_many', (_, index) => ({
      index,
      id: 8100,
      status: 'Created'
    }))
    const results = await batch([
      group('acme', { name: 'Acme' }),
      group('acme', { deleted: true }),
      group('acme', { name: 'Acme Reborn' })
    ])
    expect(requestLines().filter((line) => !line.includes('job_statuses'))).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=acme',
      'POST /api/v2/organizations/create_many',
      'GET /api/v2/organizations/search?external_id=acme',
      'DELETE /api/v2/organizations/8000',
      'GET /api/v2/organizations/show_many?external_ids=acme',
      'POST /api/v2/organizations/create_many'
    ])
    expect(second).toEqual([[{ external_id: 'acme', name: 'Acme Reborn' }]])
    expect(results).toEqual([
      ok({ id: 8000, status: 'Created' }),
      ok({ id: 8000, status: 'Deleted' }),
      ok({ id: 8100, status: 'Created' })
    ])
  })

  it('an item the job failed gets its own error; the others succeed', async () => {
    showMany()
    acceptCreateMany((_, index) =>
      index === 1
        ? { index, error: 'OrganizationCreateFailed', details: 'Domain names: bad is invalid' }
        : { index, id: 8000 + index, status: 'Created' }
    )
    const results = await batch([group('a', { name: 'A' }), group('b', { name: 'B', domainNames: 'bad' })])
    expect(results[0]).toEqual(ok({ id: 8000, status: 'Created' }))
    expect(results[1]).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining('Domain names: bad is invalid')
    })
  })

  it('an external_id taken meanwhile (create item refused) is sent again with create_or_update', async () => {
    showMany()
    acceptCreateMany((_, index) => ({
      index,
      error: 'OrganizationCreateFailed',
      details: 'External: race has already been taken'
    }))
    zendesk()
      .post('/api/v2/organizations/create_or_update', { organization: { external_id: 'race', name: 'Race' } })
      .reply(200, { organization: organization(7005, 'race') })
    expect(await batch([group('race', { name: 'Race' })])).toEqual([ok({ id: 7005, status: 'Updated' })])
  })

  it("a name taken by another organization → that event fails with Zendesk's message as a 400", async () => {
    showMany()
    acceptCreateMany((_, index) => ({
      index,
      error: 'OrganizationCreateFailed',
      details: 'Name: Acme has already been taken'
    }))
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .reply(422, recordInvalid('name', 'Name: Acme has already been taken'))
    const [result] = await batch([group('acme-2', { name: 'Acme' })])
    expect(result).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining('Name: Acme has already been taken')
    })
  })

  it('an event without groupId fails alone with a 400; the others are sent', async () => {
    showMany()
    acceptCreateMany()
    const results = await batch([group('  ', { name: 'Blank' }), group('ok', { name: 'OK' })])
    expect(results[0]).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining('external_id (the groupId)')
    })
    expect(results[1]).toEqual(ok({ id: 8000, status: 'Created' }))
  })

  it('more than the batch size is split into several jobs (3 with batch_size 2 → 2 + 1)', async () => {
    showMany()
    const first = acceptCreateMany()
    const second = acceptCreateMany((_, index) => ({ index, id: 8100 + index, status: 'Created' }))
    const results = await batch([group('a', { name: 'A' }), group('b', { name: 'B' }), group('c', { name: 'C' })], {
      batch_size: 2
    })
    expect([first[0].length, second[0].length]).toEqual([2, 1])
    expect(results.map((r) => r.body.id)).toEqual([8000, 8001, 8100])
  })

  it('looks up at most 100 external_ids per show_many call, and one with a comma on its own', async () => {
    const events = Array.from({ length: 120 }, (_, i) => group(`g${i}`))
    events.push(group('with,comma'))
    zendesk().get('/api/v2/organizations/show_many').query(true).times(2).reply(200, searchResult())
    zendesk()
      .get('/api/v2/organizations/search')
      .query({ external_id: 'with,comma' })
      .reply(200, searchResult(organization(7009, 'With,Comma')))
    acceptCreateMany()
    acceptCreateMany((_, index) => ({ index, id: 8200 + index, status: 'Created' }))
    acceptUpdateMany()
    const results = await batch(events)
    const lookups = sent.filter((r) => r.path.startsWith('/api/v2/organizations/show_many'))
    expect(lookups.map((r) => r.path.split('=')[1].split(',').length)).toEqual([100, 20])
    expect(results).toHaveLength(121)
    expect(results[120]).toEqual(ok({ id: 7009, status: 'Updated' }))
    expect(results.every((r) => r.status === 200)).toBe(true)
  })

  it('a 403 on the bulk call falls back to one create_or_update per organization', async () => {
    showMany()
    zendesk().post('/api/v2/organizations/create_many').reply(403, { error: 'Forbidden', description: 'No bulk' })
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .times(2)
      .reply(201, (_uri, body: any) => ({ organization: { id: body.organization.name === 'A' ? 1 : 2 } }))
    expect(await batch([group('a', { name: 'A' }), group('b', { name: 'B' })])).toEqual([
      ok({ id: 1, status: 'Created' }),
      ok({ id: 2, status: 'Created' })
    ])
  })

  it('a rate-limited lookup makes every event of the batch retryable with 429, none delivered', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(429, 'Slow down', { 'Retry-After': '9' })
    const results = await batch([group('a', { name: 'A' }), group('b', { name: 'B' })])
    expect(results.map((r) => r.status)).toEqual([429, 429])
    expect(results[0].errormessage).toContain('Retry after 9 s')
  })

  it('a failing bulk call (500) fails only the events of that call', async () => {
    showMany(organization(7001, 'old'))
    zendesk().post('/api/v2/organizations/create_many').reply(500, { error: 'Oops' })
    acceptUpdateMany()
    const results = await batch([group('new', { name: 'New' }), group('old', { name: 'Old' })])
    expect(results.map((r) => r.status)).toEqual([500, 200])
  })

  it('custom fields missing for any event are created once for the whole batch', async () => {
    organizationFields()
    zendesk()
      .post('/api/v2/organization_fields')
      .reply(201, (_uri, body: any) => ({ organization_field: { id: 900, ...body.organization_field } }))
    showMany()
    const created = acceptCreateMany()
    await batch([group('a', { name: 'A', plan: 'pro' }), group('b', { name: 'B', plan: 'free' })])
    expect(created[0].map((o: any) => o.organization_fields)).toEqual([{ plan: 'pro' }, { plan: 'free' }])
  })
})

describe('batch: memberships and deletes', () => {
  it('adds each userId as a member once the organization exists; a missing user fails only its event', async () => {
    showMany()
    acceptCreateMany()
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'u1,ghost' })
      .reply(200, usersFound({ id: 55, external_id: 'u1' }))
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 55, organization_id: 8000 } })
      .reply(201, { organization_membership: { id: 1, user_id: 55, organization_id: 8000 } })
    const results = await batch([
      group('a', { name: 'A' }, { userId: 'u1' }),
      group('b', { name: 'B' }, { userId: 'ghost' })
    ])
    expect(results[0]).toEqual(ok({ id: 8000, status: 'Created', membership: 'added' }))
    expect(results[1]).toMatchObject({
      status: 500,
      errortype: expect.any(String),
      errormessage: expect.stringContaining('user with external_id "ghost"')
    })
    expect(results[1].errormessage).toContain('organization with external_id "b" was created')
  })

  it('the members of four or more events are added with one create_many job once the organizations are saved', async () => {
    showMany()
    acceptCreateMany()
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: 'u1,u2,u3,u4' })
      .reply(200, usersFound(...[1, 2, 3, 4].map((n) => ({ id: 50 + n, external_id: `u${n}` }))))
    const memberships: any[] = []
    zendesk()
      .post('/api/v2/organization_memberships/create_many')
      .reply((_uri, body: any) => {
        memberships.push(...body.organization_memberships)
        return [200, jobStatus('V3-members', 'queued')]
      })
    zendesk()
      .get('/api/v2/job_statuses/V3-members')
      .reply(200, () =>
        jobStatus('V3-members', 'completed', [
          { index: 0, id: 1, status: 'Created' },
          { index: 1, error: 'OrganizationMembershipCreateFailed', details: 'User has already been taken' },
          { index: 2, id: 3, status: 'Created' },
          { index: 3, error: 'InternalError', details: 'Try again later' }
        ])
      )
    const results = await batch(['a', 'b', 'c', 'd'].map((id, i) => group(id, { name: id }, { userId: `u${i + 1}` })))
    expect(memberships).toEqual([51, 52, 53, 54].map((user_id, i) => ({ user_id, organization_id: 8000 + i })))
    expect(results.slice(0, 3).map((r) => r.body)).toEqual([
      { id: 8000, status: 'Created', membership: 'added' },
      { id: 8001, status: 'Created', membership: 'already a member' },
      { id: 8002, status: 'Created', membership: 'added' }
    ])
    expect(results[3].status).toBe(500)
    expect(results[3].errormessage).toContain('organization with external_id "d" was created, but:')
    expect(results[3].errormessage).toContain('Try again later')
  })

  it('deletes per event: a missing organization is success', async () => {
    zendesk().get('/api/v2/organizations/search').query({ external_id: 'gone' }).reply(200, searchResult())
    zendesk()
      .get('/api/v2/organizations/search')
      .query({ external_id: 'here' })
      .reply(200, searchResult(organization(7001, 'here')))
    zendesk().delete('/api/v2/organizations/7001').reply(204)
    expect(await batch([group('gone', { deleted: true }), group('here', { deleted: true })])).toEqual([
      ok({ id: null, status: 'Not found, nothing to delete' }),
      ok({ id: 7001, status: 'Deleted' })
    ])
  })
})
