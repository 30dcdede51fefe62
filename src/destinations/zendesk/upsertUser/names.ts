import { fieldRefused, refusalOf } from '../client/errors'
import type { UserInput } from '../client/users'
import { text } from '../fields/text'

/**
 * The name a new user gets when its identify carried none (Zendesk needs one to create a user): the email's
 * local part, else the external_id.
 */
export function fallbackName(user: UserInput): string | undefined {
  return text(user.email?.split('@')[0]) ?? text(user.external_id)
}

/** Zendesk refused a user sent without a name because it is new and needs one (`name` BlankValue). */
export function refusedForMissingName(error: unknown, user: UserInput): boolean {
  return user.name === undefined && fieldRefused(error, 'name', 'BlankValue')
}

/**
 * The same for a job item. Its refusal names no field, only the item's error code, so every refused item of a
 * user sent without a name counts: sent again with a name, an item refused for another reason is refused again.
 */
export function jobItemRefusedWithoutName(error: unknown, user: UserInput): boolean {
  return user.name === undefined && refusalOf(error)?.status === 422
}

/** The user with its fallback name, or undefined when it has no email or external_id to make one from. */
export function withFallbackName(user: UserInput): UserInput | undefined {
  const name = fallbackName(user)
  return name === undefined ? undefined : { ...user, name }
}
