import { idempotencyKeyOf } from '../../../src/destinations/zendesk/client/tickets'

describe('the Idempotency-Key of a ticket create', () => {
  it('is stable for one account and external_id, and differs between accounts and between external_ids', () => {
    const key = idempotencyKeyOf('https://acme.zendesk.com', 'order-1234')
    expect(idempotencyKeyOf('https://acme.zendesk.com', 'order-1234')).toBe(key)
    expect(idempotencyKeyOf('https://other.zendesk.com', 'order-1234')).not.toBe(key)
    expect(idempotencyKeyOf('https://acme.zendesk.com', 'order-1235')).not.toBe(key)
  })

  it('fits a header whatever the external_id holds (hashed: no spaces, line breaks or non-ASCII, under 255 characters)', () => {
    const key = idempotencyKeyOf('https://acme.zendesk.com', 'commande n° 12\n34 — ✓'.repeat(40))
    expect(key).toMatch(/^actions-zendesk-ticket-[0-9a-f]{64}$/)
    expect(key.length).toBeLessThan(255)
  })
})
