import { createHash, randomBytes, randomUUID } from 'crypto'
import { ApiError, isBlank, json, RecordInvalid, type Input } from '../http'
import { timestamp, type Store } from '../state'
import type { UserEventRecord, UserRecord } from '../types'
import { addMissingIdentifiers, createUser, findUserByEmail, findUserByExternalId } from './users'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A 26-character id shaped like the ULIDs the Events API uses. */
function ulidLike(bytes: Buffer): string {
  return Array.from(bytes.subarray(0, 26), (b) => CROCKFORD[b % 32]).join('')
}

type Problem = [code: string, title: string]

function eventsError(problems: Problem[]): ApiError {
  return new ApiError(json(400, { errors: problems.map(([code, title]) => ({ code, id: randomUUID(), title })) }))
}

const isObject = (value: unknown): value is Input => !!value && typeof value === 'object' && !Array.isArray(value)

function sourceProblems(source: unknown, code: string, what: string): Problem[] {
  if (isBlank(source)) return [[code, `${what} source is required`]]
  if (String(source).trim().toLowerCase() === 'zendesk') return [[code, `${what} source 'zendesk' is reserved`]]
  return []
}

function eventProblems(event: unknown): Problem[] {
  if (!isObject(event)) return [['EventNotValid', 'Event is required']]
  const problems = sourceProblems(event.source, 'SourceNotValid', 'Event')
  if (isBlank(event.type)) problems.push(['TypeNotValid', 'Event type is required'])
  if (!isObject(event.properties)) problems.push(['PropertiesNotValid', 'Event properties must be a JSON object'])
  if (!isBlank(event.created_at) && Number.isNaN(Date.parse(event.created_at))) {
    problems.push(['CreatedAtNotValid', 'Event created_at is not a valid ISO-8601 timestamp'])
  }
  return problems
}

function profileProblems(profile: unknown): Problem[] {
  if (!isObject(profile)) return [['ProfileNotValid', 'Profile is required']]
  const problems = sourceProblems(profile.source, 'ProfileSourceNotValid', 'Profile')
  if (isBlank(profile.type)) problems.push(['ProfileTypeNotValid', 'Profile type is required'])
  const identifiers = profile.identifiers
  if (
    !Array.isArray(identifiers) ||
    identifiers.length === 0 ||
    identifiers.some((i) => isBlank(i?.type) || isBlank(i?.value))
  ) {
    problems.push(['IdentifiersNotValid', 'Profile identifiers must be a non-empty list of {type, value}'])
  }
  return problems
}

export function recordEvent(store: Store, user: UserRecord, event: Input, profile: { source: string; type: string }) {
  const now = timestamp()
  const profileKey = `${user.id}:${profile.source}:${profile.type}`
  const record: UserEventRecord = {
    id: ulidLike(randomBytes(26)),
    user_id: user.id,
    profile_id: ulidLike(createHash('sha256').update(profileKey).digest()),
    source: String(event.source),
    type: String(event.type),
    description: isBlank(event.description) ? null : String(event.description),
    properties: event.properties,
    created_at: isBlank(event.created_at) ? now : String(event.created_at),
    received_at: now
  }
  store.events.push(record)
  return record
}

/** POST /users/{id}/events body check: 400 with the Events API's `errors` list. */
export function checkEvent(body: Input): Input {
  const problems = eventProblems(body.event)
  if (problems.length > 0) throw eventsError(problems)
  return body.event
}

/**
 * POST /user_profiles/events: the user is found by an external_id or email identifier and given the identifiers
 * it lacks; when none matches, an anonymous user is created, as Zendesk does.
 */
export function resolveProfileUser(store: Store, body: Input): { user: UserRecord; event: Input; profile: Input } {
  const problems = [...profileProblems(body.profile), ...eventProblems(body.event)]
  if (problems.length > 0) throw eventsError(problems)
  const profile: Input = body.profile
  const valuesOf = (type: string) =>
    (profile.identifiers as Input[]).filter((i) => i.type === type).map((i) => String(i.value).trim())
  const emails = valuesOf('email').map((e) => e.toLowerCase())
  const externalIds = valuesOf('external_id')
  const found =
    externalIds.map((id) => findUserByExternalId(store, id)).find(Boolean) ??
    emails.map((e) => findUserByEmail(store, e)).find(Boolean)
  if (found) {
    addMissingIdentifiers(store, found, emails[0], externalIds[0])
    return { user: found, event: body.event, profile }
  }
  try {
    const name = isBlank(profile.name) ? String(profile.identifiers[0].value) : String(profile.name)
    const user = createUser(store, { name, email: emails[0], external_id: externalIds[0], skip_verify_email: true })
    return { user, event: body.event, profile }
  } catch (err) {
    if (err instanceof RecordInvalid) throw eventsError([['IdentifiersNotValid', err.summary]])
    throw err
  }
}
