import type { MissingRecord } from '../batch/grace'
import type { PipelineContext } from '../batch/pipeline'
import { withMessagePrefix, type BatchResults } from '../batch/results'
import type { ZendeskClient } from '../client'
import { describeRecord } from '../client/custom-objects'
import { describeOrganization, externalIdKey } from '../client/organizations'
import { findOrganizations } from '../lookups/organizations'
import { describeReference, findUserIds, type UserReference } from '../lookups/users'
import type { Payload } from './generated-types'
import type { PendingLookup, RecordDraft } from './record-input'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** A user named by a lookup value: its external id, or its email when nothing has that external id. */
const userReference = (reference: string): UserReference => ({
  external_id: reference,
  email: EMAIL.test(reference) ? reference : undefined
})

/** What one lookup field's value gave: the Zendesk id, nothing (no such user or organization), or an error. */
type Resolved = { ok: true; id: number | undefined } | { ok: false; error: unknown }

/**
 * Fills in the lookup fields of every draft with the Zendesk ids of the users and organizations they name: the
 * users looked up together (cached ids, `users/show_many`, then an email search for what no external id matched),
 * the organizations too (cached ids, `organizations/show_many`). A draft whose user or organization Zendesk does not
 * have fails its event: retryable while the event is young (the identify or group that creates it may still be on
 * its way), then final, naming the field. The drafts that remain are returned.
 */
export async function withLookupsResolved(
  client: ZendeskClient,
  drafts: Map<number, RecordDraft>,
  results: BatchResults<Payload>,
  clockOf: PipelineContext['clockOf']
): Promise<Map<number, RecordDraft>> {
  const pending = [...drafts.values()].flatMap((draft) => draft.lookups)
  const users = distinct(pending, 'user')
  const organizations = distinct(pending, 'organization')
  const userIds = await findUserIds(client, users.map(userReference))
  const userOf = new Map<string, Resolved>(users.map((reference, i) => [reference, userIds[i]]))
  const found = await findOrganizations(client, organizations)
  const resolve = (lookup: PendingLookup): Resolved => {
    if (lookup.target === 'user') return userOf.get(lookup.reference)!
    const outcome = found.get(externalIdKey(lookup.reference))!
    return outcome.ok ? { ok: true, id: outcome.value.id } : outcome
  }

  const resolved = new Map<number, RecordDraft>()
  for (const [index, draft] of drafts) {
    const error = filledIn(draft, resolve, clockOf('upsertCustomObjectRecord', results.payloads[index]))
    if (error) results.fail(index, error)
    else resolved.set(index, draft)
  }
  return resolved
}

function distinct(lookups: PendingLookup[], target: PendingLookup['target']): string[] {
  return [...new Set(lookups.filter((lookup) => lookup.target === target).map((lookup) => lookup.reference))]
}

/** Sets each lookup field of the draft to its Zendesk id; the event's error when one cannot be set. */
function filledIn(
  draft: RecordDraft,
  resolve: (lookup: PendingLookup) => Resolved,
  clock: ReturnType<PipelineContext['clockOf']>
): unknown {
  const missing: { lookup: PendingLookup; record: MissingRecord }[] = []
  for (const lookup of draft.lookups) {
    const outcome = resolve(lookup)
    if (!outcome.ok) return withMessagePrefix(outcome.error, `custom_object_fields.${lookup.fieldKey}: `)
    if (outcome.id === undefined) missing.push({ lookup, record: missingRecord(lookup) })
    else draft.record.custom_object_fields[lookup.fieldKey] = outcome.id
  }
  if (missing.length === 0) return undefined
  const fieldNames = missing.map(({ lookup }) => `custom_object_fields.${lookup.fieldKey}`).join(' and ')
  return clock.missing(
    missing.map(({ record }) => record),
    `${fieldNames} cannot point at it and the ${describeRecord(draft.objectKey, draft.externalId)} was not written`
  )
}

function missingRecord({ target, reference }: PendingLookup): MissingRecord {
  return target === 'user'
    ? { kind: 'user', description: describeReference(userReference(reference)) }
    : { kind: 'organization', description: describeOrganization(reference) }
}
