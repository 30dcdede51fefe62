import type {
  BrandRecord,
  CustomObjectDefinition,
  CustomObjectFieldRecord,
  CustomRecord,
  DeletedUserRecord,
  FieldRecord,
  GroupRecord,
  IdentityRecord,
  Job,
  MembershipRecord,
  OrganizationRecord,
  TicketFieldRecord,
  TicketFormRecord,
  TicketRecord,
  UserEventRecord,
  UserRecord
} from './types'
import { TextIndex } from './text-index'

const FIRST_ID = 360000000001

export const ACCOUNT_ID = 18500001

/** Zendesk's timestamp format: second precision, UTC, `Z` suffix. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The ticket a create with an `Idempotency-Key` made (its 201 answer), replayed while the key is kept. */
export interface IdempotentAnswer {
  /** the request body the key first came with */
  request: unknown
  answer: unknown
  headers: Record<string, string>
  expiresAt: number
}

/** A custom object as the account keeps it. */
export interface StoredCustomObject {
  definition: CustomObjectDefinition
  fields: CustomObjectFieldRecord[]
  records: Map<string, CustomRecord>
}

/** The in-memory account. Ids come from one increasing counter shared by every record type. */
export class Store {
  users = new Map<number, UserRecord>()
  /** Users deleted for good, as `deleted_users` keeps listing them. */
  permanentlyDeletedUsers = new Map<number, DeletedUserRecord>()
  identities = new Map<number, IdentityRecord>()
  organizations = new Map<number, OrganizationRecord>()
  memberships = new Map<number, MembershipRecord>()
  tickets = new Map<number, TicketRecord>()
  events: UserEventRecord[] = []
  userFields: FieldRecord[] = []
  organizationFields: FieldRecord[] = []
  ticketFields: TicketFieldRecord[] = []
  groups: GroupRecord[] = []
  brands: BrandRecord[] = []
  ticketForms: TicketFormRecord[] = []
  /** Custom objects by key, each with its fields and its records (by id). */
  customObjects = new Map<string, StoredCustomObject>()
  jobs = new Map<string, Job>()
  /** Timed jobs worked a few at a time: when each worker is done with the jobs given to it. */
  jobWorkersFreeAt: number[] = []
  /** `Idempotency-Key`s of ticket creates: the body each first came with and the answer it got. */
  idempotencyKeys = new Map<string, IdempotentAnswer>()
  /** Users by external_id, active or not. */
  readonly usersByExternalId = new TextIndex<UserRecord>()
  /** Email identities by address. */
  readonly emailIdentities = new TextIndex<IdentityRecord>()
  readonly organizationsByExternalId = new TextIndex<OrganizationRecord>()
  readonly organizationsByName = new TextIndex<OrganizationRecord>()
  /** Each user's identities and memberships, in the order they were added (the order of their maps). */
  private readonly identitiesByUser = new Map<number, IdentityRecord[]>()
  private readonly membershipsByUser = new Map<number, MembershipRecord[]>()
  /** id of the user the API credentials belong to */
  agentId = 0
  private lastId = FIRST_ID - 1

  constructor(readonly subdomain: string) {}

  /** The account's default brand, which every new ticket gets unless it names one (null in an empty account). */
  defaultBrandId(): number | null {
    return this.brands.find((b) => b.default)?.id ?? null
  }

  /** The account's default ticket form, which every new ticket gets unless it names one. */
  defaultTicketFormId(): number | null {
    return this.ticketForms.find((f) => f.default)?.id ?? null
  }

  nextId(): number {
    return ++this.lastId
  }

  /** Keeps the counter ahead of an id chosen by a seed. */
  claimId(id: number): void {
    this.lastId = Math.max(this.lastId, id)
  }

  addIdentity(identity: IdentityRecord): void {
    this.identities.set(identity.id, identity)
    listOf(this.identitiesByUser, identity.user_id).push(identity)
    if (identity.type === 'email') this.emailIdentities.set(identity, identity.value)
  }

  deleteIdentity(identity: IdentityRecord): void {
    this.identities.delete(identity.id)
    removeFrom(this.identitiesByUser, identity.user_id, identity)
    this.emailIdentities.delete(identity)
  }

  identitiesOf(userId: number): IdentityRecord[] {
    return [...(this.identitiesByUser.get(userId) ?? [])]
  }

  addMembership(membership: MembershipRecord): void {
    this.memberships.set(membership.id, membership)
    listOf(this.membershipsByUser, membership.user_id).push(membership)
  }

  deleteMembership(membership: MembershipRecord): void {
    this.memberships.delete(membership.id)
    removeFrom(this.membershipsByUser, membership.user_id, membership)
  }

  membershipsOf(userId: number): MembershipRecord[] {
    return [...(this.membershipsByUser.get(userId) ?? [])]
  }

  /** A record's `url` field: Zendesk's own address, not the simulator's. */
  apiUrl(path: string): string {
    return `https://${this.subdomain}.zendesk.com/api/v2/${path}.json`
  }

  clear(): void {
    for (const map of [
      this.users,
      this.permanentlyDeletedUsers,
      this.identities,
      this.organizations,
      this.memberships,
      this.tickets,
      this.jobs,
      this.idempotencyKeys,
      this.customObjects
    ]) {
      map.clear()
    }
    for (const list of [
      this.events,
      this.userFields,
      this.organizationFields,
      this.ticketFields,
      this.groups,
      this.brands,
      this.ticketForms
    ]) {
      list.length = 0
    }
    for (const index of [
      this.usersByExternalId,
      this.emailIdentities,
      this.organizationsByExternalId,
      this.organizationsByName,
      this.identitiesByUser,
      this.membershipsByUser
    ]) {
      index.clear()
    }
    this.jobWorkersFreeAt = []
    this.agentId = 0
    this.lastId = FIRST_ID - 1
  }
}

function listOf<T>(lists: Map<number, T[]>, key: number): T[] {
  let list = lists.get(key)
  if (!list) {
    list = []
    lists.set(key, list)
  }
  return list
}

function removeFrom<T>(lists: Map<number, T[]>, key: number, item: T): void {
  const list = lists.get(key)
  const at = list?.indexOf(item) ?? -1
  if (at >= 0) list!.splice(at, 1)
  if (list?.length === 0) lists.delete(key)
}
