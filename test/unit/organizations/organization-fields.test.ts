import fc from 'fast-check'
import { PayloadValidationError } from '@segment/actions-core'
import { errorFromResponse } from '../../../src/destinations/zendesk/client/errors'
import { FieldListCache, FieldListsApi } from '../../../src/destinations/zendesk/client/field-lists'
import type { ZendeskHttp } from '../../../src/destinations/zendesk/client/http'
import type { CustomField } from '../../../src/destinations/zendesk/client/schemas'
import { snakeCase } from '../../../src/destinations/zendesk/fields/keys'
import type { NewOrganizationField, OrganizationsApi } from '../../../src/destinations/zendesk/client/organizations'
import {
  customFieldTraits,
  fieldTypeFor,
  organizationFieldPlans
} from '../../../src/destinations/zendesk/upsertOrganization/organization-fields'

/** An account with these organization fields; creating one adds it (or fails as `refuse` says). */
function account(fields: { key: string; type: string }[], refuse?: (field: NewOrganizationField) => Error | undefined) {
  const created: NewOrganizationField[] = []
  let listed = 0
  const http = {
    origin: 'https://acme.zendesk.com',
    listAll: async () => {
      listed++
      return fields.map((f, i) => ({ id: i + 1, ...f }))
    }
  } as unknown as ZendeskHttp
  const organizations = {
    createField: async (field: NewOrganizationField): Promise<CustomField> => {
      const refusal = refuse?.(field)
      if (refusal) throw refusal
      created.push(field)
      fields.push({ key: field.key, type: field.type })
      return { id: 100 + created.length, key: field.key, type: field.type }
    }
  } as unknown as OrganizationsApi
  // A cache of its own, as a fresh destination instance has.
  const client = { fieldLists: new FieldListsApi(http, new FieldListCache()), organizations }
  return { client, created, listed: () => listed }
}

/** The error the client throws for a 422 refusing the new field, as Zendesk sends it. */
const refusal = (field: string, code: string, description: string) =>
  errorFromResponse(
    {
      status: 422,
      headers: { get: () => null },
      content: JSON.stringify({
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { [field]: [{ error: code, description }] }
      })
    },
    'organization field'
  )

describe('fieldTypeFor', () => {
  it.each([
    [true, 'checkbox'],
    [false, 'checkbox'],
    [42, 'integer'],
    [-7, 'integer'],
    [2 ** 60, 'decimal'],
    [3.14, 'decimal'],
    ['2024-02-29', 'date'],
    ['2024-02-29T12:00:00Z', 'date'],
    ['2024-02-29T12:00:00.123+02:00', 'date'],
    ['2024-13-45', 'text'],
    ['29/02/2024', 'text'],
    ['42', 'text'],
    ['', 'text']
  ])('%j → %s', (value, type) => {
    expect(fieldTypeFor(value)).toBe(type)
  })
})

describe('customFieldTraits', () => {
  it('leaves out the standard traits and adds the website URL under "url"', () => {
    expect(
      customFieldTraits(
        { id: 'g1', name: 'Acme', domainNames: 'a.com', tags: [], url: 'ignored', deleted: false, plan: 'pro' },
        ' https://acme.com '
      )
    ).toEqual({ plan: 'pro', url: 'https://acme.com' })
    expect(customFieldTraits(undefined, '')).toEqual({})
  })
})

describe('organizationFieldPlans', () => {
  it('a date field gets the calendar date of an ISO timestamp; other types get the value as is', async () => {
    const { client } = account([
      { key: 'renewal', type: 'date' },
      { key: 'note', type: 'text' }
    ])
    const [plan] = await organizationFieldPlans(client, [
      { renewal: '2025-01-31T23:00:00-05:00', note: '2025-01-31T23:00:00Z' }
    ])
    expect(plan.values).toEqual({ renewal: '2025-01-31', note: '2025-01-31T23:00:00Z' })
  })

  it('two traits with the same snake_case key create one field', async () => {
    const { client, created } = account([])
    const plans = await organizationFieldPlans(client, [{ employeeCount: 5 }, { employee_count: 6 }])
    expect(created.map((f) => f.key)).toEqual(['employee_count'])
    expect(plans.map((p) => p.values)).toEqual([{ employee_count: 5 }, { employee_count: 6 }])
  })

  it('a key Zendesk itself refuses (422 other than "already taken") is reported, the rest sent', async () => {
    const { client } = account([], (field) =>
      field.key === 'reserved'
        ? new PayloadValidationError('Zendesk rejected organization field: Key: is invalid')
        : undefined
    )
    const [plan] = await organizationFieldPlans(client, [{ reserved: 'x', plan: 'pro' }])
    expect(plan.values).toEqual({ plan: 'pro' })
    expect(plan.notSent).toEqual([
      { trait: 'reserved', reason: expect.stringMatching(/^Zendesk did not create the field: .*Key: is invalid$/) }
    ])
  })

  it('a field created meanwhile (Zendesk refuses its key as a DuplicateValue) counts as created, whatever the wording', async () => {
    const { client } = account([], (field) =>
      field.key === 'plan' ? refusal('key', 'DuplicateValue', 'Key: is in use') : undefined
    )
    const [plan] = await organizationFieldPlans(client, [{ plan: 'pro' }])
    expect(plan).toEqual({ values: { plan: 'pro' }, notSent: [] })
  })

  it('a 422 whose text says "already been taken" about another field than key is reported, not taken as created', async () => {
    const { client } = account([], () => refusal('title', 'DuplicateValue', 'Title: has already been taken'))
    const [plan] = await organizationFieldPlans(client, [{ plan: 'pro' }])
    expect(plan.values).toEqual({})
    expect(plan.notSent).toEqual([
      {
        trait: 'plan',
        reason: expect.stringMatching(/^Zendesk did not create the field: .*Title: has already been taken$/)
      }
    ])
  })

  it('a field Zendesk refused to create (403) is not asked for again by the next events', async () => {
    let attempts = 0
    const forbidden = Object.assign(new Error('Zendesk denied access (403) to organization field "tier"'), {
      status: 403
    })
    const { client } = account([], () => (attempts++, forbidden))
    const first = await organizationFieldPlans(client, [{ tier: 'gold' }])
    const second = await organizationFieldPlans(client, [{ tier: 'silver' }])
    expect(attempts).toBe(1)
    expect(first[0].notSent).toEqual(second[0].notSent)
    expect(second[0].notSent[0].reason).toContain('denied access (403)')
  })

  it('without custom traits no field list is read', async () => {
    const { client, listed } = account([])
    expect(await organizationFieldPlans(client, [{}, {}])).toEqual([
      { values: {}, notSent: [] },
      { values: {}, notSent: [] }
    ])
    expect(listed()).toBe(0)
  })

  it('a stale cached list is re-read before creating, so a field an admin just made (camelCase) is used', async () => {
    const fields = [{ key: 'plan', type: 'text' }]
    const { client, created, listed } = account(fields)
    const now = Date.now()
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now)
    await organizationFieldPlans(client, [{ plan: 'pro' }])
    fields.push({ key: 'accountTier', type: 'text' })
    clock.mockReturnValue(now + 2 * 60 * 1000)
    const [plan] = await organizationFieldPlans(client, [{ account_tier: 'gold' }])
    clock.mockRestore()
    expect(listed()).toBe(2)
    expect(created).toEqual([])
    expect(plan.values).toEqual({ accountTier: 'gold' })
  })

  it('two traits for one field key: the first is sent, the other is reported, never silently overwritten', async () => {
    const { client } = account([{ key: 'plan_type', type: 'text' }])
    const [plan] = await organizationFieldPlans(client, [{ planType: 'pro', plan_type: 'free', q: {}, Q: '' }])
    expect(plan.values).toEqual({ plan_type: 'pro', q: '' })
    expect(plan.notSent).toEqual([
      { trait: 'plan_type', reason: 'field "plan_type" already takes the trait "planType"' },
      { trait: 'q', reason: 'not a single value' }
    ])
  })

  it('NaN and ±Infinity are reported as not a finite number, and no field is created for them', async () => {
    const { client, created } = account([{ key: 'score', type: 'decimal' }])
    const [plan] = await organizationFieldPlans(client, [{ score: NaN, ratio: Infinity, picks: ['a', -Infinity] }])
    expect(plan.values).toEqual({})
    expect(plan.notSent).toEqual([
      { trait: 'score', reason: 'not a finite number' },
      { trait: 'ratio', reason: 'not a finite number' },
      { trait: 'picks', reason: 'not a finite number' }
    ])
    expect(created).toEqual([])
  })

  it('property: every non-null trait is either sent under a valid field key or reported, never both', async () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean()
    )
    const value = fc.oneof(
      scalar,
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.object({ maxDepth: 1 })
    )
    const traitSets = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), value, { maxKeys: 6 })
    await fc.assert(
      fc.asyncProperty(traitSets, async (traits) => {
        const { client } = account([])
        const [plan] = await organizationFieldPlans(client, [traits])
        const reported = plan.notSent.map(({ trait }) => trait)
        for (const key of Object.keys(plan.values)) expect(key).toMatch(/^(?!\d+$)[A-Za-z0-9_]+$/)
        const nonNull = Object.keys(traits).filter((trait) => traits[trait] !== null)
        const sent = nonNull.filter((trait) => !reported.includes(trait))
        expect(reported.every((trait) => nonNull.includes(trait))).toBe(true)
        expect(new Set(reported).size).toBe(reported.length)
        // Each trait not reported is sent under its own key: none is overwritten by another for the same key.
        expect(sent.map((trait) => snakeCase(trait)).sort()).toEqual(
          Object.keys(plan.values)
            .filter((key) => plan.values[key] !== null)
            .sort()
        )
      }),
      { numRuns: 100 }
    )
  })
})
