import { defaultValues } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import definition from '../../src'

/** The presets of the design: action key → title and default subscription, exactly. */
const DESIGNED_PRESETS: Record<string, { title: string; subscribe: string }> = {
  upsertUser: { title: 'Upsert User', subscribe: 'type = "identify"' },
  updateOrganizationMembership: {
    title: 'Update Organization Membership',
    subscribe: 'type = "identify" and traits.company.id != null'
  },
  upsertOrganization: { title: 'Upsert Organization', subscribe: 'type = "group"' },
  trackEvent: {
    title: 'Track Event',
    subscribe: 'type = "track" and event != "Ticket Created" and event != "Ticket Updated"'
  },
  createTicket: { title: 'Create Ticket', subscribe: 'type = "track" and event = "Ticket Created"' },
  updateTicket: { title: 'Update Ticket', subscribe: 'type = "track" and event = "Ticket Updated"' }
}

/** The action that only runs where the user subscribes it (it writes to the custom object they choose). */
const CUSTOM_OBJECT_ACTION = 'upsertCustomObjectRecord'

const EVENTS: [string, Record<string, unknown>, string[]][] = [
  ['identify', { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com' } }, ['upsertUser']],
  [
    'identify with traits.company.id',
    { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', company: { id: 'acme', name: 'Acme' } } },
    ['upsertUser', 'updateOrganizationMembership']
  ],
  [
    'identify with a company but no id',
    { type: 'identify', userId: 'u1', traits: { company: { name: 'Acme' } } },
    ['upsertUser']
  ],
  ['group', { type: 'group', userId: 'u1', groupId: 'acme', traits: { name: 'Acme' } }, ['upsertOrganization']],
  ['track "Article Read"', { type: 'track', userId: 'u1', event: 'Article Read' }, ['trackEvent']],
  ['track "Order Completed"', { type: 'track', userId: 'u1', event: 'Order Completed' }, ['trackEvent']],
  ['track "Ticket Created"', { type: 'track', userId: 'u1', event: 'Ticket Created' }, ['createTicket']],
  ['track "Ticket Updated"', { type: 'track', userId: 'u1', event: 'Ticket Updated' }, ['updateTicket']],
  ['track "ticket created" (other case)', { type: 'track', userId: 'u1', event: 'ticket created' }, ['trackEvent']],
  ['page', { type: 'page', userId: 'u1', name: 'Home' }, []],
  ['screen', { type: 'screen', userId: 'u1', name: 'Home' }, []],
  ['alias', { type: 'alias', userId: 'u1', previousId: 'a1' }, []]
]

const presets = definition.presets as any[]

describe('presets', () => {
  it('there is exactly one automatic preset per action of the design', () => {
    expect(presets.map((p) => p.partnerAction).sort()).toEqual(Object.keys(DESIGNED_PRESETS).sort())
    for (const preset of presets) expect(preset.type).toBe('automatic')
  })

  it('Upsert Custom Object Record is no preset: the user adds it for an object and the event they name', () => {
    expect(Object.keys(definition.actions)).toContain(CUSTOM_OBJECT_ACTION)
    expect(presets.some((p) => p.partnerAction === CUSTOM_OBJECT_ACTION)).toBe(false)
    // Its default subscription is what a mapping UI suggests when the user adds it.
    const suggested = definition.actions[CUSTOM_OBJECT_ACTION].defaultSubscription!
    expect(suggested).toBe('type = "track" and event = "Order Completed"')
    expect(parseFql(suggested)).not.toHaveProperty('error')
  })

  it('equal the design: action key, title (as name) and subscription', () => {
    const actual = Object.fromEntries(presets.map((p) => [p.partnerAction, { title: p.name, subscribe: p.subscribe }]))
    expect(actual).toEqual(DESIGNED_PRESETS)
  })

  it.each(Object.keys(DESIGNED_PRESETS))('%s: the preset subscription is the action default and parses', (key) => {
    const preset = presets.find((p) => p.partnerAction === key)
    expect(preset.subscribe).toBe(definition.actions[key].defaultSubscription)
    expect(definition.actions[key].title).toBe(DESIGNED_PRESETS[key].title)
    expect(parseFql(preset.subscribe)).not.toHaveProperty('error')
  })

  it.each(Object.keys(DESIGNED_PRESETS))('%s: the preset mapping is defaultValues(fields)', (key) => {
    const preset = presets.find((p) => p.partnerAction === key)
    expect(preset.mapping).toEqual(defaultValues(definition.actions[key].fields))
  })

  it.each(EVENTS)('%s matches exactly %j', (_, event, expected) => {
    const matching = presets.filter((p) => validate(parseFql(p.subscribe), event)).map((p) => p.partnerAction)
    expect(matching.sort()).toEqual([...expected].sort())
  })
})
