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

/** create_many whose job refuses the item at `failed` with this error code and details, and creates the others. */
const acceptCreateManyBut = (failed: number, error: string, details: string) =>
  acceptCreateMany((_, index) =>
    index === failed ? { index, error, details } : { index, id: 8000 + index, status: 'Created' }
  )

const acceptUpdateMany = (
  resultFor: ResultFor = (item, index) => ({ index, id: item.id, action: 'update', status: 'Updated', success: true })
) => acceptJob('put', '/api/v2/organizations/update_many', resultFor)

const ok = (body: Record<string, unknown>) => expect.objectContaining({ status: 200, body })

/** `organizations/create_or_update` answering `status` with ids firstId, firstId + 1, …; returns the organizations sent. */
function acceptCreateOrUpdate(times = 1, firstId = 8000, status = 201) {
  const bodies: any[] = []
  zendesk()
    .post('/api/v2/organizations/create_or_update')
    .times(times)
    .reply(status, (_uri, body: any) => {
      bodies.push(body.organization)
      return { organization: { id: firstId + bodies.length - 1, ...body.organization } }
    })
  return bodies
}

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

  it('fewer than three organizations in a round go as one create_or_update each: no lookup, no job', async () => {
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .times(2)
      .reply((_uri, body: any) =>
        body.organization.external_id === 'old'
          ? [200, { organization: organization(7001, 'old') }]
          : [201, { organization: organization(8000, 'new') }]
      )
    const results = await batch([group('new', { name: 'New' }), group('old', { name: 'Old' })])
    expect(requestLines()).toEqual([
      'POST /api/v2/organizations/create_or_update',
      'POST /api/v2/organizations/create_or_update'
    ])
    expect(results).toEqual([ok({ id: 8000, status: 'Created' }), ok({ id: 7001, status: 'Updated' })])
  })

  it('two events for the same groupId in one batch make one organization (merged in order)', async () => {
    organizationFields({ key: 'plan' }, { key: 'seats', type: 'integer' })
    // One organization: one create_or_update, no lookup or job.
    const created = acceptCreateOrUpdate()
    const results = await batch([
      group('acme', { name: 'Acme', notes: 'first', plan: 'free', seats: 3 }),
      group('ACME', { notes: 'second', details: 'Main St', plan: null })
    ])
    expect(created).toEqual([
      {
        external_id: 'ACME',
        name: 'Acme',
        notes: 'second',
        details: 'Main St',
        organization_fields: { plan: null, seats: 3 }
      }
    ])
    expect(results).toEqual([ok({ id: 8000, status: 'Created' }), ok({ id: 8000, status: 'Created' })])
  })

  it('a delete between upserts of one organization keeps the order: upsert, delete, upsert again', async () => {
    acceptCreateOrUpdate()
    showMany(organization(8000, 'acme'))
    zendesk().delete('/api/v2/organizations/8000').reply(204)
    const second = acceptCreateOrUpdate(1, 8100)
    const results = await batch([
      group('acme', { name: 'Acme' }),
      group('acme', { deleted: true }),
      group('acme', { name: 'Acme Reborn' })
    ])
    expect(requestLines().filter((line) => !line.includes('job_statuses'))).toEqual([
      'POST /api/v2/organizations/create_or_update',
      'GET /api/v2/organizations/show_many?external_ids=acme',
      'DELETE /api/v2/organizations/8000',
      'POST /api/v2/organizations/create_or_update'
    ])
    expect(second).toEqual([{ external_id: 'acme', name: 'Acme Reborn' }])
    expect(results).toEqual([
      ok({ id: 8000, status: 'Created' }),
      ok({ id: 8000, status: 'Deleted' }),
      ok({ id: 8100, status: 'Created' })
    ])
  })

  it('an item the job failed gets its own error; the others succeed', async () => {
    showMany()
    acceptCreateManyBut(1, 'OrganizationCreateFailed', 'Domain names: bad is invalid')
    // The item's error code does not say what was refused: create_or_update answers for it alone.
    zendesk()
      .post('/api/v2/organizations/create_or_update', {
        organization: { external_id: 'b', name: 'B', domain_names: ['bad'] }
      })
      .reply(422, recordInvalid('domain_names', 'Domain names: bad is invalid', 'InvalidValue'))
    const results = await batch([
      group('a', { name: 'A' }),
      group('b', { name: 'B', domainNames: 'bad' }),
      group('c', { name: 'C' })
    ])
    expect(results[0]).toEqual(ok({ id: 8000, status: 'Created' }))
    expect(results[1]).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining('Domain names: bad is invalid')
    })
    expect(results[2]).toEqual(ok({ id: 8002, status: 'Created' }))
  })

  it('an item that failed for a passing reason (a retryable job item code) is not sent again alone: it is retryable', async () => {
    showMany()
    acceptCreateManyBut(1, 'InternalError', 'Try again later')
    const results = await batch([group('a', { name: 'A' }), group('b', { name: 'B' }), group('c', { name: 'C' })])
    expect(results.map((r) => r.status)).toEqual([200, 500, 200])
    expect(results[1].errormessage).toContain('Try again later')
    expect(requestLines()).not.toContain('POST /api/v2/organizations/create_or_update')
  })

  it('an update item whose organization was deleted meanwhile (RecordNotFound) is sent again with create_or_update', async () => {
    showMany(...['x', 'y', 'z'].map((id, i) => organization(7001 + i, id)))
    acceptUpdateMany((item, index) =>
      index === 2
        ? { index, id: item.id, action: 'update', success: false, error: 'RecordNotFound', details: 'Not found' }
        : { index, id: item.id, action: 'update', status: 'Updated', success: true }
    )
    zendesk()
      .post('/api/v2/organizations/create_or_update', { organization: { external_id: 'z', name: 'Z' } })
      .reply(201, { organization: organization(7100, 'z') })
    const results = await batch([group('x', { name: 'X' }), group('y', { name: 'Y' }), group('z', { name: 'Z' })])
    expect(results).toEqual([
      ok({ id: 7001, status: 'Updated' }),
      ok({ id: 7002, status: 'Updated' }),
      ok({ id: 7100, status: 'Created' })
    ])
  })

  it('an external_id taken meanwhile (create item refused) is sent again with create_or_update', async () => {
    showMany()
    acceptCreateManyBut(0, 'OrganizationCreateFailed', 'External: race has already been taken')
    zendesk()
      .post('/api/v2/organizations/create_or_update', { organization: { external_id: 'race', name: 'Race' } })
      .reply(200, { organization: organization(7005, 'race') })
    expect(
      await batch([group('race', { name: 'Race' }), group('b', { name: 'B' }), group('c', { name: 'C' })])
    ).toEqual([
      ok({ id: 7005, status: 'Updated' }),
      ok({ id: 8001, status: 'Created' }),
      ok({ id: 8002, status: 'Created' })
    ])
  })

  it("a name taken by another organization → that event fails with Zendesk's message as a 400", async () => {
    showMany()
    acceptCreateManyBut(0, 'OrganizationCreateFailed', 'Name: Acme has already been taken')
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .reply(422, recordInvalid('name', 'Name: Acme has already been taken'))
    const [result, ...others] = await batch([
      group('acme-2', { name: 'Acme' }),
      group('b', { name: 'B' }),
      group('c', { name: 'C' })
    ])
    expect(others).toEqual([ok({ id: 8001, status: 'Created' }), ok({ id: 8002, status: 'Created' })])
    expect(result).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining('Name: Acme has already been taken')
    })
  })

  it('an event without groupId fails alone with a 400; the others are sent', async () => {
    acceptCreateOrUpdate()
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
    const ids: Record<string, number> = { A: 1, B: 2, C: 3 }
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .times(3)
      .reply(201, (_uri, body: any) => ({ organization: { id: ids[body.organization.name] } }))
    expect(await batch([group('a', { name: 'A' }), group('b', { name: 'B' }), group('c', { name: 'C' })])).toEqual([
      ok({ id: 1, status: 'Created' }),
      ok({ id: 2, status: 'Created' }),
      ok({ id: 3, status: 'Created' })
    ])
  })

  it('a rate-limited lookup makes every event of the batch retryable with 429, none delivered', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(429, 'Slow down', { 'Retry-After': '9' })
    const results = await batch([group('a', { name: 'A' }), group('b', { name: 'B' }), group('c', { name: 'C' })])
    expect(results.map((r) => r.status)).toEqual([429, 429, 429])
    expect(results[0].errormessage).toContain('Retry after 9 s')
  })

  it('a failing bulk call (500) fails only the events of that call', async () => {
    showMany(organization(7001, 'old'), organization(7002, 'older'))
    zendesk().post('/api/v2/organizations/create_many').reply(500, { error: 'Oops' })
    acceptUpdateMany()
    const results = await batch([
      group('new', { name: 'New' }),
      group('old', { name: 'Old' }),
      group('older', { name: 'Older' })
    ])
    expect(results.map((r) => r.status)).toEqual([500, 200, 200])
  })

  it('custom fields missing for any event are created once for the whole batch', async () => {
    organizationFields()
    zendesk()
      .post('/api/v2/organization_fields')
      .reply(201, (_uri, body: any) => ({ organization_field: { id: 900, ...body.organization_field } }))
    showMany()
    const created = acceptCreateMany()
    await batch([
      group('a', { name: 'A', plan: 'pro' }),
      group('b', { name: 'B', plan: 'free' }),
      group('c', { name: 'C', plan: 'gold' })
    ])
    expect(created[0].map((o: any) => o.organization_fields)).toEqual([
      { plan: 'pro' },
      { plan: 'free' },
      { plan: 'gold' }
    ])
  })
})

describe('batch: memberships and deletes', () => {
  it('adds each userId as a member once the organization exists; a missing user fails only its event', async () => {
    acceptCreateOrUpdate(2)
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
    // A job item's code does not say it was a duplicate: the organization's memberships do not list the user
    // either, so that membership is asked for alone, and Zendesk's DuplicateValue answer makes it 'already a member'.
    zendesk()
      .get('/api/v2/organizations/8001/organization_memberships')
      .query(true)
      .reply(200, { organization_memberships: [], meta: { has_more: false }, links: { next: null } })
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 52, organization_id: 8001 } })
      .reply(422, recordInvalid('user_id', 'User has already been taken'))
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

  it('two deletes: one show_many, then one DELETE per organization found (too few for a job); a missing one is success', async () => {
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'gone,here' })
      .reply(200, searchResult(organization(7001, 'here')))
    zendesk().delete('/api/v2/organizations/7001').reply(204)
    expect(await batch([group('gone', { deleted: true }), group('here', { deleted: true })])).toEqual([
      ok({ id: null, status: 'Not found, nothing to delete' }),
      ok({ id: 7001, status: 'Deleted' })
    ])
  })
})
