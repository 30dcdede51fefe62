import type { Settled } from '../batch/results'
import { BatchLookups } from './batch-lookups'
import type { ZendeskClient } from '../client'
import { externalIdKey, type ZendeskOrganization } from '../client/organizations'
import { BULK_LIMIT } from '../client/constants'

/**
 * An organization named by its external_id, with its Zendesk id when it exists. `cached`: the id came from the
 * cache, so Zendesk not knowing it may only mean the organization was deleted (and perhaps made again) since.
 */
export interface OrganizationTarget {
  externalId: string
  id?: number
  cached?: boolean
}

const cacheKey = (client: ZendeskClient, externalId: string) => `${client.account}|${externalIdKey(externalId)}`

/** Records the id of an organization just created or updated, so memberships in it need no lookup. */
export function rememberOrganization(client: ZendeskClient, externalId: string, id: number): void {
  client.caches.organizationIds.set(cacheKey(client, externalId), id)
}

/** Forgets a cached id, e.g. after Zendesk said it has no such organization, or after deleting it. */
export function forgetOrganization(client: ZendeskClient, externalId: string): void {
  client.caches.organizationIds.delete(cacheKey(client, externalId))
}

/** The organization looked up again, without the cache: for an id that Zendesk answered it does not know. */
export async function refreshOrganization(client: ZendeskClient, externalId: string): Promise<OrganizationTarget> {
  forgetOrganization(client, externalId)
  const found = (await findOrganizations(client, [externalId])).get(externalIdKey(externalId))!
  if (!found.ok) throw found.error
  return found.value
}

/**
 * The organizations with these external_ids, keyed by `externalIdKey`: cached ids, and one `show_many` per
 * 100 of the others. An external_id with no organization has a target without an id; one whose lookup failed
 * has that error (an odd external_id fails only its own events).
 */
export async function findOrganizations(
  client: ZendeskClient,
  externalIds: readonly string[]
): Promise<Map<string, Settled<OrganizationTarget>>> {
  const targets = new Map<string, Settled<OrganizationTarget>>()
  const missing: string[] = []
  for (const externalId of externalIds) {
    const key = externalIdKey(externalId)
    if (targets.has(key)) continue
    const cached = client.caches.organizationIds.get(cacheKey(client, externalId))
    if (cached === undefined) missing.push(externalId)
    targets.set(key, {
      ok: true,
      value: cached === undefined ? { externalId } : { externalId, id: cached, cached: true }
    })
  }
  const found = await lookUpShared(client, missing)
  for (const externalId of missing) {
    const outcome = found.get(externalIdKey(externalId))!
    if (!outcome.ok) targets.set(externalIdKey(externalId), outcome)
    else if (outcome.value) {
      rememberOrganization(client, externalId, outcome.value.id)
      targets.set(externalIdKey(externalId), { ok: true, value: { externalId, id: outcome.value.id } })
    }
  }
  return targets
}

/**
 * Organizations by external_id, keyed by `externalIdKey`: one `show_many` per 100, the lookups that concurrent
 * batches on the same account have under way shared rather than repeated.
 */
async function lookUpShared(
  client: ZendeskClient,
  externalIds: string[]
): Promise<Map<string, Settled<ZendeskOrganization | undefined>>> {
  const sharedKey = (externalId: string) => `${client.account}|${externalIdKey(externalId)}`
  const externalIdOf = new Map(externalIds.map((externalId) => [sharedKey(externalId), externalId]))
  const answers = await client.caches.organizationLookups.get([...externalIdOf.keys()], async (keys) => {
    const found = await new BatchLookups().listed(
      keys.map((key) => externalIdOf.get(key)!),
      BULK_LIMIT,
      (list) => client.organizations.findManyByExternalIds(list),
      (externalId) => client.organizations.findByExternalId(externalId)
    )
    return new Map(keys.map((key) => [key, found.get(externalIdKey(externalIdOf.get(key)!))!]))
  })
  return new Map(externalIds.map((externalId) => [externalIdKey(externalId), answers.get(sharedKey(externalId))!]))
}
