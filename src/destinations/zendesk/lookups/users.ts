import { PayloadValidationError } from '@segment/actions-core'
import type { Settled } from '../batch/results'
import { BatchLookups } from './batch-lookups'
import type { ZendeskClient } from '../client'
import { BULK_LIMIT } from '../client/constants'
import type { ZendeskUser } from '../client/users'
import { quote } from '../client/quote'
import { text } from '../fields/text'
import { isZendeskId } from '../client/ids'

/** How an event points at a Zendesk user: a Zendesk id, else an external_id, else an email. */
export interface UserReference {
  zendesk_user_id?: string | number | null
  external_id?: string | null
  email?: string | null
}

/**
 * What looking one reference up gave: the user's id (undefined: no such user), or the error that stopped it.
 * `cached`: the id came from the cache, so Zendesk not knowing it may only mean the user was deleted (and perhaps
 * made again) since.
 */
export type UserLookup = { ok: true; id: number | undefined; cached?: boolean } | { ok: false; error: unknown }

/** A readable name for the reference, for error messages. */
export function describeReference(ref: UserReference): string {
  const parts: string[] = []
  if (text(ref.zendesk_user_id)) parts.push(`zendesk_user_id ${quote(text(ref.zendesk_user_id))}`)
  if (text(ref.external_id)) parts.push(`external_id ${quote(text(ref.external_id))}`)
  if (text(ref.email)) parts.push(`email ${quote(text(ref.email))}`)
  return parts.length ? `user with ${parts.join(' or ')}` : 'user'
}

export function hasReference(ref: UserReference): boolean {
  return Boolean(text(ref.zendesk_user_id) || text(ref.external_id) || text(ref.email))
}

function zendeskUserId(ref: UserReference): number | undefined {
  const zendeskId = text(ref.zendesk_user_id)
  if (zendeskId === undefined) return undefined
  if (!isZendeskId(zendeskId)) {
    throw new PayloadValidationError(`zendesk_user_id must be a numeric Zendesk user id, got ${quote(zendeskId)}`)
  }
  return Number(zendeskId)
}

const externalIdKey = (client: ZendeskClient, externalId: string) =>
  `${client.account}|external_id:${externalId.toLowerCase()}`
const emailKey = (client: ZendeskClient, email: string) => `${client.account}|email:${email.toLowerCase()}`

/** A reference with both is also cached as a whole: found by email after an external_id miss, no search next time. */
function combinedKey(client: ZendeskClient, ref: UserReference): string | undefined {
  const externalId = text(ref.external_id)
  const email = text(ref.email)
  if (externalId === undefined || email === undefined) return undefined
  return `${externalIdKey(client, externalId)}|email:${email.toLowerCase()}`
}

function remember(client: ZendeskClient, key: string | undefined, id: number | null | undefined): number | undefined {
  if (!id) return undefined
  if (key) client.caches.userIds.set(key, id)
  return id
}

/**
 * The Zendesk user ids for references, one result per reference in order (undefined: no such user). Zendesk
 * user ids are used as given and known ids come from the instance's cache (bounded size and age), so a user with
 * many events is looked up about once; the other external_ids are looked up together with `users/show_many`
 * (100 per request), and only the references none of those found fall back to an email search each.
 * After a 401, 429 or 503 no further lookup is made: the references still open get that error.
 */
export async function findUserIds(client: ZendeskClient, refs: readonly UserReference[]): Promise<UserLookup[]> {
  const results = refs.map((ref) => known(client, ref))
  const lookups = new BatchLookups()

  const externalIds = refs.flatMap((ref, i) => {
    const externalId = text(ref.external_id)
    return results[i] === undefined && externalId !== undefined ? [externalId] : []
  })
  const byExternalId = await lookups.listed(
    externalIds,
    BULK_LIMIT,
    (list) => client.users.showManyByExternalIds(list),
    (externalId) => client.users.findByExternalId(externalId)
  )
  const emails: string[] = []
  refs.forEach((ref, i) => {
    if (results[i]) return
    const externalId = text(ref.external_id)
    const email = text(ref.email)
    const lookup = externalId === undefined ? undefined : byExternalId.get(externalId.toLowerCase())
    const found = lookup && settledId(client, lookup, externalIdKey(client, externalId!))
    if (found && (!found.ok || found.id !== undefined)) results[i] = found
    else if (email === undefined) results[i] = { ok: true, id: undefined }
    else {
      const cached = client.caches.userIds.get(emailKey(client, email))
      if (cached !== undefined) results[i] = { ok: true, id: cached }
      else emails.push(email)
    }
  })
  const byEmail = await lookups.each(emails, (email) => client.users.findByEmail(email))

  const foundByEmail = (email: string) => settledId(client, byEmail.get(email.toLowerCase())!, emailKey(client, email))
  return refs.map((ref, i) => {
    // A reference still open has an email: the others were settled above.
    const result = results[i] ?? foundByEmail(text(ref.email)!)
    if (result.ok && text(ref.zendesk_user_id) === undefined) remember(client, combinedKey(client, ref), result.id)
    return result
  })
}

/** A reference's result without a lookup: a Zendesk user id, a cached id, no reference at all, or undefined. */
function known(client: ZendeskClient, ref: UserReference): UserLookup | undefined {
  try {
    const zendeskId = zendeskUserId(ref)
    if (zendeskId !== undefined) return { ok: true, id: zendeskId }
  } catch (error) {
    return { ok: false, error }
  }
  if (!hasReference(ref)) return { ok: true, id: undefined }
  const bothKey = combinedKey(client, ref)
  const externalId = text(ref.external_id)
  const id =
    (bothKey === undefined ? undefined : client.caches.userIds.get(bothKey)) ??
    client.caches.userIds.get(externalId ? externalIdKey(client, externalId) : emailKey(client, text(ref.email)!))
  return id === undefined ? undefined : { ok: true, id, cached: true }
}

/** A lookup's outcome as a user id, remembered under `cacheKey` when found. */
function settledId(client: ZendeskClient, outcome: Settled<ZendeskUser | undefined>, cacheKey: string): UserLookup {
  return outcome.ok ? { ok: true, id: remember(client, cacheKey, outcome.value?.id) } : outcome
}

/** The reference looked up again without the cache: for a cached id that Zendesk answered it does not know. */
export async function findUserIdAfresh(client: ZendeskClient, ref: UserReference): Promise<UserLookup> {
  forgetUser(client, ref)
  const [fresh] = await findUserIds(client, [ref])
  return fresh
}

/** Forgets a cached id, e.g. after Zendesk answered 404 for it (the user was deleted). */
export function forgetUser(client: ZendeskClient, ref: UserReference): void {
  const externalId = text(ref.external_id)
  const email = text(ref.email)
  const bothKey = combinedKey(client, ref)
  if (externalId) client.caches.userIds.delete(externalIdKey(client, externalId))
  if (email) client.caches.userIds.delete(emailKey(client, email))
  if (bothKey) client.caches.userIds.delete(bothKey)
}
