import type { ZendeskClient } from './client'

/** A host's deletion request: the user with this external_id is removed from Zendesk for good. */
export async function deleteUserByExternalId(client: ZendeskClient, userId: unknown) {
  const externalId = typeof userId === 'number' ? String(userId) : typeof userId === 'string' ? userId.trim() : ''
  if (!externalId) {
    return { deleted: false, reason: 'no userId in the deletion request' }
  }
  const user = await client.users.findByExternalId(externalId)
  if (!user?.id) return { deleted: false, reason: 'no Zendesk user has this external_id' }
  await client.users.deletePermanently(user.id)
  return { deleted: true, id: user.id }
}
