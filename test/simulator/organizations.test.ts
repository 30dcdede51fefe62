import { useSimulator } from './helpers'

describe('simulator organizations', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })
  const upsert = (organization: Record<string, unknown>) =>
    ctx.api('POST', 'organizations/create_or_update.json', { organization })

  it('creates by external_id with 201, updates with 200, never matches by name', async () => {
    ctx.sim.seed.organizationField({ key: 'website' })
    const created = await upsert({
      external_id: 'Group-1',
      name: 'Acme',
      domain_names: 'acme.com',
      url: 'https://acme.com',
      organization_fields: { website: 'https://acme.com', plan: 'x' }
    })
    expect(created.status).toBe(201)
    expect(created.body.organization).toMatchObject({
      name: 'Acme',
      external_id: 'Group-1',
      domain_names: ['acme.com'],
      url: `https://acme.zendesk.com/api/v2/organizations/${created.body.organization.id}.json`,
      organization_fields: { website: 'https://acme.com' }
    })

    const updated = await upsert({ external_id: 'group-1', notes: 'key account', tags: ['vip'] })
    expect(updated.status).toBe(200)
    expect(updated.body.organization).toMatchObject({
      id: created.body.organization.id,
      notes: 'key account',
      tags: ['vip']
    })

    const byId = await upsert({ id: created.body.organization.id, details: 'Main St' })
    expect(byId.status).toBe(200)

    const sameName = await upsert({ name: 'acme' })
    expect(sameName.status).toBe(422)
    expect(sameName.body.details).toEqual({
      name: [{ description: 'Name: acme has already been taken', error: 'DuplicateValue' }]
    })
    expect((await upsert({ external_id: 'no-name' })).body.details.name[0].error).toBe('BlankValue')
    expect(ctx.sim.state().organizations).toHaveLength(1)
  })

  it('looks organizations up by external_id, name and show_many; GET/PUT/DELETE by id', async () => {
    const a = ctx.sim.seed.organization({ name: 'Acme', external_id: 'A1' })
    const b = ctx.sim.seed.organization({ name: 'Beta', external_id: 'B1' })
    expect((await ctx.api('GET', 'organizations/search.json?external_id=a1')).body).toEqual({
      organizations: [expect.objectContaining({ id: a.id })],
      next_page: null,
      previous_page: null,
      count: 1
    })
    expect((await ctx.api('GET', 'organizations/search.json?name=BETA')).body.organizations[0].id).toBe(b.id)
    const many = await ctx.api('GET', 'organizations/show_many.json?external_ids=B1,A1')
    expect(many.body.organizations.map((o: { id: number }) => o.id)).toEqual([b.id, a.id])
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(',')
    expect((await ctx.api('GET', `organizations/show_many.json?ids=${tooMany}`)).status).toBe(400)

    const put = await ctx.api('PUT', `organizations/${a.id}.json`, {
      organization: { domain_names: ['a.com', 'b.com'] }
    })
    expect(put.body.organization.domain_names).toEqual(['a.com', 'b.com'])
    expect((await ctx.api('DELETE', `organizations/${a.id}.json`)).status).toBe(204)
    expect((await ctx.api('GET', `organizations/${a.id}.json`)).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found'
    })
  })
})

describe('simulator organizations/destroy_many', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: { activeJobs: 1 } })
  const poll = async (id: string) => (await ctx.api('GET', `job_statuses/${id}.json`)).body.job_status

  it('a job that deletes the organizations (and their memberships) when it completes, counted as an active job', async () => {
    const acme = ctx.sim.seed.organization({ name: 'Acme', external_id: 'acme' })
    const beta = ctx.sim.seed.organization({ name: 'Beta', external_id: 'beta' })
    ctx.sim.seed.user({ name: 'Ann', organization_id: acme.id })
    const submitted = await ctx.api('DELETE', `organizations/destroy_many.json?ids=${acme.id},424242`)
    expect(submitted.body.job_status).toMatchObject({ status: 'queued', total: 2, results: null })
    expect((await ctx.api('DELETE', 'organizations/destroy_many.json?external_ids=beta')).status).toBe(429)
    expect(ctx.sim.state().organizations).toHaveLength(2)

    await poll(submitted.body.job_status.id)
    expect((await poll(submitted.body.job_status.id)).results).toEqual([
      { id: acme.id, action: 'delete', status: 'Deleted', success: true },
      { id: 424242, action: 'delete', success: false, error: 'RecordNotFound', details: 'Organization not found' }
    ])
    expect(ctx.sim.state().organizations.map((o) => o.id)).toEqual([beta.id])
    expect(ctx.sim.state().memberships).toEqual([])

    const byExternalId = await ctx.api('DELETE', 'organizations/destroy_many.json?external_ids=BETA')
    await poll(byExternalId.body.job_status.id)
    expect((await poll(byExternalId.body.job_status.id)).results).toEqual([
      { id: beta.id, action: 'delete', status: 'Deleted', success: true }
    ])
    expect(ctx.sim.state().organizations).toEqual([])
  })

  it('more than 100 ids: 400 TooManyValues', async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(',')
    expect((await ctx.api('DELETE', `organizations/destroy_many.json?ids=${tooMany}`)).status).toBe(400)
  })
})

describe('simulator organization memberships', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })
  const add = (user_id: number, organization_id: number) =>
    ctx.api('POST', 'organization_memberships.json', { organization_membership: { user_id, organization_id } })

  it('adds a membership (201, default first), refuses a duplicate with 422', async () => {
    const org = ctx.sim.seed.organization({ name: 'Acme' })
    const user = ctx.sim.seed.user({ name: 'Ann' })
    const res = await add(user.id, org.id)
    expect(res.status).toBe(201)
    expect(res.body.organization_membership).toMatchObject({ user_id: user.id, organization_id: org.id, default: true })
    expect(ctx.sim.state().users.find((u) => u.id === user.id)?.organization_id).toBe(org.id)

    const duplicate = await add(user.id, org.id)
    expect(duplicate.status).toBe(422)
    expect(duplicate.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { user_id: [{ description: 'User has already been taken', error: 'DuplicateValue' }] }
    })
  })

  it('refuses unknown organizations and users with BlankValue', async () => {
    const user = ctx.sim.seed.user({ name: 'Ann' })
    const org = ctx.sim.seed.organization({ name: 'Acme' })
    expect((await add(user.id, 12345)).body.details).toEqual({
      organization: [{ description: 'Organization cannot be blank', error: 'BlankValue' }]
    })
    expect((await add(12345, org.id)).body.details).toEqual({
      user: [{ description: 'User cannot be blank', error: 'BlankValue' }]
    })
  })

  it('organization_memberships/create_many: a job whose items are applied on completion; a duplicate or unknown user fails its item', async () => {
    const acme = ctx.sim.seed.organization({ name: 'Acme' })
    const [ann, bob] = [ctx.sim.seed.user({ name: 'Ann' }), ctx.sim.seed.user({ name: 'Bob' })]
    await add(ann.id, acme.id)
    const submitted = await ctx.api('POST', 'organization_memberships/create_many.json', {
      organization_memberships: [
        { user_id: bob.id, organization_id: acme.id },
        { user_id: ann.id, organization_id: acme.id },
        { user_id: 12345, organization_id: acme.id }
      ]
    })
    expect(submitted.status).toBe(200)
    expect(submitted.body.job_status).toMatchObject({ status: 'queued', total: 3, results: null })
    expect(ctx.sim.state().memberships).toHaveLength(1)

    const poll = async () => (await ctx.api('GET', `job_statuses/${submitted.body.job_status.id}.json`)).body.job_status
    await poll()
    const done = await poll()
    expect(done.status).toBe('completed')
    const bobs = ctx.sim.state().memberships.find((m) => m.user_id === bob.id)
    expect(done.results).toEqual([
      { id: bobs?.id, action: 'create', status: 'Created', success: true },
      { index: 1, error: 'OrganizationMembershipCreateFailed', details: 'User has already been taken' },
      { index: 2, error: 'OrganizationMembershipCreateFailed', details: 'User cannot be blank' }
    ])
    expect(
      ctx.sim
        .state()
        .memberships.map((m) => m.user_id)
        .sort()
    ).toEqual([ann.id, bob.id].sort())
  })

  it('organization_memberships/create_many takes at most 100 memberships', async () => {
    const memberships = Array.from({ length: 101 }, (_, i) => ({ user_id: i + 1, organization_id: 1 }))
    const res = await ctx.api('POST', 'organization_memberships/create_many.json', {
      organization_memberships: memberships
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('TooManyValues')
  })

  it('lists and removes memberships; removal is 204, then 404', async () => {
    const a = ctx.sim.seed.organization({ name: 'Acme' })
    const b = ctx.sim.seed.organization({ name: 'Beta' })
    const user = ctx.sim.seed.user({ name: 'Ann' })
    await add(user.id, b.id)
    await add(user.id, a.id)
    const ticket = ctx.sim.seed.ticket({ requester_id: user.id, organization_id: b.id, status: 'open' })

    const listed = await ctx.api('GET', `users/${user.id}/organization_memberships.json`)
    expect(listed.body.organization_memberships.map((m: { organization_name: string }) => m.organization_name)).toEqual(
      ['Beta', 'Acme']
    )

    const removed = await ctx.api('DELETE', `users/${user.id}/organizations/${b.id}.json`)
    expect(removed.status).toBe(204)
    expect(removed.body).toBe('')
    const state = ctx.sim.state()
    expect(state.memberships).toEqual([expect.objectContaining({ organization_id: a.id, default: true })])
    expect(state.users.find((u) => u.id === user.id)?.organization_id).toBe(a.id)
    expect(state.tickets.find((t) => t.id === ticket.id)?.organization_id).toBeNull()

    const again = await ctx.api('DELETE', `users/${user.id}/organizations/${b.id}.json`)
    expect(again.status).toBe(404)
    expect(again.body).toEqual({ error: 'RecordNotFound', description: 'Not found' })

    const membershipId = state.memberships[0].id
    expect((await ctx.api('DELETE', `organization_memberships/${membershipId}.json`)).status).toBe(204)
    expect((await ctx.api('GET', 'organization_memberships.json')).body.organization_memberships).toEqual([])
  })
})

describe('simulator answer variants for memberships and organization fields', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })
  const add = (user_id: number, organization_id: number) =>
    ctx.api('POST', 'organization_memberships.json', { organization_membership: { user_id, organization_id } })

  it.each([
    ['user-taken', { user_id: [{ description: 'User has already been taken', error: 'DuplicateValue' }] }],
    [
      'duplicate-value',
      {
        organization_membership: [
          {
            description: 'Organization membership: user is already assigned to this organization',
            error: 'DuplicateValue'
          }
        ]
      }
    ],
    ['taken-without-code', { user_id: [{ description: 'User has already been taken' }] }],
    ['bare', undefined]
  ] as const)(
    'duplicateMembership %s: a 422 RecordInvalid of that shape, single and in a job',
    async (answer, details) => {
      ctx.sim.setFaults({ variants: { duplicateMembership: answer } })
      const org = ctx.sim.seed.organization({ name: 'Acme' })
      const user = ctx.sim.seed.user({ name: 'Ann', organization_id: org.id })
      const duplicate = await add(user.id, org.id)
      expect(duplicate.status).toBe(422)
      expect(duplicate.body).toEqual({
        error: 'RecordInvalid',
        description: 'Record validation errors',
        ...(details ? { details } : {})
      })
      const job = await ctx.api('POST', 'organization_memberships/create_many.json', {
        organization_memberships: [{ user_id: user.id, organization_id: org.id }]
      })
      const id = job.body.job_status.id
      await ctx.api('GET', `job_statuses/${id}.json`)
      const { results, status } = (await ctx.api('GET', `job_statuses/${id}.json`)).body.job_status
      expect(status).toBe('failed')
      const description = details ? Object.values(details)[0][0].description : 'Record validation errors'
      expect(results).toEqual([{ index: 0, error: 'OrganizationMembershipCreateFailed', details: description }])
    }
  )

  it("organizationFieldValues: every defined key (null, false for a checkbox) or 'set-only'", async () => {
    ctx.sim.seed.organizationField({ key: 'website' })
    ctx.sim.seed.organizationField({ key: 'partner', type: 'checkbox' })
    ctx.sim.seed.organizationField({ key: 'tier', type: 'dropdown', options: [{ name: 'Gold', value: 'gold' }] })
    const created = await ctx.api('POST', 'organizations/create_or_update.json', {
      organization: { external_id: 'o1', name: 'Acme', organization_fields: { tier: 'gold' } }
    })
    expect(created.body.organization.organization_fields).toEqual({ website: null, partner: false, tier: 'gold' })
    ctx.sim.setFaults({ variants: { organizationFieldValues: 'set-only' } })
    const shown = await ctx.api('GET', `organizations/${created.body.organization.id}.json`)
    expect(shown.body.organization.organization_fields).toEqual({ tier: 'gold' })
  })
})
