import { variantsOf, type Sim } from '../context'
import {
  ApiError,
  isBlank,
  json,
  notFound,
  queryList,
  queryValue,
  tooManyValues,
  wrapped,
  type ApiRequest,
  type Input,
  type Reply
} from '../http'
import { asItem, CREATE_WITH_INDEX, CREATE_WITHOUT_INDEX, enqueueJob, ItemFailure } from '../jobs'
import {
  createRecord,
  customObjectOf,
  deleteRecord,
  findRecordByExternalId,
  presentRecord,
  updateRecord,
  upsertRecord
} from '../model/custom-objects'
import { paginate } from '../pagination'
import { route } from '../router'
import type { StoredCustomObject } from '../state'
import type { CustomRecord, JobResult } from '../types'

const objectOf = (req: ApiRequest, sim: Sim) => customObjectOf(sim.store, req.params.key)

function recordReply(object: StoredCustomObject, status: number, record: CustomRecord): Reply {
  return json(status, { custom_object_record: presentRecord(object, record) })
}

function recordList(req: ApiRequest, sim: Sim, object: StoredCustomObject, records: CustomRecord[]): Reply {
  const shown = records.map((record) => presentRecord(object, record))
  return json(200, paginate(req, sim, 'custom_object_records', shown, 'cursor'))
}

function badRequest(error: string, description: string): ApiError {
  return new ApiError(json(400, { error, description }))
}

/** The record a request names by `external_id` in the query (by name only where names are unique: not simulated). */
function externalIdParam(req: ApiRequest): string {
  const externalId = queryValue(req.query, 'external_id')
  if (isBlank(externalId)) throw badRequest('ParameterMissing', 'param is missing or the value is empty: external_id')
  return externalId!
}

function recordById(object: StoredCustomObject, id: string): CustomRecord {
  const record = object.records.get(id)
  if (!record) throw notFound()
  return record
}

/** `GET records`: every record, or those `filter[ids]` or `filter[external_ids]` name (at most 100, with case). */
function listRecords(req: ApiRequest, sim: Sim): Reply {
  const object = objectOf(req, sim)
  const ids = queryList(req.query, 'filter[ids]')
  const externalIds = queryList(req.query, 'filter[external_ids]')
  const records = [...object.records.values()].filter(
    (record) => (!ids || ids.includes(record.id)) && (!externalIds || externalIds.includes(record.external_id ?? ''))
  )
  return recordList(req, sim, object, records)
}

/** Words of a record's name, external id and text fields, for `GET records/search?query=`. */
function searchableWords(object: StoredCustomObject, record: CustomRecord): string[] {
  const textFields = object.fields.filter((field) => ['text', 'textarea', 'regexp'].includes(field.type))
  const texts = [record.name, record.external_id, ...textFields.map((field) => record.custom_object_fields[field.key])]
  return texts.flatMap((text) => (typeof text === 'string' ? text.toLowerCase().split(/\W+/) : []))
}

/** `GET records/search?query=`: records with a word that begins with one of the query's words. */
function searchRecords(req: ApiRequest, sim: Sim): Reply {
  const object = objectOf(req, sim)
  const terms = (queryValue(req.query, 'query') ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const records = [...object.records.values()].filter((record) =>
    searchableWords(object, record).some((word) => terms.some((term) => word.startsWith(term)))
  )
  return recordList(req, sim, object, records)
}

/** A record's value of a filter attribute: a standard one, or `custom_object_fields.<key>`. */
function attributeOf(record: CustomRecord, attribute: string): unknown {
  if (attribute.startsWith('custom_object_fields.')) {
    return record.custom_object_fields[attribute.slice('custom_object_fields.'.length)]
  }
  return (record as unknown as Record<string, unknown>)[attribute]
}

/** Whether the record meets a filter of `$eq` comparisons, `$and` and `$or` (other operators: 400). */
function meets(record: CustomRecord, filter: Input): boolean {
  return Object.entries(filter).every(([attribute, condition]) => {
    if (attribute === '$and') return (condition as Input[]).every((part) => meets(record, part))
    if (attribute === '$or') return (condition as Input[]).some((part) => meets(record, part))
    if (!condition || typeof condition !== 'object' || !('$eq' in condition)) {
      throw badRequest('InvalidValue', `Only $eq comparisons are simulated (${attribute})`)
    }
    return attributeOf(record, attribute) === condition.$eq
  })
}

/** `POST records/search` with a `filter`: the records that meet it. */
function filterRecords(req: ApiRequest, sim: Sim): Reply {
  const object = objectOf(req, sim)
  const filter = wrapped(req.body, 'filter')
  return recordList(
    req,
    sim,
    object,
    [...object.records.values()].filter((record) => meets(record, filter))
  )
}

/** What one job item gave: the record written, and what was done with it. */
type ItemWrite = { record: CustomRecord; status: 'Created' | 'Updated' | 'Deleted' }

function itemWriter(sim: Sim, object: StoredCustomObject, action: unknown): (item: unknown) => ItemWrite {
  const store = sim.store
  const input = (item: unknown): Input => (item !== null && typeof item === 'object' ? (item as Input) : {})
  const found = (record: CustomRecord | undefined): CustomRecord => {
    if (!record) throw new ItemFailure('RecordNotFound', 'Custom object record not found')
    return record
  }
  const deleted = (record: CustomRecord): ItemWrite => {
    deleteRecord(object, record)
    return { record, status: 'Deleted' }
  }
  switch (action) {
    case 'create':
      return (item) => ({ record: createRecord(store, object, input(item)), status: 'Created' })
    case 'create_or_update_by_external_id':
      return (item) => {
        const { external_id: externalId, ...rest } = input(item)
        if (isBlank(externalId)) throw new ItemFailure('RecordInvalid', 'External id: cannot be blank')
        const { record, created } = upsertRecord(store, object, String(externalId), rest)
        return { record, status: created ? 'Created' : 'Updated' }
      }
    case 'update':
      return (item) => {
        const { id, ...rest } = input(item)
        return { record: updateRecord(store, object, found(object.records.get(String(id))), rest), status: 'Updated' }
      }
    case 'delete':
      return (item) => deleted(found(object.records.get(String(item))))
    case 'delete_by_external_id':
      return (item) => deleted(found(findRecordByExternalId(object, item)))
    default:
      throw badRequest(
        'InvalidValue',
        `job.action must be create, update, delete, delete_by_external_id or create_or_update_by_external_id`
      )
  }
}

/**
 * `POST custom_objects/{key}/jobs`: up to 100 items of one action, applied when the job completes. What a finished
 * job lists is not documented: `variants.customObjectJobResults` chooses (ASSUMPTIONS.md).
 */
function recordJob(req: ApiRequest, sim: Sim): Reply {
  const object = objectOf(req, sim)
  const job = wrapped(req.body, 'job')
  const items: unknown[] = Array.isArray(job.items) ? job.items : []
  if (items.length === 0) throw badRequest('ParameterMissing', 'param is missing or the value is empty: job.items')
  if (items.length > 100) throw tooManyValues('job.items')
  const write = itemWriter(sim, object, job.action)
  const results = variantsOf(sim).customObjectJobResults
  const jobStatus = enqueueJob(sim, {
    type: 'custom_object_record_bulk_job',
    verb: 'Processing custom object record',
    total: items.length,
    shape: results === 'indexed' ? CREATE_WITH_INDEX : CREATE_WITHOUT_INDEX,
    unreported: results === 'unreported',
    run(index): JobResult {
      const { record, status } = asItem('RecordInvalid', () => write(items[index]))
      if (results === 'indexed') return { id: record.id, external_id: record.external_id, status, success: true }
      return { ...presentRecord(object, record) }
    },
    failureFields: () => (results === 'indexed' ? { success: false } : {})
  })
  return json(201, { job_status: jobStatus })
}

export const customObjectRoutes = [
  route('GET', 'custom_objects', (_req, sim) =>
    json(200, { custom_objects: [...sim.store.customObjects.values()].map((object) => object.definition) })
  ),
  /** Standard fields are listed unless `include_standard_fields=false` (assumed: the documented example lists them). */
  route('GET', 'custom_objects/*key/fields', (req, sim) => {
    const object = objectOf(req, sim)
    const withStandard = queryValue(req.query, 'include_standard_fields') !== 'false'
    const fields = object.fields.filter((field) => withStandard || !field.key.startsWith('standard::'))
    return json(200, paginate(req, sim, 'custom_object_fields', fields))
  }),
  route('POST', 'custom_objects/*key/jobs', recordJob),
  route('GET', 'custom_objects/*key/records', listRecords),
  route('POST', 'custom_objects/*key/records', (req, sim) => {
    const object = objectOf(req, sim)
    return recordReply(object, 201, createRecord(sim.store, object, wrapped(req.body, 'custom_object_record')))
  }),
  route('PATCH', 'custom_objects/*key/records', (req, sim) => {
    const object = objectOf(req, sim)
    const input = wrapped(req.body, 'custom_object_record')
    return recordReply(object, 200, upsertRecord(sim.store, object, externalIdParam(req), input).record)
  }),
  route('DELETE', 'custom_objects/*key/records', (req, sim) => {
    const object = objectOf(req, sim)
    const record = findRecordByExternalId(object, externalIdParam(req))
    if (!record) throw notFound()
    deleteRecord(object, record)
    return { status: 204 }
  }),
  route('GET', 'custom_objects/*key/records/search', searchRecords),
  route('POST', 'custom_objects/*key/records/search', filterRecords),
  route('GET', 'custom_objects/*key/records/*id', (req, sim) => {
    const object = objectOf(req, sim)
    return recordReply(object, 200, recordById(object, req.params.id))
  }),
  route('PATCH', 'custom_objects/*key/records/*id', (req, sim) => {
    const object = objectOf(req, sim)
    const input = wrapped(req.body, 'custom_object_record')
    return recordReply(object, 200, updateRecord(sim.store, object, recordById(object, req.params.id), input))
  }),
  route('DELETE', 'custom_objects/*key/records/*id', (req, sim) => {
    const object = objectOf(req, sim)
    deleteRecord(object, recordById(object, req.params.id))
    return { status: 204 }
  })
]
