import { PayloadValidationError } from '@segment/actions-core'
import { z } from 'zod'
import { BULK_LIMIT } from './constants'
import type { ZendeskHttp } from './http'
import type { JobItemOutcome, Jobs } from './jobs'
import { listsOf } from './lists'
import { quote } from './quote'
import {
  customObjectFieldSchema,
  customObjectRecordAnswer,
  customObjectRecordSchema,
  type CustomObjectField,
  type CustomObjectRecord
} from './schemas'
import { TtlCache } from './ttl-cache'

export type { CustomObjectField, CustomObjectRecord }

const FIELDS_MAX_AGE_MS = 5 * 60 * 1000
const REFRESH_AT_MOST_EVERY_MS = 60 * 1000
const CACHED_OBJECTS = 500

/** What a record write sends: its name (unless numbered automatically) and its custom field values. */
export interface RecordInput {
  name?: string
  custom_object_fields: Record<string, unknown>
}

/** The record job actions (an object's `POST jobs`) this destination submits (up to 100 items each). */
export type RecordJob =
  | { action: 'create_or_update_by_external_id' | 'create'; items: (RecordInput & { external_id: string })[] }
  | { action: 'update'; items: (RecordInput & { id: string })[] }
  | { action: 'delete_by_external_id'; items: string[] }

interface LoadedFields {
  fields: CustomObjectField[]
  loadedAt: number
}

/** The fields of the custom objects one destination instance writes to, by account and object key. */
export class CustomObjectFieldCache {
  readonly lists = new TtlCache<string, LoadedFields>(CACHED_OBJECTS, FIELDS_MAX_AGE_MS)
  readonly loading = new Map<string, Promise<LoadedFields>>()
  /** When each object's fields were last read again, or tried: a failing re-read is not repeated per batch. */
  readonly rereadAt = new TtlCache<string, number>(CACHED_OBJECTS, FIELDS_MAX_AGE_MS)

  clear(): void {
    this.lists.clear()
    this.loading.clear()
    this.rereadAt.clear()
  }
}

const OBJECT_KEY = /^[A-Za-z0-9_]{1,100}$/

/** A custom object's key as a path segment; anything else (`/`, `..`, `?`) is refused, naming the field. */
export function objectKeySegment(key: string): string {
  if (!OBJECT_KEY.test(key)) {
    throw new PayloadValidationError(
      `custom_object_key must be the key of a custom object (letters, digits and underscores), got ${quote(key)}`
    )
  }
  return key
}

/** A record id as a path segment: the text ids Zendesk gives records (checked when their answer was read). */
function recordIdSegment(id: string): string {
  if (!customObjectRecordSchema.shape.id.safeParse(id).success) {
    throw new PayloadValidationError(
      `A custom object record id must be letters, digits, hyphens and underscores, got ${quote(id)}`
    )
  }
  return id
}

/** A description of a record for messages: its object and external_id. */
export function describeRecord(objectKey: string, externalId: string): string {
  return `${objectKey} record with external_id ${quote(externalId)}`
}

const recordsAnswer = z.object({ custom_object_records: z.array(customObjectRecordSchema) })

/**
 * Custom objects (the Custom Objects API): an object's fields, cached a few minutes, and its records, written by
 * external_id one at a time or in jobs of up to 100 that take one of the account's job slots each.
 */
export class CustomObjectsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly jobs: Jobs,
    private readonly cache: CustomObjectFieldCache,
    private readonly clock: () => number
  ) {}

  /** The object's fields (`standard::name` included); an unknown object answers 404. Concurrent callers share a read. */
  async fields(objectKey: string): Promise<CustomObjectField[]> {
    return (this.cache.lists.get(this.cacheKey(objectKey)) ?? (await this.load(objectKey))).fields
  }

  /**
   * The fields read again when a mapped key matched none, at most once a minute per object, so a field an admin just
   * created is picked up without a request per event. Undefined when they were read too recently.
   */
  async refreshedFields(objectKey: string): Promise<CustomObjectField[] | undefined> {
    const key = this.cacheKey(objectKey)
    const now = this.clock()
    const last = Math.max(this.cache.lists.get(key)?.loadedAt ?? -Infinity, this.cache.rereadAt.get(key) ?? -Infinity)
    if (now - last < REFRESH_AT_MOST_EVERY_MS) return undefined
    this.cache.rereadAt.set(key, now)
    return (await this.load(objectKey)).fields
  }

  /** `PATCH records?external_id=`: creates the record with this external_id, or updates the one that has it. */
  async upsert(objectKey: string, externalId: string, record: RecordInput): Promise<CustomObjectRecord> {
    const { body } = await this.http.patch(
      this.recordsPath(objectKey),
      describeRecord(objectKey, externalId),
      customObjectRecordAnswer,
      { custom_object_record: record },
      { external_id: externalId }
    )
    return body.custom_object_record
  }

  /** `POST records`: a new record; an external_id another record has is refused (422). */
  async create(objectKey: string, record: RecordInput & { external_id: string }): Promise<CustomObjectRecord> {
    const about = describeRecord(objectKey, record.external_id)
    const { body } = await this.http.post(this.recordsPath(objectKey), about, customObjectRecordAnswer, {
      custom_object_record: record
    })
    return body.custom_object_record
  }

  /** `PATCH records/{id}`: changes the record with this id (the lookup's answer); a deleted one answers 404. */
  async update(objectKey: string, id: string, externalId: string, record: RecordInput): Promise<CustomObjectRecord> {
    const { body } = await this.http.patch(
      `${this.recordsPath(objectKey)}/${recordIdSegment(id)}`,
      describeRecord(objectKey, externalId),
      customObjectRecordAnswer,
      { custom_object_record: record }
    )
    return body.custom_object_record
  }

  /** `DELETE records?external_id=`: 204; 404 when no record has it. */
  async deleteByExternalId(objectKey: string, externalId: string): Promise<void> {
    await this.http.delete(this.recordsPath(objectKey), describeRecord(objectKey, externalId), undefined, {
      external_id: externalId
    })
  }

  /**
   * The records with these external_ids (compared with case, as Zendesk does), keyed by external_id: one
   * `GET records?filter[external_ids]=` per 100; an external_id that cannot be listed (it has a comma) is found
   * with a filtered search of its own.
   */
  async findByExternalIds(objectKey: string, externalIds: readonly string[]): Promise<Map<string, CustomObjectRecord>> {
    const { lists, alone } = listsOf(externalIds, BULK_LIMIT, { caseSensitive: true })
    const found = new Map<string, CustomObjectRecord>()
    const keep = (records: CustomObjectRecord[], wanted: readonly string[]) => {
      for (const record of records) {
        if (record.external_id && wanted.includes(record.external_id)) found.set(record.external_id, record)
      }
    }
    for (const list of lists) {
      const about = list.length === 1 ? describeRecord(objectKey, list[0]) : `${list.length} ${objectKey} records`
      const records = await this.http.listAll(
        this.recordsPath(objectKey),
        'custom_object_records',
        about,
        customObjectRecordSchema,
        { 'filter[external_ids]': list.join(',') }
      )
      keep(records, list)
    }
    for (const externalId of alone) {
      const { body } = await this.http.post(
        `${this.recordsPath(objectKey)}/search`,
        describeRecord(objectKey, externalId),
        recordsAnswer,
        { filter: { external_id: { $eq: externalId } } }
      )
      keep(body.custom_object_records, [externalId])
    }
    return found
  }

  /** A record job of the object (`POST jobs`, up to 100 items), followed to one outcome per item, in order. */
  async job(objectKey: string, job: RecordJob): Promise<JobItemOutcome[]> {
    if (job.items.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} records per custom object job`)
    const items: readonly object[] =
      job.action === 'delete_by_external_id' ? job.items.map((external_id) => ({ external_id })) : job.items
    const about = `${job.action} job of ${job.items.length} ${objectKey} records`
    return this.jobs.posted(`custom_objects/${objectKeySegment(objectKey)}/jobs`, about, { job }, items)
  }

  private recordsPath(objectKey: string): string {
    return `custom_objects/${objectKeySegment(objectKey)}/records`
  }

  private cacheKey(objectKey: string): string {
    return `${this.http.origin}|${objectKey}`
  }

  private load(objectKey: string): Promise<LoadedFields> {
    const key = this.cacheKey(objectKey)
    let pending = this.cache.loading.get(key)
    if (!pending) {
      pending = this.http
        .listAll(
          `custom_objects/${objectKeySegment(objectKey)}/fields`,
          'custom_object_fields',
          `custom object ${quote(objectKey)}`,
          customObjectFieldSchema,
          // The standard fields say whether names are numbered automatically.
          { include_standard_fields: true }
        )
        .then((fields) => {
          const loaded = { fields, loadedAt: this.clock() }
          this.cache.lists.set(key, loaded)
          return loaded
        })
        .finally(() => this.cache.loading.delete(key))
      this.cache.loading.set(key, pending)
    }
    return pending
  }
}
