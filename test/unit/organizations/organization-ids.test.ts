import nock from 'nock'
import { createRequestClient, type SegmentEvent } from '@segment/actions-core'
import { ZendeskClient } from '../../../src/destinations/zendesk/client'
import {
  findOrganizations,
  rememberOrganization,
  type OrganizationTarget
} from '../../../src/destinations/zendesk/lookups/organizations'
import { instanceOf, type Instance } from '../../../src/destinations/zendesk/instance'
import {
  organization,
  recordInvalid,
  requestLines,
  searchResult,
  sendEvent,
  useNockZendesk,
  usersFound,
  zendesk
} from './helpers'

useNockZendesk()

/** One destination instance per test: its clients share its caches, whatever account they write to. */
let instance: Instance
beforeEach(() => {
  instance = instanceOf()
})

const clientFor = (subdomain: string) =>
  new ZendeskClient(createRequestClient(), { subdomain, oauth_token: 'oauth-tok' }, instance)

/** The lookup of one organization, as an event's lookup makes it. */
async function lookUpOrganization(client: ZendeskClient, externalId: string): Promise<OrganizationTarget> {
  const found = (await findOrganizations(client, [externalId])).get(externalId.toLowerCase())!
  if (!found.ok) throw found.error
  return found.value
}

const identify = (company: Record<string, unknown>, userId = '12345') =>
  ({ type: 'identify', userId, traits: { company } }) as Partial<SegmentEvent>

const membership = (event: Partial<SegmentEvent>) => sendEvent('updateOrganizationMembership', event)

const findOrganizationBy = (externalId: string, ...found: unknown[]) =>
  zendesk()
    .get('/api/v2/organizations/show_many')
    .query({ external_ids: externalId })
    .reply(200, searchResult(...found))

const findUser = (externalId: string, id: number) =>
  zendesk()
    .get('/api/v2/users/show_many')
    .query({ external_ids: externalId })
    .reply(200, usersFound({ id, external_id: externalId }))

const acceptMembership = (userId: number, organizationId: number) =>
  zendesk()
    .post('/api/v2/organization_memberships', {
      organization_membership: { user_id: userId, organization_id: organizationId }
    })
    .reply(201, { organization_membership: { id: 1, user_id: userId, organization_id: organizationId } })

describe('organization ids are cached by external_id', () => {
  it('an organization found once is not looked up again for the next membership', async () => {
    findOrganizationBy('acme', organization(7001, 'acme'))
    findUser('u1', 51)
    acceptMembership(51, 7001)
    findUser('u2', 52)
    acceptMembership(52, 7001)
    await membership(identify({ id: 'acme' }, 'u1'))
    expect(await membership(identify({ id: 'ACME' }, 'u2'))).toEqual({ organization_id: 7001, membership: 'added' })
    expect(requestLines().filter((line) => line.includes('organizations/s'))).toHaveLength(1)
  })

  it('per account: the same external_id in another account is looked up there', async () => {
    findOrganizationBy('acme', organization(7001, 'acme'))
    nock('https://other.zendesk.com')
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'acme' })
      .reply(200, searchResult(organization(9001, 'acme')))
    expect((await lookUpOrganization(clientFor('acme'), 'acme')).id).toBe(7001)
    expect((await lookUpOrganization(clientFor('other'), 'acme')).id).toBe(9001)
    expect(await lookUpOrganization(clientFor('acme'), 'acme')).toEqual({ externalId: 'acme', id: 7001, cached: true })
  })

  it('an organization that does not exist is not cached: it is looked up again, as it may be created any moment', async () => {
    findOrganizationBy('later')
    findOrganizationBy('later', organization(7005, 'later'))
    expect((await lookUpOrganization(clientFor('acme'), 'later')).id).toBeUndefined()
    expect((await lookUpOrganization(clientFor('acme'), 'later')).id).toBe(7005)
  })

  it('a batch lookup asks show_many only for the organizations not cached', async () => {
    rememberOrganization(clientFor('acme'), 'a', 7001)
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'b,c' })
      .reply(200, searchResult(organization(7002, 'B')))
    const found = await findOrganizations(clientFor('acme'), ['A', 'b', 'c', 'a'])
    expect([...found.values()]).toEqual([
      { ok: true, value: { externalId: 'A', id: 7001, cached: true } },
      { ok: true, value: { externalId: 'b', id: 7002 } },
      { ok: true, value: { externalId: 'c' } }
    ])
  })

  it('is bounded in age: an id older than 10 minutes is looked up again', async () => {
    const now = Date.now()
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now)
    try {
      findOrganizationBy('acme', organization(7001, 'acme'))
      await lookUpOrganization(clientFor('acme'), 'acme')
      clock.mockReturnValue(now + 10 * 60 * 1000 - 1)
      expect((await lookUpOrganization(clientFor('acme'), 'acme')).cached).toBe(true)
      clock.mockReturnValue(now + 10 * 60 * 1000 + 1)
      findOrganizationBy('acme', organization(7001, 'acme'))
      expect((await lookUpOrganization(clientFor('acme'), 'acme')).cached).toBeUndefined()
    } finally {
      clock.mockRestore()
    }
  })

  it('is bounded in size: beyond 5,000 organizations the least recently used id is looked up again', async () => {
    const client = clientFor('acme')
    for (let n = 1; n <= 5001; n++) rememberOrganization(client, `org-${n}`, n)
    expect((await lookUpOrganization(client, 'org-5001')).cached).toBe(true)
    findOrganizationBy('org-1', organization(1, 'org-1'))
    expect((await lookUpOrganization(client, 'org-1')).cached).toBeUndefined()
  })

  it('remove: a 404 for a cached id asks Zendesk which organization is current, and removes from that one', async () => {
    findOrganizationBy('acme', organization(7001, 'acme'))
    findUser('12345', 55)
    acceptMembership(55, 7001)
    await membership(identify({ id: 'acme' }))
    // The organization was deleted and made again under a new id since.
    zendesk()
      .delete('/api/v2/users/55/organizations/7001')
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
    // The user's id was cached too: it is asked for again, and is still current.
    findUser('12345', 55)
    findOrganizationBy('acme', organization(7002, 'acme'))
    zendesk().delete('/api/v2/users/55/organizations/7002').reply(204)
    expect(await membership(identify({ id: 'acme', remove: true }))).toEqual({
      organization_id: 7002,
      membership: 'removed'
    })
  })

  it('remove: a 404 for a cached id that is still current is "not a member", without a second DELETE', async () => {
    findOrganizationBy('acme', organization(7001, 'acme'))
    findUser('12345', 55)
    acceptMembership(55, 7001)
    await membership(identify({ id: 'acme' }))
    zendesk()
      .delete('/api/v2/users/55/organizations/7001')
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
    findUser('12345', 55)
    findOrganizationBy('acme', organization(7001, 'acme'))
    expect((await membership(identify({ id: 'acme', remove: true }))).membership).toBe('not a member')
  })

  it('remove: a 404 for a cached user id asks Zendesk which user is current, and removes that one', async () => {
    findOrganizationBy('acme', organization(7001, 'acme'))
    findUser('12345', 55)
    acceptMembership(55, 7001)
    await membership(identify({ id: 'acme' }))
    // The user was deleted and made again under a new id since.
    zendesk()
      .delete('/api/v2/users/55/organizations/7001')
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
    findUser('12345', 56)
    zendesk().delete('/api/v2/users/56/organizations/7001').reply(204)
    expect(await membership(identify({ id: 'acme', remove: true }))).toEqual({
      organization_id: 7001,
      membership: 'removed'
    })
  })

  it('add: a cached id Zendesk calls blank is looked up again and the membership added to the current organization', async () => {
    findOrganizationBy('acme', organization(7001, 'acme'))
    findUser('12345', 55)
    acceptMembership(55, 7001)
    await membership(identify({ id: 'acme' }))
    zendesk()
      .post('/api/v2/organization_memberships', { organization_membership: { user_id: 55, organization_id: 7001 } })
      .reply(422, recordInvalid('organization', 'Organization cannot be blank', 'BlankValue'))
    findOrganizationBy('acme', organization(7002, 'acme'))
    acceptMembership(55, 7002)
    expect(await membership(identify({ id: 'acme' }))).toEqual({ organization_id: 7002, membership: 'added' })
  })

  it('Upsert Organization remembers the id it saved and forgets the id of an organization it deletes', async () => {
    zendesk()
      .post('/api/v2/organizations/create_or_update')
      .reply(201, { organization: organization(7001, 'acme') })
    await sendEvent('upsertOrganization', { type: 'group', groupId: 'acme', traits: { name: 'Acme' } })
    findUser('12345', 55)
    acceptMembership(55, 7001)
    await membership(identify({ id: 'acme' }))
    expect(requestLines().filter((line) => line.includes('organizations/s'))).toEqual([])

    // Deleting looks the organization up again, whatever the cache holds.
    findOrganizationBy('acme', organization(7001, 'acme'))
    zendesk().delete('/api/v2/organizations/7001').reply(204)
    await sendEvent('upsertOrganization', { type: 'group', groupId: 'acme', traits: { deleted: true } })
    findOrganizationBy('acme')
    expect(await membership(identify({ id: 'acme', remove: true }))).toEqual({
      organization_id: null,
      membership: 'no such organization'
    })
  })
})
