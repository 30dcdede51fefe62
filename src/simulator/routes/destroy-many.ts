import type { Sim } from '../context'
import { ApiError, json, queryList, type ApiRequest, type Reply } from '../http'
import { enqueueJob, ItemFailure, UPDATE_RESULTS } from '../jobs'

/** One kind of record a `destroy_many` route deletes. */
export interface Destroyed<R extends { id: number }> {
  type: string
  /** progress message while working, e.g. 'Deleting user' */
  verb: string
  /** the details of the item for a record that does not exist, e.g. 'User not found' */
  notFound: string
  byId(id: number): R | undefined
  byExternalId(externalId: string): R | undefined
  /** deletes the record as the route's single DELETE does */
  remove(record: R): void
}

/**
 * `DELETE …/destroy_many?ids=` or `?external_ids=` (at most 100, else 400 TooManyValues): a job deleting each
 * record when it completes. Its items are `{id, action: 'delete', status: 'Deleted', success: true}` (the OpenAPI
 * example), without index; a record that does not exist gives `{id, action, success: false, error:
 * 'RecordNotFound', details}`, its id null when it was named by external_id.
 */
export function destroyMany<R extends { id: number }>(req: ApiRequest, sim: Sim, records: Destroyed<R>): Reply {
  const ids = queryList(req.query, 'ids')
  const externalIds = ids ? undefined : queryList(req.query, 'external_ids')
  const named = ids ?? externalIds ?? []
  if (named.length === 0) {
    throw new ApiError(
      json(400, { error: 'ParameterMissing', description: 'param is missing or the value is empty: ids' })
    )
  }
  const target = (index: number) => (ids ? records.byId(Number(ids[index])) : records.byExternalId(named[index]))
  const jobStatus = enqueueJob(sim, {
    type: records.type,
    verb: records.verb,
    total: named.length,
    shape: UPDATE_RESULTS,
    run(index) {
      const record = target(index)
      if (!record) throw new ItemFailure('RecordNotFound', records.notFound)
      records.remove(record)
      return { id: record.id, action: 'delete', status: 'Deleted', success: true }
    },
    failureFields: (index) => ({
      id: target(index)?.id ?? (ids ? Number(ids[index]) : null),
      action: 'delete',
      success: false
    })
  })
  return json(200, { job_status: jobStatus })
}
