import nock from 'nock'
import { quote } from '../../src/destinations/zendesk/client/quote'
import { destination, presetSubscription, resetState, settings } from './support'

describe('quote', () => {
  it('JSON-quotes short values as they are', () => {
    expect(quote('acme')).toBe('"acme"')
    expect(quote(42)).toBe('42')
    expect(quote(undefined)).toBe('undefined')
  })

  it('cuts long values and says how long they were', () => {
    const quoted = quote('x'.repeat(100_000))
    expect(quoted.length).toBeLessThan(160)
    expect(quoted).toMatch(/^"x+…\(100002 characters\)$/)
  })
})

describe('error messages stay short whatever the input size', () => {
  beforeEach(() => {
    resetState()
    nock.disableNetConnect()
  })
  afterEach(() => nock.enableNetConnect())

  const huge = 'z'.repeat(100_000)
  const cases: [string, Record<string, unknown>][] = [
    ['updateTicket', { type: 'track', event: 'Ticket Updated', properties: { ticket_id: huge, status: 'open' } }],
    [
      'createTicket',
      {
        type: 'track',
        event: 'Ticket Created',
        messageId: 'm1',
        userId: 'u1',
        properties: { comment: 'hi', priority: huge }
      }
    ],
    ['trackEvent', { type: 'track', event: 'Article Read', context: { zendesk_user_id: huge }, properties: {} }]
  ]

  it.each(cases)('%s rejects a 100 KB value with a message under 1000 characters', async (action, event) => {
    const error: any = await destination()
      .onEvent(event as any, { ...settings, subscriptions: [presetSubscription(action)] } as any)
      .catch((e) => e)
    expect(error.status).toBe(400)
    expect(error.message.length).toBeLessThan(1000)
    expect(error.message).toContain('characters')
  })
})
