import { IntegrationError, type JSONLikeObject, type Logger } from '@segment/actions-core'
import { bulkSize } from '../batch/fields'
import type { PipelineContext } from '../batch/pipeline'
import { BatchResults, statusOf, type Settled } from '../batch/results'
import { planRounds } from '../batch/rounds'
import { unsupportedSyncMode, type SyncMode } from '../batch/sync-modes'
import type { ZendeskClient } from '../client'
import type { CustomObjectField } from '../client/custom-objects'
import { quote } from '../client/quote'
import type { Payload } from './generated-types'
import { draftOf, targetOf, type RecordDraft, type RecordTarget } from './record-input'
import { withLookupsResolved } from './record-lookups'
import { writeRecords, type RecordWrite } from './record-writes'

/**
 * Upsert Custom Object Record for a batch (perform runs it on one payload). Every event is checked before any
 * request (object key, external_id, size); each object's fields are read once (cached), and every value checked
 * against its field's type; the users and organizations of lookup fields are looked up together. Then each object's
 * records are written as the sync mode asks, in rounds that hold each record at most once, so a record's events
 * end as if sent one by one; an event that repeats the one before it for the same record shares its write.
 */
export async function upsertCustomObjectRecords(
  client: ZendeskClient,
  payloads: Payload[],
  context: PipelineContext
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const mode = context.syncMode ?? 'upsert'
  if (mode === 'mirror') {
    payloads.forEach((_, index) => results.fail(index, unsupportedSyncMode('Upsert Custom Object Record', mode)))
    return results
  }
  const targets = results.checkEach(targetOf)
  const objects = await objectFieldsOf(client, targets, results)
  // Deleting a record reads nothing of the event but which record it is.
  const drafts =
    mode === 'delete'
      ? new Map(
          [...targets].flatMap(([index, target]) => (objects.has(target.objectKey) ? [[index, bare(target)]] : []))
        )
      : await withLookupsResolved(client, await draftsOf(client, targets, objects, results), results, context.clockOf)
  logNotSent(drafts, context.logger)
  for (const round of roundsOf(drafts, mode)) await writeRound(client, round, drafts, mode, results)
  return results
}

/**
 * The fields of every object the events name, read once each (and cached a few minutes). An object Zendesk does
 * not have fails its events with a final error naming the field; another failure is each event's error as it is.
 */
async function objectFieldsOf(
  client: ZendeskClient,
  targets: Map<number, RecordTarget>,
  results: BatchResults<Payload>
): Promise<Map<string, CustomObjectField[]>> {
  const objects = new Map<string, CustomObjectField[]>()
  for (const objectKey of new Set([...targets.values()].map((target) => target.objectKey))) {
    try {
      objects.set(objectKey, await client.customObjects.fields(objectKey))
    } catch (error) {
      const failure = statusOf(error) === 404 ? unknownObject(objectKey) : error
      for (const [index, target] of targets) if (target.objectKey === objectKey) results.fail(index, failure)
    }
  }
  return objects
}

const unknownObject = (objectKey: string) =>
  new IntegrationError(
    `custom_object_key: Zendesk has no custom object ${quote(objectKey)}. Choose one of the account's custom objects.`,
    'ZENDESK_CUSTOM_OBJECT_NOT_FOUND',
    404
  )

/**
 * Each event's record checked against its object's fields. When a mapped key matches no field, the object's fields
 * are read again first (at most once a minute), so a field an admin just created is used.
 */
async function draftsOf(
  client: ZendeskClient,
  targets: Map<number, RecordTarget>,
  objects: Map<string, CustomObjectField[]>,
  results: BatchResults<Payload>
): Promise<Map<number, RecordDraft>> {
  const drafts = new Map<number, Settled<RecordDraft>>()
  const draftAll = (objectKey: string, fields: CustomObjectField[]) => {
    for (const [index, target] of targets) {
      if (target.objectKey !== objectKey) continue
      try {
        drafts.set(index, { ok: true, value: draftOf(results.payloads[index], target, fields) })
      } catch (error) {
        drafts.set(index, { ok: false, error })
      }
    }
  }
  for (const [objectKey, fields] of objects) {
    draftAll(objectKey, fields)
    const unmatched = [...drafts.values()].some(
      (draft) => draft.ok && draft.value.objectKey === objectKey && draft.value.unmatched.length > 0
    )
    // A failed re-read leaves the fields at hand: it only delays picking up a new field.
    const refreshed = unmatched
      ? await client.customObjects.refreshedFields(objectKey).catch(() => undefined)
      : undefined
    if (refreshed) draftAll(objectKey, refreshed)
  }
  const ready = new Map<number, RecordDraft>()
  for (const [index, draft] of drafts) {
    if (draft.ok) ready.set(index, draft.value)
    else results.fail(index, draft.error)
  }
  return ready
}

const bare = (target: RecordTarget): RecordDraft => ({
  ...target,
  record: { custom_object_fields: {} },
  lookups: [],
  unmatched: [],
  notSent: []
})

function logNotSent(drafts: Map<number, RecordDraft>, logger?: Logger): void {
  const notSent = new Set([...drafts.values()].flatMap((draft) => draft.notSent))
  if (notSent.size) logger?.info(`Custom object record values not sent: ${[...notSent].join(', ')}`)
}

/** Rounds of groups of events: a group writes one record once; a record's n-th write is in round n. */
function roundsOf(drafts: Map<number, RecordDraft>, mode: SyncMode): number[][][] {
  const draft = (index: number) => drafts.get(index)!
  const written = (index: number) => JSON.stringify(draft(index).record)
  return planRounds(
    drafts.keys(),
    (index) => `${draft(index).objectKey}\n${draft(index).externalId}`,
    (first, next) => mode === 'delete' || written(first) === written(next)
  )
}

/** One round: each object's records written together, every event of a group settled with its record's outcome. */
async function writeRound(
  client: ZendeskClient,
  round: number[][],
  drafts: Map<number, RecordDraft>,
  mode: SyncMode,
  results: BatchResults<Payload>
): Promise<void> {
  const groupsOf = new Map<string, number[][]>()
  for (const group of round) {
    const { objectKey } = drafts.get(group[0])!
    groupsOf.set(objectKey, [...(groupsOf.get(objectKey) ?? []), group])
  }
  for (const [objectKey, groups] of groupsOf) {
    const writes: RecordWrite[] = groups.map(([first]) => drafts.get(first)!)
    const written = await writeRecords(client, objectKey, mode, writes, bulkSize(results.payloads))
    groups.forEach((group, position) => {
      for (const index of group) results.settle(index, withNotes(written[position], drafts.get(index)!))
    })
  }
}

/** A written record's result for one event, with what that event mapped and was not sent. */
function withNotes(outcome: Settled<JSONLikeObject>, draft: RecordDraft): Settled<JSONLikeObject> {
  if (!outcome.ok || draft.notSent.length === 0) return outcome
  return { ok: true, value: { ...outcome.value, values_not_sent: draft.notSent } }
}
