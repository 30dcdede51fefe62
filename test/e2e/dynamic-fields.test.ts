import type { DynamicFieldResponse, SegmentEvent } from '@segment/actions-core'
import {
  presetSubscriptions,
  resetDestinationState,
  simulatorSettings,
  startHarness,
  type SimulatorHarness
} from '../helpers/harness'

let harness: SimulatorHarness

beforeAll(async () => {
  harness = await startHarness({ account: 'bulk-import', endpointLimits: false })
})
afterAll(() => harness.close())
beforeEach(() => {
  harness.simulator.reset()
  resetDestinationState()
})

/** What a mapping UI calls to fill a field's choices. */
async function choicesFor(
  actionKey: string,
  fieldKey: string,
  page?: string,
  settings = simulatorSettings
): Promise<DynamicFieldResponse> {
  const answer = await harness.destination.executeDynamicField(actionKey, fieldKey, { settings, payload: {}, page })
  if (Array.isArray(answer)) throw new Error(`the destination has no action ${actionKey}`)
  return answer
}

const seed = () => harness.simulator.seed

describe('choices read from the simulated account', () => {
  it('ticket custom fields: keys with type and options, then the values of the chosen field', async () => {
    const plan = seed().ticketField({
      title: 'Plan',
      type: 'tagger',
      options: [
        { name: 'Basic', value: 'plan_basic' },
        { name: 'Pro', value: 'plan_pro' }
      ]
    })
    const vip = seed().ticketField({ title: 'VIP', type: 'checkbox' })
    expect(await choicesFor('createTicket', 'custom_fields.__keys__')).toEqual({
      choices: [
        {
          value: String(plan.id),
          label: 'Plan',
          description: 'Type: tagger; options: Basic (plan_basic), Pro (plan_pro)',
          type: 'string'
        },
        { value: String(vip.id), label: 'VIP', description: 'Type: checkbox', type: 'boolean' }
      ]
    })
    expect(await choicesFor('updateTicket', `custom_fields.${plan.id}`)).toEqual({
      choices: [
        { value: 'plan_basic', label: 'Basic' },
        { value: 'plan_pro', label: 'Pro' }
      ]
    })
    expect((await choicesFor('createTicket', `custom_fields.${vip.id}`)).choices.map((c) => c.value)).toEqual([
      'true',
      'false'
    ])
  })

  it('groups, brands, ticket forms and agents of Create Ticket', async () => {
    // The new account's own group, brand and form come first, then the seeded ones.
    const { groups, brands, ticketForms } = harness.simulator.state()
    const [support, acme, defaultForm] = [groups[0], brands[0], ticketForms[0]]
    const group = seed().group('Billing')
    const brand = seed().brand('Acme Labs')
    const form = seed().ticketForm('Refund request')
    seed().user({ name: 'Grace Hopper', email: 'grace@example.com', role: 'agent' })
    seed().user({ name: 'Ada Customer', email: 'ada@example.com' })
    expect(await choicesFor('createTicket', 'group_id')).toEqual({
      choices: [
        { value: String(support.id), label: 'Support' },
        { value: String(group.id), label: 'Billing' }
      ]
    })
    expect(await choicesFor('createTicket', 'brand_id')).toEqual({
      choices: [
        { value: String(acme.id), label: 'Acme' },
        { value: String(brand.id), label: 'Acme Labs' }
      ]
    })
    expect(await choicesFor('createTicket', 'ticket_form_id')).toEqual({
      choices: [
        { value: String(defaultForm.id), label: 'Default Ticket Form' },
        { value: String(form.id), label: 'Refund request' }
      ]
    })
    const agents = await choicesFor('createTicket', 'assignee_email')
    expect(agents.choices.map((c) => c.value).sort()).toEqual(['agent@example.com', 'grace@example.com'])
  })

  it('user field keys of Upsert User and organization field keys of Upsert Organization', async () => {
    seed().userField({ key: 'plan', title: 'Plan', type: 'text' })
    seed().organizationField({ key: 'seats', title: 'Seats', type: 'integer' })
    expect(await choicesFor('upsertUser', 'user_fields.__keys__')).toEqual({
      choices: [{ value: 'plan', label: 'Plan', description: 'Type: text', type: 'string' }]
    })
    expect(await choicesFor('upsertOrganization', 'organization_fields.__keys__')).toEqual({
      choices: [{ value: 'seats', label: 'Seats', description: 'Type: integer', type: 'integer' }]
    })
  })

  it('pages through more than 100 records with nextPage, one request per page', async () => {
    const names = Array.from({ length: 230 }, (_, i) => `Group ${String(i).padStart(3, '0')}`)
    names.forEach((name) => seed().group(name))
    const labels: string[] = []
    const pages: (string | undefined)[] = []
    let page: string | undefined
    do {
      const answer = await choicesFor('createTicket', 'group_id', page)
      expect(answer.error).toBeUndefined()
      labels.push(...answer.choices.map((c) => c.label))
      page = answer.nextPage
      pages.push(page)
    } while (page)
    expect(labels).toEqual(['Support', ...names])
    expect(pages.map(Boolean)).toEqual([true, true, false])
    const groupRequests = harness.simulator.requests.filter((r) => r.path.startsWith('/api/v2/groups'))
    expect(groupRequests.map((r) => r.query['page[size]'])).toEqual(['100', '100', '100'])
  })

  it('wrong credentials and an unavailable Zendesk are answered as errors', async () => {
    const wrong = { ...simulatorSettings, api_token: 'wrong-token' }
    expect(await choicesFor('createTicket', 'custom_fields.__keys__', undefined, wrong)).toEqual({
      choices: [],
      error: {
        code: '401',
        message:
          "Zendesk rejected the credentials (401): Couldn't authenticate you. Reconnect the Zendesk account, or check the legacy Email and API Token, or OAuth Token."
      }
    })
    harness.simulator.setFaults({ serverError: { count: 1, status: 503, path: '/api/v2/brands' } })
    const answer = await choicesFor('createTicket', 'brand_id')
    expect(answer.choices).toEqual([])
    expect(answer.error?.code).toBe('503')
    expect(answer.error?.message).toMatch(/^Zendesk is unavailable \(503\) for brands/)
  })
})

describe('values picked from the choices', () => {
  it('create a ticket with that form, group, brand, assignee and custom field value', async () => {
    const plan = seed().ticketField({ title: 'Plan', type: 'tagger', options: [{ name: 'Pro', value: 'plan_pro' }] })
    const seeded = [seed().group('Billing'), seed().brand('Acme Labs'), seed().ticketForm('Refund request')]
    // The last choice: the seeded record, listed after the account's default group, brand and form.
    const pick = async (fieldKey: string) => {
      const { choices } = await choicesFor('createTicket', fieldKey)
      return choices[choices.length - 1].value
    }
    const [fieldId, group, brand, form, assignee] = await Promise.all(
      ['custom_fields.__keys__', 'group_id', 'brand_id', 'ticket_form_id', 'assignee_email'].map(pick)
    )
    const value = (await choicesFor('createTicket', `custom_fields.${fieldId}`)).choices[0].value
    const preset = presetSubscriptions.find((s) => s.partnerAction === 'createTicket')!
    const mapping = {
      ...preset.mapping,
      custom_fields: { [fieldId]: value },
      group_id: group,
      brand_id: brand,
      ticket_form_id: form,
      assignee_email: assignee
    }
    const event: Partial<SegmentEvent> = {
      type: 'track',
      event: 'Ticket Created',
      messageId: 'picked-1',
      context: { traits: { email: 'ada@example.com' } },
      properties: { subject: 'Refund', comment: 'Please refund order 42' }
    }
    await harness.send(event, [{ ...preset, mapping }])
    const [ticket] = harness.simulator.state().tickets
    const agent = harness.simulator.state().users.find((u) => u.email === assignee)!
    expect([group, brand, form]).toEqual(seeded.map((record) => String(record.id)))
    expect(ticket).toMatchObject({
      group_id: Number(group),
      brand_id: Number(brand),
      ticket_form_id: Number(form),
      assignee_id: agent.id,
      custom_fields: [{ id: plan.id, value: 'plan_pro' }]
    })
  })
})
