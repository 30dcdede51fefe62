import { z } from 'zod'

/**
 * What the destination reads from Zendesk's answers, written from real Zendesk answers (recorded traffic and the
 * API reference), not from our simulator. Only the keys the code reads are declared: others are dropped. Optional
 * and nullable stay so wherever Zendesk may leave a key out or send null.
 */

const zendeskId = z.number().int().positive()
const optionalText = z.string().nullish()
/** Zendesk sends external_id as text; an account that stored a number gets it back as one. */
const externalId = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (typeof value === 'number' ? String(value) : value))

export const userSchema = z.object({
  id: zendeskId,
  name: optionalText,
  email: optionalText,
  external_id: externalId,
  role: optionalText,
  active: z.boolean().nullish(),
  organization_id: zendeskId.nullish()
})
export type ZendeskUser = z.infer<typeof userSchema>

/** `users/me` answers wrong credentials with an anonymous user whose id is null. */
export const meSchema = z.object({
  user: z.object({ id: zendeskId.nullable(), name: z.string().nullish(), email: z.string().nullish() })
})
export const userAnswer = z.object({ user: userSchema })
export const deletedUserAnswer = z.object({ deleted_user: z.object({ id: zendeskId }) })
/** A user `deleted_users` lists: the reference documents no external_id on it, so it stays undefined when absent. */
export const deletedUserSchema = z.object({ id: zendeskId, external_id: externalId })
export const usersAnswer = z.object({ users: z.array(userSchema) })

/** A user's identity (`GET users/{id}/identities`, Make Identity Primary). */
export const userIdentitySchema = z.object({
  id: zendeskId,
  type: z.string(),
  value: z.string(),
  verified: z.boolean().nullish(),
  primary: z.boolean().nullish()
})
export type UserIdentity = z.infer<typeof userIdentitySchema>
export const userIdentitiesAnswer = z.object({ identities: z.array(userIdentitySchema) })
export const userIdentityAnswer = z.object({ identity: userIdentitySchema })

export const organizationSchema = z.object({
  id: zendeskId,
  name: optionalText,
  external_id: externalId
})
export type ZendeskOrganization = z.infer<typeof organizationSchema>
export const organizationAnswer = z.object({ organization: organizationSchema })
export const organizationsAnswer = z.object({ organizations: z.array(organizationSchema) })

export const membershipSchema = z.object({
  id: zendeskId,
  user_id: zendeskId,
  organization_id: zendeskId
})
export type OrganizationMembership = z.infer<typeof membershipSchema>
export const membershipAnswer = z.object({ organization_membership: membershipSchema })

export const customFieldSchema = z.object({
  id: zendeskId,
  key: z.string().min(1),
  type: z.string(),
  title: optionalText,
  active: z.boolean().nullish()
})
export type CustomField = z.infer<typeof customFieldSchema>
export const organizationFieldAnswer = z.object({ organization_field: customFieldSchema })

export const fieldOptionSchema = z.object({ name: z.string(), value: z.string() })
export type FieldOption = z.infer<typeof fieldOptionSchema>

export const accountFieldSchema = customFieldSchema.extend({
  custom_field_options: z.array(fieldOptionSchema).nullish()
})
export type AccountField = z.infer<typeof accountFieldSchema>

export const ticketFieldSchema = z.object({
  id: zendeskId,
  title: z.string(),
  type: z.string(),
  active: z.boolean().nullish(),
  /** false for system fields (subject, status, group, ...), which are not set through custom_fields. */
  removable: z.boolean().nullish(),
  custom_field_options: z.array(fieldOptionSchema).nullish()
})
export type TicketField = z.infer<typeof ticketFieldSchema>
export const ticketFieldAnswer = z.object({ ticket_field: ticketFieldSchema })

export const namedRecordSchema = z.object({ id: zendeskId, name: z.string(), active: z.boolean().nullish() })
export type NamedRecord = z.infer<typeof namedRecordSchema>

export const agentSchema = z.object({
  id: zendeskId,
  name: z.string(),
  email: optionalText,
  active: z.boolean().nullish()
})
export type Agent = z.infer<typeof agentSchema>

export const ticketSchema = z.object({
  id: zendeskId,
  external_id: externalId,
  created_at: optionalText
})
export type ZendeskTicket = z.infer<typeof ticketSchema>
export const ticketAnswer = z.object({ ticket: ticketSchema })

/** The Events API's 202: the event is queued on the user's profile (`status: "received"`). */
export const eventReceiptSchema = z.object({
  profile_id: optionalText,
  status: z.string().min(1),
  user_id: optionalText
})
export type EventReceipt = z.infer<typeof eventReceiptSchema>

/** A custom object (`GET custom_objects`). */
export const customObjectSchema = z.object({ key: z.string().min(1), title: optionalText })
export type CustomObject = z.infer<typeof customObjectSchema>
export const customObjectsAnswer = z.object({ custom_objects: z.array(customObjectSchema) })

/**
 * A field of a custom object. Besides its own fields, an object lists `standard::name` (whose `properties` say
 * whether names are numbered automatically) and `standard::external_id`; a `lookup` field names what it points at
 * in `relationship_target_type` (`zen:user`, `zen:organization`, `zen:ticket`, `zen:custom_object:<key>`).
 */
export const customObjectFieldSchema = z.object({
  key: z.string().min(1),
  type: z.string(),
  title: optionalText,
  active: z.boolean().nullish(),
  custom_field_options: z.array(fieldOptionSchema).nullish(),
  regexp_for_validation: optionalText,
  relationship_target_type: optionalText,
  properties: z.object({ autoincrement_enabled: z.boolean().nullish() }).nullish()
})
export type CustomObjectField = z.infer<typeof customObjectFieldSchema>

/** A custom object record's id is text, e.g. `01GDXYEY1FQYN066VHF49YHJ21`. */
const recordId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a record id of letters, digits, hyphens and underscores')
export const customObjectRecordSchema = z.object({ id: recordId, external_id: externalId, name: optionalText })
export type CustomObjectRecord = z.infer<typeof customObjectRecordSchema>
export const customObjectRecordAnswer = z.object({ custom_object_record: customObjectRecordSchema })

/**
 * One item of a finished job's `results`. Zendesk sends several shapes: `{index, id, status}` (user upserts),
 * `{id, status}` without index (recorded user create_many: matched by position), `{action, status, success, id}`
 * (bulk updates), `{index, id, account_id}` (ticket create_many), and failures as `{index?, id?, error, details}`.
 * Custom object record jobs are typed as the records they wrote (text `id`, `external_id`), not recorded.
 */
export const jobResultSchema = z.object({
  index: z.number().int().nonnegative().nullish(),
  id: z.union([zendeskId, recordId]).nullish(),
  external_id: externalId,
  status: optionalText,
  action: optionalText,
  success: z.boolean().nullish(),
  error: optionalText,
  details: z
    .unknown()
    .transform((value) =>
      value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)
    )
})
export type JobResult = z.infer<typeof jobResultSchema>

export const jobStatusSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a job id of letters, digits and hyphens'),
  status: z.enum(['queued', 'working', 'completed', 'failed', 'killed']),
  /** Items in the job, and how many are done while it works (null while queued). */
  total: z.number().int().nonnegative().nullish(),
  progress: z.number().int().nonnegative().nullish(),
  message: optionalText,
  /** null until the job ends. */
  results: z.array(jobResultSchema).nullish()
})
export type JobStatus = z.infer<typeof jobStatusSchema>
export const jobStatusAnswer = z.object({ job_status: jobStatusSchema })
/** `job_statuses/show_many`: the jobs it still knows, in no promised order. */
export const jobStatusesAnswer = z.object({ job_statuses: z.array(jobStatusSchema) })

/** Cursor pagination: `meta.has_more` and `links.next`. */
export const cursorPageSchema = z.object({
  meta: z.object({ has_more: z.boolean().nullish() }).nullish(),
  links: z.object({ next: z.string().nullish() }).nullish()
})
