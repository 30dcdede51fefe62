import { SYSTEM_TICKET_FIELD_TYPES, useSimulator } from './helpers'

describe('simulator user and organization fields', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })

  it('creates fields with 201, text by default', async () => {
    const res = await ctx.api('POST', 'user_fields.json', { user_field: { key: 'plan', title: 'Plan' } })
    expect(res.status).toBe(201)
    expect(res.body.user_field).toMatchObject({ key: 'plan', title: 'Plan', type: 'text', active: true })
    expect(res.headers.get('location')).toBe(res.body.user_field.url)
    const org = await ctx.api('POST', 'organization_fields.json', { organization_field: { key: 'url', title: 'URL' } })
    expect(org.status).toBe(201)
    expect(ctx.sim.state().userFields.map((f) => f.key)).toEqual(['plan'])
    expect(ctx.sim.state().organizationFields.map((f) => f.key)).toEqual(['url'])
  })

  it('enforces the key rule and unique keys', async () => {
    const create = (key: string) => ctx.api('POST', 'user_fields.json', { user_field: { key, title: key } })
    expect((await create('plan_2')).status).toBe(201)
    for (const key of ['12345', 'has space', 'dash-key']) expect((await create(key)).status).toBe(422)
    const duplicate = await create('plan_2')
    expect(duplicate.status).toBe(422)
    expect(duplicate.body.details).toEqual({
      key: [{ description: 'Key: has already been taken', error: 'DuplicateValue' }]
    })
  })

  it('pages with cursors (links.next back to the simulator) and with offsets', async () => {
    for (let i = 0; i < 5; i++) ctx.sim.seed.userField({ key: `f${i}` })
    const first = await ctx.api('GET', 'user_fields.json?page[size]=2')
    expect(first.body.user_fields.map((f: { key: string }) => f.key)).toEqual(['f0', 'f1'])
    expect(first.body.meta.has_more).toBe(true)
    expect(first.body.links.next.startsWith(`${ctx.sim.url}/api/v2/user_fields.json?`)).toBe(true)

    const keys: string[] = []
    let next: string | null = `${ctx.sim.url}/api/v2/user_fields.json?page%5Bsize%5D=2`
    while (next) {
      const page: { body: any } = await ctx.api('GET', next.slice(ctx.sim.url.length))
      keys.push(...page.body.user_fields.map((f: { key: string }) => f.key))
      next = page.body.meta.has_more ? page.body.links.next : null
    }
    expect(keys).toEqual(['f0', 'f1', 'f2', 'f3', 'f4'])

    const offset = await ctx.api('GET', 'user_fields.json?per_page=3&page=2')
    expect(offset.body.user_fields.map((f: { key: string }) => f.key)).toEqual(['f3', 'f4'])
    expect(offset.body).toMatchObject({ count: 5, next_page: null })
    expect(offset.body.previous_page).toContain('page=1')
    expect((await ctx.api('GET', 'organization_fields.json')).body).toEqual({
      organization_fields: [],
      next_page: null,
      previous_page: null,
      count: 0
    })
  })
})

describe("simulator ticket-side catalog of a 'default' account", () => {
  const ctx = useSimulator('default')

  it('lists the ticket-side catalog (ticket fields, groups, brands, forms) with pagination', async () => {
    ctx.sim.seed.ticketField({ title: 'Plan', type: 'tagger', options: [{ name: 'Gold', value: 'gold' }] })
    ctx.sim.seed.group('Billing')
    ctx.sim.seed.brand('Acme Labs')
    ctx.sim.seed.ticketForm('Refund request')
    const fields = await ctx.api('GET', 'ticket_fields.json')
    expect(fields.body.ticket_fields).toEqual([
      ...SYSTEM_TICKET_FIELD_TYPES.map((type) => expect.objectContaining({ type, removable: false })),
      expect.objectContaining({
        title: 'Plan',
        type: 'tagger',
        active: true,
        removable: true,
        custom_field_options: [expect.objectContaining({ name: 'Gold', value: 'gold' })]
      })
    ])
    const groups = await ctx.api('GET', 'groups.json?page[size]=1')
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(['Support'])
    expect(groups.body.meta.has_more).toBe(true)
    const names = async (path: string, key: string) =>
      (await ctx.api('GET', path)).body[key].map((r: { name: string }) => r.name)
    expect(await names('groups.json', 'groups')).toEqual(['Support', 'Billing'])
    expect(await names('brands.json', 'brands')).toEqual(['Acme', 'Acme Labs'])
    expect(await names('ticket_forms.json', 'ticket_forms')).toEqual(['Default Ticket Form', 'Refund request'])
  })
})
