import { IntegrationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { GRACE_WINDOW_MS } from '../../../src/destinations/zendesk/batch/grace'
import { capturingLogger } from '../support'
import {
  acceptJob,
  acceptUpserts,
  destinationAt,
  failure,
  field,
  objectFields,
  ORDER_FIELDS,
  orderCompleted,
  record,
  requestLines,
  send,
  sendBatch,
  sent,
  useNockZendesk,
  usersFound,
  zendesk
} from './helpers'

useNockZendesk()

const ok = (body: Record<string, unknown>) =>
  expect.objectContaining({ status: 200, body: expect.objectContaining(body) })

describe('one event: one PATCH records?external_id=', () => {
  it('checks the values against the fields, resolves the customer and upserts the record by external_id', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptUpserts()
    const result = await send(orderCompleted('o-1', { total: '12.50', status: 'paid' }))
    expect(result).toEqual({ id: '01RECO1', external_id: 'o-1', status: 'Upserted' })
    expect(requestLines()).toEqual([
      'GET /api/v2/custom_objects/order/fields?include_standard_fields=true&page[size]=100',
      'GET /api/v2/users/show_many?external_ids=u1',
      'PATCH /api/v2/custom_objects/order/records?external_id=o-1'
    ])
    expect(sent[2].body).toMatchSnapshot()
  })

  it('reads the fields and the user once for many events (cached)', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptUpserts(2)
    await send(orderCompleted('o-1'))
    await send(orderCompleted('o-2'))
    expect(requestLines().filter((line) => line.startsWith('GET'))).toHaveLength(2)
  })

  it('matches a drop-down option by name, reads numbers from text, and sends null to clear a field', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptUpserts()
    await send(orderCompleted('o-1', { status: 'SHIPPED', total: '7' }), {
      mapping: {
        custom_object_fields: {
          status: { '@path': '$.properties.status' },
          amount: null,
          customer: { '@path': '$.userId' }
        }
      }
    })
    expect(sent[2].body.custom_object_record.custom_object_fields).toEqual({
      status: 'shipped',
      amount: null,
      customer: 501
    })
  })

  it('sends no name to an object that numbers its records, and says so', async () => {
    objectFields([
      field('standard::name', 'text', { properties: { autoincrement_enabled: true } }),
      field('amount', 'decimal')
    ])
    acceptUpserts()
    const result = await send(orderCompleted('o-1'), {
      mapping: { custom_object_fields: { amount: { '@path': '$.properties.total' } } }
    })
    expect(sent[1].body).toEqual({ custom_object_record: { custom_object_fields: { amount: 12.5 } } })
    expect(result.values_not_sent).toEqual(['name (order numbers its records itself)'])
  })

  it('reports a key the object has no field for, and logs it', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptUpserts()
    const logger = capturingLogger()
    const result = await send(orderCompleted('o-1', { colour: 'red' }), {
      logger,
      mapping: {
        custom_object_fields: {
          amount: { '@path': '$.properties.total' },
          customer: { '@path': '$.userId' },
          colour: { '@path': '$.properties.colour' }
        }
      }
    })
    expect(result.values_not_sent).toEqual(['colour (no field of order)'])
    expect(sent[2].body.custom_object_record.custom_object_fields).toEqual({ amount: 12.5, customer: 501 })
    expect(logger.lines).toContainEqual(expect.stringContaining('colour (no field of order)'))
  })

  it('uses a field an admin just created: a key that matches none reads the fields again, at most once a minute', async () => {
    let clock = Date.parse('2026-03-01T12:00:00Z')
    const destination = destinationAt(() => clock)
    const mapping = { custom_object_fields: { colour: { '@path': '$.properties.colour' } } }
    objectFields()
    acceptUpserts(3)
    const first = await send(orderCompleted('o-1', { colour: 'red' }), { mapping, on: destination })
    expect(first.values_not_sent).toEqual(['colour (no field of order)'])
    clock += 30 * 1000
    await send(orderCompleted('o-2', { colour: 'red' }), { mapping, on: destination })
    clock += 31 * 1000
    objectFields([...ORDER_FIELDS, field('colour', 'text')])
    const third = await send(orderCompleted('o-3', { colour: 'red' }), { mapping, on: destination })
    expect(third.values_not_sent).toBeUndefined()
    expect(sent[sent.length - 1].body.custom_object_record.custom_object_fields).toEqual({ colour: 'red' })
    expect(requestLines().filter((line) => line.includes('/fields'))).toHaveLength(2)
  })
})

describe('a re-read of the fields that fails', () => {
  it('keeps the fields at hand, and is not tried again within the minute', async () => {
    let clock = Date.parse('2026-03-01T12:00:00Z')
    const destination = destinationAt(() => clock)
    const mapping = { custom_object_fields: { colour: { '@path': '$.properties.colour' } } }
    objectFields()
    acceptUpserts(3)
    await send(orderCompleted('o-1', { colour: 'red' }), { mapping, on: destination })
    clock += 61 * 1000
    zendesk().get('/api/v2/custom_objects/order/fields').query(true).reply(503, 'Unavailable')
    const during = await send(orderCompleted('o-2', { colour: 'red' }), { mapping, on: destination })
    expect(during.values_not_sent).toEqual(['colour (no field of order)'])
    clock += 30 * 1000
    await send(orderCompleted('o-3', { colour: 'red' }), { mapping, on: destination })
    expect(requestLines().filter((line) => line.includes('/fields'))).toHaveLength(2)
  })
})

describe('values checked before any write, each error naming the field', () => {
  it.each([
    [
      'a decimal that is not a number',
      { total: 'twelve' },
      /custom_object_fields\.amount \(decimal\) must be a number, got "twelve"/
    ],
    [
      'an option the drop-down does not have',
      { status: 'lost' },
      /custom_object_fields\.status \(dropdown\) must be one of its options: paid, shipped/
    ],
    ['an object for a decimal', { total: { value: 1 } }, /custom_object_fields\.amount \(decimal\) must be a number/]
  ])('%s', async (_, properties, message) => {
    objectFields()
    const error = await failure(orderCompleted('o-1', properties))
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toMatch(message)
    expect(requestLines()).toEqual([
      'GET /api/v2/custom_objects/order/fields?include_standard_fields=true&page[size]=100'
    ])
  })

  it('refuses a record over 32 KB before any request', async () => {
    const error = await failure(orderCompleted('o-1', { name: 'x'.repeat(33 * 1024) }))
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toMatch(/Zendesk takes at most 32 KB per custom object record/)
    expect(sent).toEqual([])
  })

  it('refuses an object key that is not one before any request', async () => {
    const error = await failure(orderCompleted('o-1'), { mapping: { custom_object_key: '../users' } })
    expect(error.message).toMatch(/custom_object_key must be the key of a custom object/)
    expect(sent).toEqual([])
  })

  it('an object the account does not have: a final error naming custom_object_key', async () => {
    zendesk()
      .get('/api/v2/custom_objects/order/fields')
      .query(true)
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
    const error = await failure(orderCompleted('o-1'))
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error.message).toMatch(/^custom_object_key: Zendesk has no custom object "order"/)
  })
})

describe('lookup fields resolved inside the grace window', () => {
  const userMissing = () => zendesk().get('/api/v2/users/show_many').query(true).reply(200, { users: [] })

  it('a user Zendesk does not have yet: retryable while the event is young, then final, naming the field', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z')
    let clock = now
    const destination = destinationAt(() => clock)
    const event = { ...orderCompleted('o-1'), receivedAt: new Date(now).toISOString() }
    objectFields()
    userMissing()
    const young = await failure(event, { on: destination })
    expect(young).toBeInstanceOf(RetryableError)
    expect(young.message).toMatch(/custom_object_fields\.customer cannot point at it/)

    clock = now + GRACE_WINDOW_MS + 1000
    userMissing()
    const old = await failure(event, { on: destination })
    expect(old).toBeInstanceOf(IntegrationError)
    expect(old).not.toBeInstanceOf(RetryableError)
    expect(old.message).toMatch(/No Zendesk user with external_id "u1" exists 15 min after the event was received/)
    expect(old.message).toMatch(/custom_object_fields\.customer/)
    expect(requestLines().filter((line) => line.startsWith('PATCH'))).toEqual([])
  })

  it('finds a user by email when no external id matches, and an organization by its external id', async () => {
    objectFields([...ORDER_FIELDS, field('company', 'lookup', { relationship_target_type: 'zen:organization' })])
    userMissing()
    zendesk()
      .get('/api/v2/users/search')
      .query({ query: 'email:"ada@example.com"' })
      .reply(200, { users: [{ id: 502, email: 'ada@example.com', active: true }], count: 1 })
    zendesk()
      .get('/api/v2/organizations/show_many')
      .query({ external_ids: 'acme' })
      .reply(200, { organizations: [{ id: 601, external_id: 'acme', name: 'Acme' }] })
    acceptUpserts()
    await send(
      { ...orderCompleted('o-1'), context: { traits: { email: 'ada@example.com' }, groupId: 'acme' } } as any,
      {
        mapping: {
          custom_object_fields: {
            customer: { '@path': '$.context.traits.email' },
            company: { '@path': '$.context.groupId' }
          }
        }
      }
    )
    expect(sent[sent.length - 1].body.custom_object_record.custom_object_fields).toEqual({
      customer: 502,
      company: 601
    })
  })
})

describe('a batch: one job of up to 100 records per object', () => {
  const events = (n: number, prefix = 'o') => Array.from({ length: n }, (_, i) => orderCompleted(`${prefix}-${i}`))

  it('writes 3 records in one create_or_update_by_external_id job, matched to their events by external_id', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    // The records come back in another order: each is matched by its external_id.
    const submitted = acceptJob('order', (items) => [...items].reverse().map((item) => record(item.external_id)))
    const results = await sendBatch(events(3))
    expect(submitted[0]).toMatchSnapshot()
    expect(results).toEqual([
      ok({ id: '01RECO0', external_id: 'o-0', status: 'Upserted' }),
      ok({ id: '01RECO1', external_id: 'o-1', status: 'Upserted' }),
      ok({ id: '01RECO2', external_id: 'o-2', status: 'Upserted' })
    ])
    expect(sent.find((r) => r.method === 'POST')!.body.job.action).toBe('create_or_update_by_external_id')
  })

  it('gives each event its own honest result: a value refused by the job fails only its event', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptJob('order', (items) =>
      items.map((_, index) =>
        index === 1
          ? { index, error: 'RecordInvalid', details: 'Amount: is invalid' }
          : { index, id: `01X${index}`, status: 'Created' }
      )
    )
    const results = await sendBatch(events(3))
    expect(results.map((r) => r.status)).toEqual([200, 400, 200])
    expect(results[1].errormessage).toMatch(
      /^order record with external_id "o-1": Zendesk rejected the item: RecordInvalid/
    )
    expect(results[0].body).toMatchObject({ id: '01X0', status: 'Created' })
  })

  it('sends alone, as upserts are safe to repeat, what a finished job reported nothing for', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptJob('order', () => null)
    acceptUpserts(3)
    const results = await sendBatch(events(3))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    expect(requestLines().filter((line) => line.startsWith('PATCH'))).toHaveLength(3)
  })

  it('a job refused with 429 or 5xx: every event of it retryable, with the wait Zendesk asked for', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    zendesk().post('/api/v2/custom_objects/order/jobs').reply(429, 'Too many', { 'Retry-After': '7' })
    const limited = await sendBatch(events(3))
    expect(limited.map((r) => [r.status, r.body?.retryAfterSeconds])).toEqual([
      [429, 7],
      [429, 7],
      [429, 7]
    ])
    zendesk().post('/api/v2/custom_objects/order/jobs').reply(502, 'Bad gateway')
    const failed = await sendBatch(events(3, 'p'))
    expect(failed.map((r) => r.status)).toEqual([502, 502, 502])
  })

  it('an answer that is not Zendesk’s (an HTML page, a job status of another shape) is retryable, never delivered', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    zendesk()
      .post('/api/v2/custom_objects/order/jobs')
      .reply(200, '<html>maintenance</html>', { 'Content-Type': 'text/html' })
    expect((await sendBatch(events(3))).map((r) => r.status)).toEqual([502, 502, 502])
    zendesk()
      .post('/api/v2/custom_objects/order/jobs')
      .reply(201, { job_status: { id: 'V3-odd', status: 'done?' } })
    expect((await sendBatch(events(3, 'p'))).map((r) => r.status)).toEqual([502, 502, 502])
    zendesk()
      .patch('/api/v2/custom_objects/order/records')
      .query(true)
      .reply(200, { custom_object_record: { id: 5 } })
    const odd = await failure(orderCompleted('q-1'))
    expect(odd).toBeInstanceOf(RetryableError)
  })

  it('writes an event that repeats the one before it for the same record once, and a changed one after it', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    acceptUpserts(2)
    const same = orderCompleted('o-1')
    const changed = orderCompleted('o-1', { status: 'shipped' })
    const results = await sendBatch([same, same, changed])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    const patches = sent
      .filter((r) => r.method === 'PATCH')
      .map((r) => r.body.custom_object_record.custom_object_fields.status)
    expect(patches).toEqual(['paid', 'shipped'])
  })
})

describe('sync modes', () => {
  const lookup = (...found: string[]) =>
    zendesk()
      .get('/api/v2/custom_objects/order/records')
      .query(true)
      .reply(200, { custom_object_records: found.map((externalId) => record(externalId)), meta: { has_more: false } })

  it('update: changes the records Zendesk has, by id, and never creates the others', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    lookup('o-1')
    zendesk()
      .patch('/api/v2/custom_objects/order/records/01RECO1')
      .reply(200, { custom_object_record: record('o-1') })
    const results = await sendBatch([orderCompleted('o-1'), orderCompleted('o-2')], { syncMode: 'update' })
    expect(results[0]).toEqual(ok({ id: '01RECO1', status: 'Updated' }))
    expect(results[1]).toMatchObject({
      status: 404,
      errormessage: expect.stringMatching(
        /^Skipped: Zendesk has no order record with external_id "o-2", and Update mode creates nothing/
      )
    })
    expect(requestLines()).toContain(
      'GET /api/v2/custom_objects/order/records?filter[external_ids]=o-1,o-2&page[size]=100'
    )
  })

  it('update in a job: records found are changed by id; one deleted meanwhile is skipped', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    lookup('o-1', 'o-2', 'o-3')
    const submitted = acceptJob('order', (items) =>
      items.map((item, index) =>
        index === 2 ? { index, error: 'RecordNotFound', details: 'gone' } : { ...record(`o-${index + 1}`), id: item.id }
      )
    )
    const results = await sendBatch(
      [1, 2, 3].map((n) => orderCompleted(`o-${n}`)),
      { syncMode: 'update' }
    )
    expect(submitted[0].map((item: any) => item.id)).toEqual(['01RECO1', '01RECO2', '01RECO3'])
    expect(sent.find((r) => r.method === 'POST')!.body.job.action).toBe('update')
    expect(results.map((r) => r.status)).toEqual([200, 200, 404])
  })

  it('add: creates the records Zendesk has not, and leaves the others untouched', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    lookup('o-1')
    zendesk()
      .post('/api/v2/custom_objects/order/records', (body) => body.custom_object_record.external_id === 'o-2')
      .reply(201, { custom_object_record: record('o-2') })
    const results = await sendBatch([orderCompleted('o-1'), orderCompleted('o-2')], { syncMode: 'add' })
    expect(results[0]).toMatchObject({
      status: 409,
      errormessage:
        'Left untouched: Zendesk already has the order record with external_id "o-1", and Add mode changes no existing record'
    })
    expect(results[1]).toEqual(ok({ id: '01RECO2', status: 'Created' }))
  })

  it('add: a record created elsewhere since the lookup is left untouched, never changed', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    lookup()
    zendesk()
      .post('/api/v2/custom_objects/order/records')
      .reply(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { external_id: [{ description: 'taken', error: 'DuplicateValue' }] }
      })
    const error = await failure(orderCompleted('o-1'), { syncMode: 'add' })
    expect(error.message).toMatch(/^Left untouched/)
  })

  it('delete: one DELETE records?external_id= each for one or two; a record already gone is as asked', async () => {
    objectFields()
    zendesk().delete('/api/v2/custom_objects/order/records').query({ external_id: 'o-1' }).reply(204)
    zendesk()
      .delete('/api/v2/custom_objects/order/records')
      .query({ external_id: 'o-2' })
      .reply(404, { error: 'RecordNotFound', description: 'Not found' })
    const results = await sendBatch([orderCompleted('o-1'), orderCompleted('o-2')], { syncMode: 'delete' })
    expect(results).toEqual([
      ok({ id: null, external_id: 'o-1', status: 'Deleted' }),
      ok({ id: null, external_id: 'o-2', status: 'Not found, nothing to delete' })
    ])
    // Deleting reads nothing of the event but the record: no value checked, no user looked up.
    expect(requestLines().filter((line) => line.includes('users'))).toEqual([])
  })

  it('delete in a delete_by_external_id job: records not found are as asked', async () => {
    objectFields()
    const submitted = acceptJob('order', (items) =>
      items.map((externalId, index) =>
        index === 0 ? { index, error: 'RecordNotFound', details: 'none' } : record(externalId)
      )
    )
    const results = await sendBatch(
      [1, 2, 3].map((n) => orderCompleted(`o-${n}`)),
      { syncMode: 'delete' }
    )
    expect(submitted[0]).toEqual(['o-1', 'o-2', 'o-3'])
    expect(results.map((r) => r.body.status)).toEqual(['Not found, nothing to delete', 'Deleted', 'Deleted'])
  })

  it('update: an external_id that cannot be listed (a comma) is found with a filtered search of its own', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    zendesk()
      .post('/api/v2/custom_objects/order/records/search', { filter: { external_id: { $eq: 'a,b' } } })
      .reply(200, { custom_object_records: [record('a,b', '01RECAB')], meta: { has_more: false } })
    zendesk()
      .patch('/api/v2/custom_objects/order/records/01RECAB')
      .reply(200, { custom_object_record: record('a,b', '01RECAB') })
    expect(await send(orderCompleted('a,b'), { syncMode: 'update' })).toMatchObject({
      id: '01RECAB',
      status: 'Updated'
    })
  })

  it('update: a search answered with an HTML page is retryable, and nothing is written', async () => {
    objectFields()
    usersFound({ id: 501, external_id: 'u1' })
    zendesk()
      .post('/api/v2/custom_objects/order/records/search')
      .reply(200, '<html>Maintenance</html>', { 'Content-Type': 'text/html' })
    const error = await failure(orderCompleted('a,b'), { syncMode: 'update' })
    expect(error).toBeInstanceOf(RetryableError)
    expect(requestLines().filter((line) => line.startsWith('PATCH'))).toEqual([])
  })

  it('mirror: not supported, nothing sent', async () => {
    const results = await sendBatch([orderCompleted('o-1')], { syncMode: 'mirror' })
    expect(results[0]).toMatchObject({
      status: 400,
      errormessage: expect.stringMatching(/Sync mode mirror is not supported/)
    })
    expect(sent).toEqual([])
  })
})
