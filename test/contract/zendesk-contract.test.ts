/**
 * The simulator against Zendesk's answers: for every route the destination calls, the answers Zendesk documents
 * or was recorded giving (status, content type, the keys a client relies on and their types, headers), checked
 * against what the simulator really answers. A change that makes the simulator drift from Zendesk fails here.
 */
import { readdirSync, readFileSync } from 'fs'
import { join } from 'path'
import type { Contract } from './zendesk/contract'
import { customObjectContracts } from './zendesk/custom-objects'
import { oauthContracts } from './zendesk/oauth'
import { organizationContracts } from './zendesk/organizations'
import { check, Simulators } from './zendesk/run'
import { ticketContracts } from './zendesk/tickets'
import { userContracts } from './zendesk/users'

const contracts: Contract[] = [
  ...userContracts,
  ...organizationContracts,
  ...ticketContracts,
  ...customObjectContracts,
  ...oauthContracts
]

/**
 * Every route the destination calls (src/destinations/zendesk/client), with ids as `:id`. The last test below
 * reads the client's source so that a route added there without a contract here fails.
 */
const DESTINATION_ROUTES = [
  'GET users/me',
  'POST users/create_or_update',
  'POST users/create_many',
  'POST users/create_or_update_many',
  'POST users',
  'PUT users/:id',
  'PUT users/update_many',
  'GET users/:id/identities',
  'PUT users/:id/identities/:id/make_primary',
  'PUT users/:id/identities/:id',
  'DELETE users/:id/identities/:id',
  'GET users/search',
  'GET users/show_many',
  'DELETE users/:id',
  'DELETE users/destroy_many',
  'DELETE deleted_users/:id',
  'GET deleted_users',
  'POST users/:id/events',
  'GET users',
  'GET users/:id/organization_memberships',
  'GET users/:id/identities',
  'GET organizations/:id/organization_memberships',
  'POST organizations',
  'PUT organizations/:id',
  'POST organizations/create_or_update',
  'GET organizations/search',
  'GET organizations/show_many',
  'POST organizations/create_many',
  'PUT organizations/update_many',
  'DELETE organizations/:id',
  'DELETE organizations/destroy_many',
  'POST organization_fields',
  'GET organization_fields',
  'GET user_fields',
  'POST organization_memberships',
  'POST organization_memberships/create_many',
  'DELETE users/:id/organizations/:id',
  'POST tickets',
  'GET tickets',
  'PUT tickets/:id',
  // no longer called: each ticket is one POST tickets with an Idempotency-Key
  'POST tickets/create_many',
  'PUT tickets/update_many',
  'GET ticket_fields',
  'GET ticket_fields/:id',
  'GET groups',
  'GET brands',
  'GET ticket_forms',
  'GET custom_objects',
  'GET custom_objects/:id/fields',
  'PATCH custom_objects/:id/records',
  'POST custom_objects/:id/records',
  'PATCH custom_objects/:id/records/:id',
  'DELETE custom_objects/:id/records',
  'GET custom_objects/:id/records',
  'POST custom_objects/:id/records/search',
  'POST custom_objects/:id/jobs',
  'GET job_statuses/:id',
  'GET job_statuses/show_many'
]

/**
 * The OAuth connection's routes: the token endpoint (outside /api/v2) the destination gets and refreshes tokens
 * from, and the OAuth Tokens API a host shows and revokes a connection with.
 */
const OAUTH_ROUTES = ['POST /oauth/tokens', 'GET oauth/tokens/current', 'DELETE oauth/tokens/:id']

const simulators = new Simulators()
afterAll(() => simulators.closeAll())

describe('the simulator answers as Zendesk does', () => {
  it.each(contracts.map((c) => [`${c.route}: ${c.answer} [${c.source}]`, c] as const))('%s', async (_, contract) => {
    expect(await check(contract, simulators)).toEqual([])
  })
})

describe('the contract covers the destination', () => {
  it('has at least one answer for every route the destination and the OAuth connection call', () => {
    const routes = [...DESTINATION_ROUTES, ...OAUTH_ROUTES]
    const covered = new Set(contracts.map((c) => c.route))
    expect(routes.filter((route) => !covered.has(route))).toEqual([])
    expect([...covered].filter((route) => !routes.includes(route))).toEqual([])
  })

  it('lists every API path written in the destination client', () => {
    const dir = join(__dirname, '../../src/destinations/zendesk/client')
    const source = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .join('\n')
    const resources =
      'users|deleted_users|organizations|organization_memberships|organization_fields|user_fields|tickets|ticket_fields|ticket_forms|groups|brands|custom_objects|job_statuses'
    const literal = new RegExp(`['\`]((?:${resources})(?:/[^'\`\\s]*)?)['\`]`, 'g')
    const paths = new Set([...source.matchAll(literal)].map((m) => m[1].replace(/\$\{[^}]+\}/g, ':id')))
    expect(paths.size).toBeGreaterThan(10)
    const known = new Set(DESTINATION_ROUTES.map((route) => route.split(' ')[1]))
    expect([...paths].filter((path) => !known.has(path))).toEqual([])
  })
})
