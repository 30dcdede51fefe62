import { fieldRefused, refusalOf } from '../client/errors'
import type { UserInput } from '../client/users'
import { text } from '../fields/text'

/**
 * The name a new user gets when its identify carried none (Zendesk needs one to create a user): the email's
 * local part, else the external_id.
 */
function fallbackName(user: UserInput): string | undefined {
  return text(user.email?.split('@')[0]) ?? text(user.external_id)
}

/** Zendesk refused a user sent without a name because it is new and needs one (`name` BlankValue). */
function refusedForMissingName(error: unknown, user: UserInput): boolean {
  return user.name === undefined && fieldRefused(error, 'name', 'BlankValue')
}

/**
 * The same for a job item. Its refusal names no field, only the item's error code, so every refused item of a
 * user sent without a name counts: sent again with a name, an item refused for another reason is refused again.
 */
export function jobItemRefusedWithoutName(error: unknown, user: UserInput): boolean {
  return user.name === undefined && refusalOf(error)?.status === 422
}

/**
 * A single-user write sent without a name when the identify had none, so an existing user's name is kept; a new
 * user, which Zendesk refuses without a name, is sent once more with one made from its email or external_id.
 * `alsoRefusedFor` names refusals that a name would not cure (the write then fails as it is).
 */
export async function writeNamingNew<T>(
  user: UserInput,
  write: (user: UserInput) => Promise<T>,
  alsoRefusedFor: (error: unknown) => boolean = () => false
): Promise<T> {
  try {
    return await write(user)
  } catch (error) {
    const named = refusedForMissingName(error, user) && !alsoRefusedFor(error) ? withFallbackName(user) : undefined
    if (!named) throw error
    return write(named)
  }
}

/** The user with its fallback name, or undefined when it has no email or external_id to make one from. */
export function withFallbackName(user: UserInput): UserInput | undefined {
  const name = fallbackName(user)
  return name === undefined ? undefined : { ...user, name }
}
