import { useSimulator, type Api } from './helpers'

async function done(api: Api, id: string) {
  let job = (await api('GET', `job_statuses/${id}.json`)).body.job_status
  while (job.status === 'queued' || job.status === 'working')
    job = (await api('GET', `job_statuses/${id}.json`)).body.job_status
  return job
}

const recordsOf = (state: { customObjectRecords: { custom_object_key: string }[] }, key: string) =>
  state.customObjectRecords.filter((record) => record.custom_object_key === key)

describe('simulator custom objects', () => {
  const ctx = useSimulator('default', { endpointLimits: false })
  let userId: number

  beforeEach(() => {
    userId = ctx.sim.seed.user({ name: 'Ada', external_id: 'ada' }).id
    ctx.sim.seed.customObject({
      key: 'order',
      title: 'Order',
      fields: [
        { key: 'amount', type: 'decimal' },
        { key: 'status', type: 'dropdown', options: [{ name: 'Paid', value: 'paid' }] },
        { key: 'customer', type: 'lookup', relationship_target_type: 'zen:user' },
        { key: 'note', type: 'text' }
      ]
    })
  })

  it('lists the objects, and their fields with the standard ones first', async () => {
    expect((await ctx.api('GET', 'custom_objects')).body.custom_objects).toEqual([
      expect.objectContaining({ key: 'order', title: 'Order', title_pluralized: 'Orders' })
    ])
    const fields = (await ctx.api('GET', 'custom_objects/order/fields.json')).body.custom_object_fields
    expect(fields.map((f: any) => f.key)).toEqual([
      'standard::name',
      'standard::external_id',
      'amount',
      'status',
      'customer',
      'note'
    ])
    expect(fields[0].properties).toMatchObject({ autoincrement_enabled: false })
    expect(fields[4]).toMatchObject({ type: 'lookup', relationship_target_type: 'zen:user' })
    const own = (await ctx.api('GET', 'custom_objects/order/fields?include_standard_fields=false')).body
    expect(own.custom_object_fields.map((f: any) => f.key)).toEqual(['amount', 'status', 'customer', 'note'])
    expect((await ctx.api('GET', 'custom_objects/nothing/fields')).status).toBe(404)
  })

  it('sets a record by external id: created, then only what is given changed', async () => {
    const created = await ctx.api('PATCH', 'custom_objects/order/records?external_id=o-1', {
      custom_object_record: { name: 'Order 1', custom_object_fields: { amount: 12.5, customer: userId } }
    })
    expect(created.status).toBe(200)
    expect(created.body.custom_object_record).toMatchObject({
      external_id: 'o-1',
      name: 'Order 1',
      custom_object_fields: { amount: 12.5, status: null, customer: userId, note: null }
    })
    const updated = await ctx.api('PATCH', 'custom_objects/order/records?external_id=o-1', {
      custom_object_record: { custom_object_fields: { status: 'paid' } }
    })
    expect(updated.body.custom_object_record).toMatchObject({
      id: created.body.custom_object_record.id,
      name: 'Order 1',
      custom_object_fields: { amount: 12.5, status: 'paid' }
    })
    expect(recordsOf(ctx.sim.state(), 'order')).toHaveLength(1)
  })

  it.each([
    ['a decimal that is text', { amount: 'lots' }, 'amount'],
    ['an option the field does not have', { status: 'lost' }, 'status'],
    ['a lookup to a user the account does not have', { customer: 999 }, 'customer'],
    ['a number for a text field', { note: 5 }, 'note']
  ])('refuses %s with 422 on that field', async (_, values, field) => {
    const res = await ctx.api('POST', 'custom_objects/order/records', {
      custom_object_record: { name: 'x', external_id: 'o-1', custom_object_fields: values }
    })
    expect(res.status).toBe(422)
    expect(Object.keys(res.body.details)).toEqual([field])
    expect(recordsOf(ctx.sim.state(), 'order')).toEqual([])
  })

  it('refuses a new record without a name, a taken external id, and a record over 32 KB', async () => {
    const post = (record: object) => ctx.api('POST', 'custom_objects/order/records', { custom_object_record: record })
    expect((await post({ external_id: 'o-1' })).body.details.name[0].error).toBe('BlankValue')
    expect((await post({ name: 'A', external_id: 'o-1' })).status).toBe(201)
    expect((await post({ name: 'B', external_id: 'o-1' })).body.details.external_id[0].error).toBe('DuplicateValue')
    expect((await post({ name: 'C', external_id: 'O-1' })).status).toBe(201)
    const big = await post({ name: 'D', external_id: 'o-2', custom_object_fields: { note: 'x'.repeat(33 * 1024) } })
    expect(big.body.details.base[0].error).toBe('TooLarge')
  })

  it('numbers the names of an object that numbers them, and refuses a name given', async () => {
    ctx.sim.seed.customObject({ key: 'device', numberedNames: { prefix: 'DEV-', padding: 3 } })
    const first = await ctx.api('PATCH', 'custom_objects/device/records?external_id=d-1', {
      custom_object_record: { custom_object_fields: {} }
    })
    expect(first.body.custom_object_record.name).toBe('DEV-001')
    const named = await ctx.api('PATCH', 'custom_objects/device/records?external_id=d-2', {
      custom_object_record: { name: 'mine', custom_object_fields: {} }
    })
    expect(named.status).toBe(422)
  })

  it('lists records by external ids with case, finds them by a filter or words, updates and deletes them', async () => {
    const a = ctx.sim.seed.customRecord('order', { name: 'Blue bike', external_id: 'o-1' })
    ctx.sim.seed.customRecord('order', { name: 'Red car', external_id: 'O-1' })
    ctx.sim.seed.customRecord('order', { name: 'Odd', external_id: 'x,y' })
    const listed = await ctx.api('GET', 'custom_objects/order/records?filter[external_ids]=o-1,o-9')
    expect(listed.body.custom_object_records.map((r: any) => r.name)).toEqual(['Blue bike'])
    expect(listed.body.meta).toMatchObject({ has_more: false })
    const filtered = await ctx.api('POST', 'custom_objects/order/records/search', {
      filter: { $or: [{ external_id: { $eq: 'x,y' } }, { name: { $eq: 'Red car' } }] }
    })
    expect(filtered.body.custom_object_records.map((r: any) => r.name)).toEqual(['Red car', 'Odd'])
    const words = await ctx.api('GET', 'custom_objects/order/records/search?query=bi')
    expect(words.body.custom_object_records.map((r: any) => r.name)).toEqual(['Blue bike'])

    const changed = await ctx.api('PATCH', `custom_objects/order/records/${a.id}`, {
      custom_object_record: { custom_object_fields: { amount: 3 } }
    })
    expect(changed.body.custom_object_record.custom_object_fields.amount).toBe(3)
    expect((await ctx.api('DELETE', 'custom_objects/order/records?external_id=o-1')).status).toBe(204)
    expect((await ctx.api('DELETE', 'custom_objects/order/records?external_id=o-1')).status).toBe(404)
    expect((await ctx.api('PATCH', `custom_objects/order/records/${a.id}`, { custom_object_record: {} })).status).toBe(
      404
    )
    expect(recordsOf(ctx.sim.state(), 'order').map((r: any) => r.external_id)).toEqual(['O-1', 'x,y'])
  })

  it('runs record jobs, applied when they complete, each item by its action', async () => {
    const kept = ctx.sim.seed.customRecord('order', { name: 'Kept', external_id: 'o-1' })
    ctx.sim.seed.customRecord('order', { name: 'Gone', external_id: 'o-2' })
    const submit = (action: string, items: unknown[]) =>
      ctx.api('POST', 'custom_objects/order/jobs', { job: { action, items } })
    const upsert = await submit('create_or_update_by_external_id', [
      { external_id: 'o-1', custom_object_fields: { amount: 1 } },
      { external_id: 'o-3', name: 'New', custom_object_fields: { amount: 2 } },
      { external_id: 'o-4', name: 'Bad', custom_object_fields: { amount: 'lots' } }
    ])
    expect(upsert.status).toBe(201)
    expect(upsert.body.job_status).toMatchObject({ status: 'queued', total: 3, results: null })
    expect(recordsOf(ctx.sim.state(), 'order')).toHaveLength(2)
    const upserted = await done(ctx.api, upsert.body.job_status.id)
    expect(upserted.status).toBe('completed')
    expect(upserted.results).toEqual([
      expect.objectContaining({ id: kept.id, external_id: 'o-1', name: 'Kept' }),
      expect.objectContaining({
        external_id: 'o-3',
        name: 'New',
        custom_object_fields: expect.objectContaining({ amount: 2 })
      }),
      { index: 2, error: 'RecordInvalid', details: 'amount: must be a number' }
    ])
    const updated = await done(
      ctx.api,
      (await submit('update', [{ id: kept.id, custom_object_fields: { amount: 5 } }, { id: 'nope' }])).body.job_status
        .id
    )
    expect(updated.results).toEqual([
      expect.objectContaining({ id: kept.id }),
      { index: 1, error: 'RecordNotFound', details: 'Custom object record not found' }
    ])
    const deleted = await done(ctx.api, (await submit('delete_by_external_id', ['o-2', 'o-9'])).body.job_status.id)
    expect(deleted.results).toEqual([
      expect.objectContaining({ external_id: 'o-2' }),
      { index: 1, error: 'RecordNotFound', details: 'Custom object record not found' }
    ])
    const state = ctx.sim.state()
    expect(recordsOf(state, 'order').map((r: any) => [r.external_id, r.custom_object_fields.amount])).toEqual([
      ['o-1', 5],
      ['o-3', 2]
    ])
  })

  it('answers the other shapes of record job results when told to', async () => {
    const submit = async (n: number) =>
      (
        await ctx.api('POST', 'custom_objects/order/jobs', {
          job: { action: 'create', items: [{ external_id: `o-${n}`, name: 'A' }, { external_id: 'unnamed' }] }
        })
      ).body.job_status.id
    ctx.sim.setFaults({ variants: { customObjectJobResults: 'indexed' } })
    const indexed = await done(ctx.api, await submit(1))
    expect(indexed.results).toEqual([
      { index: 0, id: expect.stringMatching(/^[0-9A-Z]{26}$/), external_id: 'o-1', status: 'Created', success: true },
      { index: 1, error: 'RecordInvalid', details: 'Name: cannot be blank', success: false }
    ])
    ctx.sim.setFaults({ variants: { customObjectJobResults: 'unreported' } })
    const unreported = await done(ctx.api, await submit(2))
    expect(unreported).toMatchObject({ status: 'completed', results: null })
  })

  it('refuses a job of no items, of more than 100, or of an action it does not know', async () => {
    const submit = (job: unknown) => ctx.api('POST', 'custom_objects/order/jobs', { job })
    expect((await submit({ action: 'create', items: [] })).status).toBe(400)
    expect((await submit({ action: 'delete', items: Array.from({ length: 101 }, (_, n) => `${n}`) })).body.error).toBe(
      'TooManyValues'
    )
    expect((await submit({ action: 'explode', items: ['a'] })).body.error).toBe('InvalidValue')
  })
})

describe('simulator custom object jobs and the job limit', () => {
  const ctx = useSimulator('default', { endpointLimits: { activeJobs: 1 } })

  it('counts record jobs with every other job: one more than the limit answers 429 TooManyJobs', async () => {
    ctx.sim.seed.customObject({ key: 'order' })
    ctx.sim.setFaults({ stuckJobs: true })
    const submit = () =>
      ctx.api('POST', 'custom_objects/order/jobs', { job: { action: 'create', items: [{ name: 'A' }] } })
    expect((await submit()).status).toBe(201)
    const refused = await submit()
    expect(refused.status).toBe(429)
    expect(refused.body.error).toBe('TooManyJobs')
  })
})

describe('simulator custom objects in the demo account', () => {
  const ctx = useSimulator('demo')

  it('has an Order object whose customer is a user and company an organization', async () => {
    const fields = (await ctx.api('GET', 'custom_objects/order/fields')).body.custom_object_fields
    expect(fields.filter((f: any) => f.type === 'lookup').map((f: any) => [f.key, f.relationship_target_type])).toEqual(
      [
        ['customer', 'zen:user'],
        ['company', 'zen:organization']
      ]
    )
    expect(fields.find((f: any) => f.key === 'amount').type).toBe('decimal')
  })
})
