import { PayloadValidationError } from '@segment/actions-core'
import { idSegment } from '../client/http'
import type { OrganizationInput } from '../client/organizations'
import { hasReference, type UserReference } from '../lookups/users'
import type { Payload } from './generated-types'
import type { OrganizationFieldPlan } from './organization-fields'
import { text } from '../fields/text'

/** The organization's external_id (the groupId); an empty one is a 400 that names the field. */
function requireExternalId(payload: Payload): string {
  const externalId = text(payload.external_id)
  if (!externalId) {
    throw new PayloadValidationError(
      'Upsert Organization needs external_id (the groupId) to match a Zendesk organization, and it is empty.'
    )
  }
  return externalId
}

/** A list given as an array, a comma-separated text, or an array of such texts. */
export function listOf(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined
  return [
    ...new Set(
      values
        .flatMap((value) => String(value).split(','))
        .map((v) => v.trim())
        .filter(Boolean)
    )
  ]
}

/** The organization attributes to send; empty values are left out so they do not clear what Zendesk has. */
export function organizationInput(
  payload: Payload,
  externalId: string,
  fields: OrganizationFieldPlan
): OrganizationInput & { external_id: string } {
  const input: OrganizationInput & { external_id: string } = { external_id: externalId }
  const name = text(payload.name)
  if (name) input.name = name
  const domainNames = listOf(payload.domain_names)
  if (domainNames) input.domain_names = domainNames
  const tags = listOf(payload.tags)
  if (tags) input.tags = tags
  const details = text(payload.details)
  if (details) input.details = details
  const notes = text(payload.notes)
  if (notes) input.notes = notes
  if (Object.keys(fields.values).length) input.organization_fields = fields.values
  return input
}

/** Several upserts of one organization as one: later values win, custom fields are merged key by key. */
export function mergeInputs<T extends OrganizationInput>(inputs: T[]): T {
  return inputs.reduce((merged, next) => {
    const fields = { ...merged.organization_fields, ...next.organization_fields }
    const result = { ...merged, ...next }
    if (Object.keys(fields).length) result.organization_fields = fields
    return result
  })
}

/** The user to make a member, when the event names one. */
export function memberOf(payload: Payload): UserReference | undefined {
  const reference = { zendesk_user_id: payload.zendesk_user_id, external_id: payload.user_external_id }
  return hasReference(reference) ? reference : undefined
}

/** Checks what can be checked before anything is written: the external_id, and a Zendesk user id's form. */
export function validate(payload: Payload): string {
  const externalId = requireExternalId(payload)
  if (text(payload.zendesk_user_id)) idSegment(payload.zendesk_user_id, 'zendesk_user_id')
  return externalId
}
