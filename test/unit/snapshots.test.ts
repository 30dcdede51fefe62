import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import { generateTestData } from '@segment/action-destinations/dist/lib/test-data'
import definition from '../../src'
import { testDefinition } from '../helpers/destination-state'
import { BASE_URL, settings } from './support'

/** Plausible Zendesk answers for whatever an action asks: empty lists for lookups, a record for writes. */
const EMPTY_LOOKUP = {
  users: [],
  organizations: [],
  tickets: [],
  organization_memberships: [],
  user_fields: [],
  organization_fields: [],
  custom_object_fields: [],
  custom_object_records: [],
  results: [],
  count: 0,
  next_page: null,
  meta: { has_more: false }
}
const WRITTEN = {
  user: { id: 1001, name: 'Snapshot User' },
  organization: { id: 2001, name: 'Snapshot Org' },
  organization_membership: { id: 3001, user_id: 1001, organization_id: 2001 },
  organization_field: { id: 4001, key: 'snapshot', type: 'text' },
  ticket: { id: 5001 },
  custom_object_record: { id: '01SNAPSHOTRECORD', external_id: 'snapshot', name: 'Snapshot Record' },
  job_status: { id: 'V3-snapshot', status: 'completed', results: [] }
}

interface WriteRequest {
  method: string
  path: string
  body: unknown
}

/** Answers every request to the account and records the writes (their method, path and JSON body). */
function recordWrites(): WriteRequest[] {
  const writes: WriteRequest[] = []
  const scope = nock(BASE_URL).persist()
  scope.get(/.*/).reply(200, EMPTY_LOOKUP)
  for (const method of ['post', 'put', 'patch', 'delete'] as const) {
    scope[method](/.*/).reply(function (path, body) {
      writes.push({ method: this.req.method, path, body })
      return [method === 'post' ? 201 : 200, WRITTEN]
    })
  }
  return writes
}

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())
beforeEach(() => nock.cleanAll())

describe('request bodies from generated test data', () => {
  for (const actionKey of Object.keys(definition.actions)) {
    for (const [label, requiredOnly] of [
      ['required fields', true],
      ['all fields', false]
    ] as const) {
      it(`${actionKey} [${label}]`, async () => {
        const seed = `${definition.slug}#${actionKey}`
        const action = definition.actions[actionKey]
        const [eventData, settingsData] = generateTestData(seed, definition, action, requiredOnly)
        // Generated credentials and subdomain would be random text: use valid fake ones instead.
        const generatedSettings = { ...settingsData }
        delete generatedSettings.oauth_token
        const event = createTestEvent({ properties: eventData })
        const writes = recordWrites()
        let error: string | undefined
        try {
          // A destination of its own per test: empty caches, test job polling.
          await createTestIntegration(testDefinition()).testAction(actionKey, {
            event,
            mapping: event.properties,
            settings: { ...generatedSettings, ...settings },
            useDefaultMappings: false
          })
        } catch (e) {
          error = (e as Error).message
        }
        expect({ writes, error }).toMatchSnapshot()
      })
    }
  }
})
