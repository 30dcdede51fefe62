import type { SegmentEvent } from '@segment/actions-core'
import { jobStatus, sent, useNockZendesk, zendesk } from './nock-zendesk'
import { organization, searchResult, sendEvent, usersFound } from './organizations/helpers'
import { destination, presetSubscription, settings } from './support'

useNockZendesk()

type ActionKey = 'upsertUser' | 'upsertOrganization'

function deleteMode(actionKey: ActionKey) {
  const subscription = presetSubscription(actionKey)
  return {
    ...settings,
    subscriptions: [{ ...subscription, mapping: { ...subscription.mapping, __segment_internal_sync_mode: 'delete' } }]
  } as any
}

async function deleteBatch(actionKey: ActionKey, events: Partial<SegmentEvent>[]): Promise<any[]> {
  const [result] = (await destination().onBatch(events as SegmentEvent[], deleteMode(actionKey))) as any[]
  return result.multistatus
}

const requestLines = () => sent.map((r) => `${r.method} ${r.path}`)
const outcomes = (multistatus: any[]) => multistatus.map((r) => (r.status === 200 ? r.body : r.status))

const identify = (userId: string, traits: Record<string, unknown> = {}) =>
  ({ type: 'identify', userId, traits }) as Partial<SegmentEvent>
const group = (groupId: string) => ({ type: 'group', groupId, traits: { name: groupId } }) as Partial<SegmentEvent>

const deleted = (id: number) => ({ action: 'delete', id, status: 'Deleted', success: true })
const failed = (id: number, error: string) => ({ action: 'delete', id, success: false, error, details: 'No' })

/** `destroy_many` answering a queued job, whose first poll answers it completed with these results. */
function destroyMany(resource: 'users' | 'organizations', ids: string, results: unknown[]) {
  zendesk().delete(`/api/v2/${resource}/destroy_many`).query({ ids }).reply(200, jobStatus('V3-d', 'queued'))
  zendesk()
    .get('/api/v2/job_statuses/V3-d')
    .reply(200, jobStatus('V3-d', 'completed', results))
}

describe('Upsert User, delete mode', () => {
  const findUsers = (externalIds: string, ...users: { id: number; external_id: string }[]) =>
    zendesk()
      .get('/api/v2/users/show_many')
      .query({ external_ids: externalIds })
      .reply(200, usersFound(...users))

  it('a batch: one show_many and one destroy_many job; each event its own result', async () => {
    findUsers(
      'u1,u2,u3,ghost',
      { id: 11, external_id: 'u1' },
      { id: 12, external_id: 'u2' },
      { id: 13, external_id: 'u3' }
    )
    destroyMany('users', '11,12,13', [deleted(11), failed(12, 'RecordNotFound'), failed(13, 'PermissionDenied')])
    const results = await deleteBatch('upsertUser', [
      identify('u1'),
      identify('u2'),
      identify('u3'),
      identify('ghost'),
      identify('u1', { name: 'Deleted twice' })
    ])
    expect(outcomes(results)).toEqual([
      { id: 11, deleted: true },
      // Already gone: as the delete asked.
      { id: 12, deleted: true },
      403,
      { id: null, deleted: false },
      { id: 11, deleted: true }
    ])
    expect(results[2].errormessage).toContain('PermissionDenied')
    expect(requestLines()).toEqual([
      'GET /api/v2/users/show_many?external_ids=u1,u2,u3,ghost',
      'DELETE /api/v2/users/destroy_many?ids=11,12,13',
      'GET /api/v2/job_statuses/V3-d'
    ])
  })

  it('a refused submission (429 TooManyJobs) fails the events of the users found, retryably; a missing one is delivered', async () => {
    findUsers(
      'u1,u2,u3,ghost',
      { id: 11, external_id: 'u1' },
      { id: 12, external_id: 'u2' },
      { id: 13, external_id: 'u3' }
    )
    zendesk()
      .delete('/api/v2/users/destroy_many')
      .query(true)
      .reply(429, { error: 'TooManyJobs' }, { 'Retry-After': '10' })
    const results = await deleteBatch(
      'upsertUser',
      ['u1', 'u2', 'u3', 'ghost'].map((id) => identify(id))
    )
    expect(outcomes(results)).toEqual([429, 429, 429, { id: null, deleted: false }])
  })

  it('too few users for a job: one DELETE each, a 404 counting as deleted', async () => {
    findUsers('u1,u2', { id: 11, external_id: 'u1' }, { id: 12, external_id: 'u2' })
    zendesk()
      .delete('/api/v2/users/11')
      .reply(200, { user: { id: 11, active: false } })
    zendesk().delete('/api/v2/users/12').reply(404, { error: 'RecordNotFound', description: 'Not found' })
    const results = await deleteBatch('upsertUser', [identify('u1'), identify('u2')])
    expect(outcomes(results)).toEqual([
      { id: 11, deleted: true },
      { id: 12, deleted: true }
    ])
  })

  it('a deleted user is forgotten from the user id cache: the next event naming it looks it up again', async () => {
    const member = { type: 'identify', userId: 'u1', traits: { company: { id: 'acme' } } } as Partial<SegmentEvent>
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'acme' })
      .reply(200, searchResult(organization(7001, 'acme')))
    findUsers('u1', { id: 11, external_id: 'u1' })
    zendesk()
      .post('/api/v2/organization_memberships')
      .reply(201, { organization_membership: { id: 1, user_id: 11, organization_id: 7001 } })
    await sendEvent('updateOrganizationMembership', member)

    findUsers('u1', { id: 11, external_id: 'u1' })
    zendesk()
      .delete('/api/v2/users/11')
      .reply(200, { user: { id: 11, active: false } })
    expect(outcomes(await deleteBatch('upsertUser', [identify('u1')]))).toEqual([{ id: 11, deleted: true }])

    findUsers('u1')
    await sendEvent('updateOrganizationMembership', member).catch(() => undefined)
    expect(requestLines().slice(-1)).toEqual(['GET /api/v2/users/show_many?external_ids=u1'])
  })
})

describe('Upsert Organization, delete mode', () => {
  const findOrganizations = (externalIds: string, ...found: unknown[]) =>
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: externalIds })
      .reply(200, searchResult(...found))
  const [a, b, c] = [organization(7001, 'a'), organization(7002, 'b'), organization(7003, 'c')]

  it('a batch: one show_many and one destroy_many job; missing and repeated organizations delivered', async () => {
    findOrganizations('a,b,c,ghost', a, b, c)
    destroyMany('organizations', '7001,7002,7003', [
      failed(7002, 'RecordNotFound'),
      deleted(7001),
      failed(7003, 'PermissionDenied')
    ])
    const results = await deleteBatch('upsertOrganization', [
      group('a'),
      group('a'),
      group('b'),
      group('c'),
      group('ghost')
    ])
    expect(outcomes(results)).toEqual([
      { id: 7001, status: 'Deleted' },
      { id: 7001, status: 'Deleted' },
      // Already gone: as the delete asked.
      { id: 7002, status: 'Deleted' },
      403,
      { id: null, status: 'Not found, nothing to delete' }
    ])
    expect(requestLines()).toEqual([
      'GET /api/v2/organizations/show_many?external_ids=a,b,c,ghost',
      'DELETE /api/v2/organizations/destroy_many?ids=7001,7002,7003',
      'GET /api/v2/job_statuses/V3-d'
    ])
  })

  it('a submission answered 500 fails the events of the organizations found, retryably', async () => {
    findOrganizations('a,b,c,ghost', a, b, c)
    zendesk().delete('/api/v2/organizations/destroy_many').query(true).reply(500, { error: 'InternalError' })
    const results = await deleteBatch('upsertOrganization', ['a', 'b', 'c', 'ghost'].map(group))
    expect(outcomes(results)).toEqual([500, 500, 500, { id: null, status: 'Not found, nothing to delete' }])
  })

  it('a failed lookup fails its events and deletes nothing', async () => {
    zendesk().get('/api/v2/organizations/show_many').query(true).reply(503, 'Maintenance', { 'Retry-After': '5' })
    const results = await deleteBatch('upsertOrganization', ['a', 'b', 'c'].map(group))
    expect(outcomes(results)).toEqual([503, 503, 503])
    expect(requestLines()).toEqual(['GET /api/v2/organizations/show_many?external_ids=a,b,c'])
  })
})
