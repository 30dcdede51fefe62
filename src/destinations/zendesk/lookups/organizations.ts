import type { Settled } from '../batch/results'
import { BatchLookups } from './batch-lookups'
import type { ZendeskClient } from '../client'
import { externalIdKey } from '../client/organizations'
import { BULK_LIMIT } from '../client/users'
import { TtlCache } from './ttl-cache'

/**
 * An organization named by its external_id, with its Zendesk id when it exists. `cached`: the id came from the
 * cache, so Zendesk not knowing it may only mean the organization was deleted (and perhaps made again) since.
 */
export interface OrganizationTarget {
  externalId: string
  id?: number
  cached?: boolean
}

const ORGANIZATION_ID_CACHE_SIZE = 5000
const ORGANIZATION_ID_MAX_AGE_MS = 10 * 60 * 1000

/** Zendesk ids of organizations found by external_id, per account; organizations not found are not cached. */
const organizationIds = new TtlCache<string, number>(ORGANIZATION_ID_CACHE_SIZE, ORGANIZATION_ID_MAX_AGE_MS)

const cacheKey = (client: ZendeskClient, externalId: string) => `${client.http.origin}|${externalIdKey(externalId)}`

export function clearOrganizationIdCache(): void {
  organizationIds.clear()
}

/** Records the id of an organization just created or updated, so memberships in it need no lookup. */
export function rememberOrganization(client: ZendeskClient, externalId: string, id: number): void {
  organizationIds.set(cacheKey(client, externalId), id)
}

/** Forgets a cached id, e.g. after Zendesk said it has no such organization, or after deleting it. */
export function forgetOrganization(client: ZendeskClient, externalId: string): void {
  organizationIds.delete(cacheKey(client, externalId))
}

/** The organization with this external_id: its cached id, else an `organizations/search` lookup. */
export async function findOrganization(client: ZendeskClient, externalId: string): Promise<OrganizationTarget> {
  const cached = organizationIds.get(cacheKey(client, externalId))
  if (cached !== undefined) return { externalId, id: cached, cached: true }
  return lookUp(client, externalId)
}

/** The organization looked up again, without the cache: for an id that Zendesk answered it does not know. */
export async function refreshOrganization(client: ZendeskClient, externalId: string): Promise<OrganizationTarget> {
  forgetOrganization(client, externalId)
  return lookUp(client, externalId)
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
    const cached = organizationIds.get(cacheKey(client, externalId))
    if (cached === undefined) missing.push(externalId)
    targets.set(key, {
      ok: true,
      value: cached === undefined ? { externalId } : { externalId, id: cached, cached: true }
    })
  }
  const found = await new BatchLookups().listed(
    missing,
    BULK_LIMIT,
    (list) => client.organizations.findManyByExternalIds(list),
    (externalId) => client.organizations.findByExternalId(externalId)
  )
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

async function lookUp(client: ZendeskClient, externalId: string): Promise<OrganizationTarget> {
  const organization = await client.organizations.findByExternalId(externalId)
  if (organization === undefined) return { externalId }
  rememberOrganization(client, externalId, organization.id)
  return { externalId, id: organization.id }
}
