import nock from 'nock'
import { Destination } from '@segment/actions-core'
import definition from '../../src'
import { clearFieldCache } from '../../src/destinations/zendesk/client/fields'
import { configureJobPolling } from '../../src/destinations/zendesk/client/jobs'

const settings = { subdomain: 'acme', email: 'agent@example.com', api_token: 'tok123' }
const base = 'https://acme.zendesk.com'

beforeEach(() => {
  nock.cleanAll()
  clearFieldCache()
  configureJobPolling({ firstWaitMs: 1, maxWaitMs: 2, budgetMs: 1000 })
})

test('identify through the preset upserts a user', async () => {
  const destination = new Destination(definition)
  const preset = definition.presets![0] as any
  nock(base)
    .get('/api/v2/user_fields')
    .query(true)
    .reply(200, { user_fields: [{ id: 1, key: 'plan', type: 'text' }], meta: { has_more: false } })
  let body: any
  nock(base)
    .post('/api/v2/users/create_or_update', (b) => ((body = b), true))
    .reply(201, { user: { id: 42 } })
  const results = await destination.onEvent(
    { type: 'identify', userId: 'u1', traits: { email: 'a@example.com', first_name: 'A', last_name: 'B', plan: 'pro', x: 1 } } as any,
    { ...settings, subscription: { subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping } } as any
  )
  expect(body).toEqual({ user: { email: 'a@example.com', name: 'A B', external_id: 'u1', user_fields: { plan: 'pro' }, skip_verify_email: false } })
  expect(JSON.stringify(results)).toContain('42')
})

test('batch upsert follows the job', async () => {
  const destination = new Destination(definition)
  const preset = definition.presets![0] as any
  nock(base).get('/api/v2/user_fields').query(true).reply(200, { user_fields: [] })
  nock(base).post('/api/v2/users/create_or_update_many').reply(200, { job_status: { id: 'V3-abc', status: 'queued', results: null } })
  nock(base).get('/api/v2/job_statuses/V3-abc').reply(200, { job_status: { id: 'V3-abc', status: 'working', results: null } })
  nock(base).get('/api/v2/job_statuses/V3-abc').reply(200, {
    job_status: { id: 'V3-abc', status: 'completed', results: [{ index: 0, id: 1, status: 'Created' }, { index: 1, error: 'EmailInvalid', details: 'Email: bad is not properly formatted' }] }
  })
  const results = await destination.onBatch(
    [
      { type: 'identify', userId: 'u1', traits: { email: 'a@example.com', name: 'A' } },
      { type: 'identify', userId: 'u2', traits: { email: 'bad', name: 'B' } },
      { type: 'identify', traits: { name: 'C' } }
    ] as any,
    { ...settings, subscription: { subscribe: preset.subscribe, partnerAction: preset.partnerAction, mapping: preset.mapping } } as any
  )
  console.log(JSON.stringify(results, null, 1))
})
