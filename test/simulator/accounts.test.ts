import { NEW_ACCOUNT, startSimulator } from '../../src/simulator'
import { client, SYSTEM_TICKET_FIELD_TYPES, useSimulator } from './helpers'

describe('account kinds', () => {
  it("starts a simulator without `account` as the new account ('default')", async () => {
    expect(NEW_ACCOUNT).toBe('default')
    const sim = await startSimulator()
    try {
      expect(sim.account).toBe('default')
      const state = sim.state()
      expect(state.ticketFields.map((f) => f.type)).toEqual(SYSTEM_TICKET_FIELD_TYPES)
      expect([state.groups, state.brands, state.ticketForms].map((records) => records.map((r) => r.name))).toEqual([
        ['Support'],
        ['Acme'],
        ['Default Ticket Form']
      ])
      const api = client(sim)
      const users = { users: [{ name: 'Ann', email: 'ann@example.com' }] }
      expect((await api('POST', 'users/create_or_update_many.json', users)).status).toBe(403)
      const created = await api('POST', 'tickets.json', { ticket: { comment: { body: 'hi' } } })
      expect(created.body.ticket).toMatchObject({
        brand_id: state.brands[0].id,
        ticket_form_id: state.ticketForms[0].id
      })
      const updated = await api('PUT', `tickets/${created.body.ticket.id}.json`, { ticket: { status: 'open' } })
      expect(updated.headers.get('zendesk-rate-limit-tickets-update')).toMatch(/^total=100; remaining=99; resets=\d+$/)
    } finally {
      await sim.close()
    }
  })

  describe("'default': what Zendesk gives a new account", () => {
    const ctx = useSimulator('default')

    it('has the system ticket fields (not removable), one default group, brand and ticket form', async () => {
      const { body } = await ctx.api('GET', 'ticket_fields.json')
      expect(body.ticket_fields.map((f: { type: string }) => f.type)).toEqual(SYSTEM_TICKET_FIELD_TYPES)
      expect(body.ticket_fields.every((f: { removable: boolean }) => f.removable === false)).toBe(true)
      const groups = (await ctx.api('GET', 'groups.json')).body.groups
      const brands = (await ctx.api('GET', 'brands.json')).body.brands
      const forms = (await ctx.api('GET', 'ticket_forms.json')).body.ticket_forms
      expect(groups).toEqual([expect.objectContaining({ name: 'Support', default: true, deleted: false })])
      expect(brands).toEqual([
        expect.objectContaining({ name: 'Acme', default: true, active: true, subdomain: 'acme' })
      ])
      expect(forms).toEqual([expect.objectContaining({ name: 'Default Ticket Form', default: true, active: true })])
      expect(forms[0].ticket_field_ids).toEqual(body.ticket_fields.map((f: { id: number }) => f.id))
      expect(brands[0].ticket_form_ids).toEqual([forms[0].id])
    })

    it('gives every new ticket the default brand and ticket form unless it names others', async () => {
      const { brands, ticketForms } = ctx.sim.state()
      const plain = await ctx.api('POST', 'tickets.json', { ticket: { comment: { body: 'hi' } } })
      expect(plain.body.ticket).toMatchObject({ brand_id: brands[0].id, ticket_form_id: ticketForms[0].id })
      const named = await ctx.api('POST', 'tickets.json', {
        ticket: { comment: { body: 'hi' }, brand_id: 77, ticket_form_id: 88 }
      })
      expect(named.body.ticket).toMatchObject({ brand_id: 77, ticket_form_id: 88 })
      expect(ctx.sim.seed.ticket({ description: 'seeded' }).brand_id).toBe(brands[0].id)
    })

    it('answers bulk user import with 403 until the switch is on, which survives reset', async () => {
      const users = { users: [{ name: 'Ann', email: 'ann@example.com' }] }
      for (const path of ['users/create_many.json', 'users/create_or_update_many.json']) {
        const refused = await ctx.api('POST', path, users)
        expect(refused.status).toBe(403)
        expect(refused.body).toEqual({
          error: { title: 'Forbidden', message: expect.stringContaining('You do not have access to this page') }
        })
      }
      expect(ctx.sim.state().jobs).toEqual([])

      ctx.sim.setBulkImport(true)
      ctx.sim.reset()
      expect((await ctx.api('POST', 'users/create_many.json', users)).status).toBe(200)
      const switched = await ctx.api('POST', '/__simulator/bulk-import', { enabled: false }, {})
      expect(switched.body).toEqual({ bulk_import: false })
      expect((await ctx.api('POST', 'users/create_or_update_many.json', users)).status).toBe(403)
    })

    it('keeps the admin first, so its id does not depend on the account kind', () => {
      expect(ctx.sim.state().users[0]).toMatchObject({ id: 360000000001, role: 'admin' })
    })
  })

  describe("'bulk-import': a new account with bulk user import enabled", () => {
    const ctx = useSimulator('bulk-import')

    it('takes users/create_many and users/create_or_update_many, and has the new account catalog', async () => {
      const users = { users: [{ name: 'Ann', email: 'ann@example.com' }] }
      expect((await ctx.api('POST', 'users/create_many.json', users)).status).toBe(200)
      expect((await ctx.api('POST', 'users/create_or_update_many.json', users)).status).toBe(200)
      expect(ctx.sim.state().ticketFields).toHaveLength(SYSTEM_TICKET_FIELD_TYPES.length)
    })

    it('answers 403 again while the bulkImportDisabled fault is set', async () => {
      ctx.sim.setFaults({ bulkImportDisabled: true })
      expect((await ctx.api('POST', 'users/create_many.json', { users: [{ name: 'A' }] })).status).toBe(403)
    })
  })

  describe("'demo': a new account with a catalog for a mapping editor", () => {
    const ctx = useSimulator('demo')

    it('adds groups, brands, forms, agents and custom ticket, user and organization fields with options', async () => {
      const state = ctx.sim.state()
      expect(state.groups.map((g) => g.name)).toEqual(['Support', 'Billing', 'Tier 2'])
      expect(state.brands.map((b) => [b.name, b.default])).toEqual([
        ['Acme', true],
        ['Acme Labs', false]
      ])
      expect(state.ticketForms.map((f) => f.name)).toEqual(['Default Ticket Form', 'Bug report', 'Billing question'])
      const custom = state.ticketFields.filter((f) => f.removable)
      expect(custom.map((f) => f.type)).toEqual(
        expect.arrayContaining(['tagger', 'multiselect', 'text', 'integer', 'checkbox', 'date'])
      )
      expect(custom.find((f) => f.title === 'Product')?.custom_field_options?.map((o) => o.value)).toEqual([
        'mobile_app',
        'web_app',
        'api'
      ])
      expect(custom.some((f) => !f.active)).toBe(true)
      expect(state.userFields.find((f) => f.key === 'plan')?.custom_field_options).toHaveLength(3)
      expect(state.organizationFields.map((f) => f.type)).toEqual(['dropdown', 'text', 'integer', 'checkbox'])
      const agents = await ctx.api('GET', 'users.json?role[]=agent&role[]=admin')
      expect(agents.body.users).toHaveLength(3)
      expect((await ctx.api('POST', 'users/create_many.json', { users: [{ name: 'A' }] })).status).toBe(403)
    })

    it('filters ticket forms by ?active=', async () => {
      ctx.sim.seed.ticketForm('Old form', { active: false })
      const active = await ctx.api('GET', 'ticket_forms.json?active=true')
      expect(active.body.ticket_forms.map((f: { name: string }) => f.name)).not.toContain('Old form')
      expect((await ctx.api('GET', 'ticket_forms.json')).body.ticket_forms).toHaveLength(4)
    })
  })
})
