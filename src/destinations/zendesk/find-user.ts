import { PayloadValidationError } from '@segment/actions-core'
import type { ZendeskClient } from './client'
import { TtlCache } from './ttl-cache'

/** How an event points at a Zendesk user: a Zendesk id, else an external_id, else an email. */
export interface UserReference {
  zendesk_user_id?: string | number | null
  external_id?: string | null
  email?: string | null
}

const USER_ID_CACHE_SIZE = 10000
const USER_ID_MAX_AGE_MS = 10 * 60 * 1000

const userIds = new TtlCache<string, number>(USER_ID_CACHE_SIZE, USER_ID_MAX_AGE_MS)

/** Tests start each case with an empty cache. */
export function clearUserIdCache(): void {
  userIds.clear()
}

const text = (value: unknown): string | undefined =>
  typeof value === 'number' ? String(value) : typeof value === 'string' && value.trim() ? value.trim() : undefined

/** A readable name for the reference, for error messages. */
export function describeReference(ref: UserReference): string {
  const parts: string[] = []
  if (text(ref.zendesk_user_id)) parts.push(`zendesk_user_id ${JSON.stringify(text(ref.zendesk_user_id))}`)
  if (text(ref.external_id)) parts.push(`external_id ${JSON.stringify(text(ref.external_id))}`)
  if (text(ref.email)) parts.push(`email ${JSON.stringify(text(ref.email))}`)
  return parts.length ? `user with ${parts.join(' or ')}` : 'user'
}

export function hasReference(ref: UserReference): boolean {
  return Boolean(text(ref.zendesk_user_id) || text(ref.external_id) || text(ref.email))
}

/**
 * The Zendesk user id for a reference, or undefined when no such user exists.
 * A zendesk_user_id is used as given; external_id and email lookups are cached per account
 * (bounded size and age) so a user with many events is looked up about once. A reference with both
 * is also cached as a whole, so a user found by email after an external_id miss costs no search next time.
 */
export async function findUserId(client: ZendeskClient, ref: UserReference): Promise<number | undefined> {
  const zendeskId = text(ref.zendesk_user_id)
  if (zendeskId !== undefined) {
    if (!/^[1-9]\d{0,19}$/.test(zendeskId)) {
      throw new PayloadValidationError(
        `zendesk_user_id must be a numeric Zendesk user id, got ${JSON.stringify(zendeskId)}`
      )
    }
    return Number(zendeskId)
  }
  const externalId = text(ref.external_id)
  const email = text(ref.email)
  const bothKey = combinedKey(client, ref)
  const known = bothKey === undefined ? undefined : userIds.get(bothKey)
  if (known !== undefined) return known
  let id: number | undefined
  if (externalId !== undefined) {
    id = await cached(client, `external_id:${externalId.toLowerCase()}`, () =>
      client.users.findByExternalId(externalId)
    )
  }
  if (id === undefined && email !== undefined) {
    id = await cached(client, `email:${email.toLowerCase()}`, () => client.users.findByEmail(email))
  }
  if (id !== undefined && bothKey !== undefined) userIds.set(bothKey, id)
  return id
}

/** Forgets a cached id, e.g. after Zendesk answered 404 for it (the user was deleted). */
export function forgetUser(client: ZendeskClient, ref: UserReference): void {
  const externalId = text(ref.external_id)
  const email = text(ref.email)
  const bothKey = combinedKey(client, ref)
  if (externalId) userIds.delete(`${client.http.origin}|external_id:${externalId.toLowerCase()}`)
  if (email) userIds.delete(`${client.http.origin}|email:${email.toLowerCase()}`)
  if (bothKey) userIds.delete(bothKey)
}

function combinedKey(client: ZendeskClient, ref: UserReference): string | undefined {
  const externalId = text(ref.external_id)
  const email = text(ref.email)
  if (externalId === undefined || email === undefined) return undefined
  return `${client.http.origin}|external_id:${externalId.toLowerCase()}|email:${email.toLowerCase()}`
}

async function cached(
  client: ZendeskClient,
  key: string,
  lookup: () => Promise<{ id: number | null } | undefined>
): Promise<number | undefined> {
  const cacheKey = `${client.http.origin}|${key}`
  const hit = userIds.get(cacheKey)
  if (hit !== undefined) return hit
  const user = await lookup()
  if (user?.id) {
    userIds.set(cacheKey, user.id)
    return user.id
  }
  return undefined
}
