/** The contract test must fail when the simulator drifts: shown here with answers known to differ from Zendesk's. */
import type { AccountOptions } from '../simulator/helpers'
import { is, list, oneOf, problems } from './shape'
import type { Contract } from './zendesk/contract'
import { customObjectContracts } from './zendesk/custom-objects'
import { oauthContracts } from './zendesk/oauth'
import { organizationContracts } from './zendesk/organizations'
import { check, Simulators } from './zendesk/run'
import { ticketContracts } from './zendesk/tickets'
import { userContracts } from './zendesk/users'

const all = [
  ...userContracts,
  ...organizationContracts,
  ...ticketContracts,
  ...customObjectContracts,
  ...oauthContracts
]
const find = (route: string, answer: string): Contract => {
  const found = all.find((c) => c.route === route && c.answer.startsWith(answer))
  if (!found) throw new Error(`no contract ${route}: ${answer}`)
  return found
}

const simulators = new Simulators()
afterAll(() => simulators.closeAll())

describe('the contract catches a drifting simulator', () => {
  it.each([
    [
      'job results with an index Zendesk does not send',
      find('GET job_statuses/:id', 'users/create_many done'),
      { account: 'bulk-import', variants: { jobResultIndex: 'always' } },
      /results\[0\]\.index: should be absent/,
      undefined
    ],
    [
      'ticket create results without the recorded index',
      find('GET job_statuses/:id', 'tickets/create_many done'),
      { account: 'bulk-import', variants: { jobResultIndex: 'never' } },
      /results\[0\]\.index: missing/,
      undefined
    ],
    [
      'tickets without a brand or form (as the simulator once answered)',
      find('POST tickets', 'a new ticket'),
      { account: 'default' },
      /ticket\.brand_id: expected integer, got null/,
      (body: any) => Object.assign(body.ticket, { brand_id: null, ticket_form_id: null })
    ],
    [
      'bulk user import on in what should be a new account',
      find('POST users/create_or_update_many', 'a new account, bulk import off'),
      { account: 'bulk-import' },
      /status: expected 403, got 200/,
      undefined
    ],
    [
      'a token endpoint answering 201, as the OpenAPI file says',
      find('POST /oauth/tokens', 'client credentials (confidential client)'),
      {
        ...find('POST /oauth/tokens', 'client credentials (confidential client)').simulator,
        variants: { tokenAnswerStatus: 201 }
      },
      /status: expected 200, got 201/,
      undefined
    ],
    [
      'client credentials answered with a refresh token',
      find('POST /oauth/tokens', 'client credentials: no refresh token'),
      undefined,
      /body\.refresh_token: should be absent/,
      (body: any) => Object.assign(body, { refresh_token: 'r' })
    ],
    [
      'record job results in the shape of other jobs, not the records the simulator assumes',
      find('GET job_statuses/:id', 'a record job done'),
      { account: 'bulk-import', variants: { customObjectJobResults: 'indexed' } },
      /results\[0\]\.url: missing/,
      undefined
    ],
    [
      'a new account without the system ticket fields (as the simulator once started)',
      find('GET ticket_fields', 'a new account'),
      { account: 'default' },
      /expected at least 7 items, got 0/,
      (body: any) => body.ticket_fields.splice(0)
    ]
  ] as [string, Contract, AccountOptions | undefined, RegExp, ((body: any) => void) | undefined][])(
    '%s',
    async (_, contract, options, expected, drift) => {
      const found = await check(contract, simulators, options, drift)
      expect(found.join('\n')).toMatch(expected)
    }
  )

  it.each(['user-taken', 'duplicate-value', 'taken-without-code', 'bare'] as const)(
    'accepts every shape of the duplicate membership 422 (%s): Zendesk never showed which',
    async (duplicateMembership) => {
      const contract = find('POST organization_memberships', 'already a member')
      expect(await check(contract, simulators, { account: 'bulk-import', variants: { duplicateMembership } })).toEqual(
        []
      )
    }
  )
})

describe('shapes', () => {
  it('checks types, literals, patterns, absent keys, lists, tuples and alternatives', () => {
    expect(problems({ a: 1, b: 'x', c: null }, { a: 'integer', b: /^x$/, c: 'string|null' })).toEqual([])
    expect(problems({ a: 1.5 }, { a: 'integer' })).toEqual(['body.a: expected integer, got 1.5'])
    expect(problems({}, { a: 'any|null' })).toEqual(['body.a: missing'])
    expect(problems({ index: 0 }, { $absent: ['index'] })).toEqual(['body.index: should be absent'])
    expect(problems([1, 'x'], list('integer'))).toEqual(['body[1]: expected integer, got "x"'])
    expect(problems([], list('integer', 1))).toEqual(['body: expected at least 1 items, got 0'])
    expect(problems([1], ['integer', 'string'])).toEqual(['body: expected 2 items, got 1'])
    expect(problems('b', oneOf(is('a'), is('b')))).toEqual([])
    expect(problems('c', oneOf(is('a'), is('b')))).toHaveLength(1)
    expect(problems({ ok: false }, { ok: true })).toEqual(['body.ok: expected true, got false'])
    expect(() => problems(1, 'integr')).toThrow('Unknown type name')
  })
})
