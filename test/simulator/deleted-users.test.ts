import { useSimulator } from './helpers'

/** `deleted_users` and what the lookups by external_id show of a soft-deleted user. */
describe('simulator deleted users', () => {
  let now = Date.UTC(2026, 0, 1)
  const ctx = useSimulator('default', { clock: () => now })
  beforeEach(() => {
    now = Date.UTC(2026, 0, 1)
  })

  const softDeleted = async (externalId: string) => {
    const { id } = ctx.sim.seed.user({
      name: `User ${externalId}`,
      email: `${externalId}@example.com`,
      external_id: externalId
    })
    expect((await ctx.api('DELETE', `users/${id}.json`)).status).toBe(200)
    return id
  }
  const ids = (users: { id: number }[]) => users.map((user) => user.id)

  it('lists soft-deleted and permanently deleted users in id order, the latter without personal data', async () => {
    const ann = await softDeleted('ann')
    const bob = await softDeleted('bob')
    ctx.sim.seed.user({ name: 'Active', external_id: 'active' })
    expect((await ctx.api('DELETE', `deleted_users/${ann}.json`)).status).toBe(200)

    const { status, body } = await ctx.api('GET', 'deleted_users.json')
    expect(status).toBe(200)
    expect(ids(body.deleted_users)).toEqual([ann, bob])
    expect(body.deleted_users[0]).toMatchObject({
      id: ann,
      name: 'Permanently Deleted User',
      email: null,
      phone: null,
      active: false,
      url: `https://acme.zendesk.com/api/v2/deleted_users/${ann}`
    })
    expect(body.deleted_users[1]).toMatchObject({ id: bob, name: 'User bob', email: 'bob@example.com', active: false })
    // The reference documents no external_id on a deleted user: absent unless the variant shows it.
    expect(body.deleted_users[1]).not.toHaveProperty('external_id')
  })

  it('pages with cursors, 100 at most', async () => {
    for (let i = 0; i < 3; i++) await softDeleted(`u${i}`)
    const first = await ctx.api('GET', 'deleted_users.json?page[size]=2')
    expect(first.body.deleted_users).toHaveLength(2)
    expect(first.body.meta.has_more).toBe(true)
    const second = await ctx.api('GET', first.body.links.next.replace(ctx.sim.url, ''))
    expect(second.body.deleted_users).toHaveLength(1)
    expect(second.body.meta.has_more).toBe(false)
  })

  it('shows one soft-deleted user; an active or permanently deleted one is 404', async () => {
    const ann = await softDeleted('ann')
    const active = ctx.sim.seed.user({ name: 'Active' })
    expect((await ctx.api('GET', `deleted_users/${ann}.json`)).body.deleted_user).toMatchObject({
      id: ann,
      active: false
    })
    expect((await ctx.api('GET', `deleted_users/${active.id}.json`)).status).toBe(404)
    await ctx.api('DELETE', `deleted_users/${ann}.json`)
    expect((await ctx.api('GET', `deleted_users/${ann}.json`)).status).toBe(404)
    expect((await ctx.api('DELETE', `deleted_users/${ann}.json`)).status).toBe(404)
  })

  it('the deletedUserExternalId variant shows external_id on deleted users (null once deleted for good)', async () => {
    const ann = await softDeleted('ann')
    const bob = await softDeleted('bob')
    await ctx.api('DELETE', `deleted_users/${bob}.json`)
    ctx.sim.setFaults({ variants: { deletedUserExternalId: 'shown' } })
    const { body } = await ctx.api('GET', 'deleted_users.json')
    expect(body.deleted_users.map((u: any) => [u.id, u.external_id])).toEqual([
      [ann, 'ann'],
      [bob, null]
    ])
    expect((await ctx.api('GET', `deleted_users/${ann}.json`)).body.deleted_user.external_id).toBe('ann')
  })

  it('users/search and show_many by external_id leave soft-deleted users out, unless the variant lists them', async () => {
    const old = await softDeleted('dup')
    const current = ctx.sim.seed.user({ name: 'Again', external_id: 'DUP' })
    const search = async () => ids((await ctx.api('GET', 'users/search.json?external_id=dup')).body.users)
    const showMany = async () => ids((await ctx.api('GET', 'users/show_many.json?external_ids=dup')).body.users)
    expect(await search()).toEqual([current.id])
    expect(await showMany()).toEqual([current.id])

    ctx.sim.setFaults({ variants: { softDeletedUsers: 'listed' } })
    expect(await search()).toEqual([old, current.id])
    expect(await showMany()).toEqual([old, current.id])
    const listed = (await ctx.api('GET', 'users/search.json?external_id=dup')).body.users
    expect(listed.map((u: any) => u.active)).toEqual([false, true])
  })

  it('700 permanent deletions every 10 minutes; the 701st is 429 with Retry-After and deletes nothing', async () => {
    const users = Array.from({ length: 701 }, (_, i) => ctx.sim.seed.user({ name: `U${i}`, active: false }).id)
    for (const id of users.slice(0, 700)) expect((await ctx.api('DELETE', `deleted_users/${id}.json`)).status).toBe(200)
    now += 4 * 60_000
    const refused = await ctx.api('DELETE', `deleted_users/${users[700]}.json`)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('360')
    expect(ctx.sim.state().users.find((u) => u.id === users[700])).toMatchObject({ active: false })
    now += 6 * 60_000
    expect((await ctx.api('DELETE', `deleted_users/${users[700]}.json`)).status).toBe(200)
  })
})
