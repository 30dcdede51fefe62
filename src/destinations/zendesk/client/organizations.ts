import { listsOf } from './lists'
import { quote } from './quote'
import { BULK_LIMIT } from './constants'
import { idSegment, type ZendeskHttp } from './http'
import type { JobItemOutcome, Jobs } from './jobs'
import type { RecordWriteTurns } from './pacing'
import {
  membershipAnswer,
  membershipSchema,
  organizationAnswer,
  organizationFieldAnswer,
  organizationsAnswer,
  type CustomField,
  type OrganizationMembership,
  type ZendeskOrganization
} from './schemas'

export type { ZendeskOrganization }

export type OrganizationFieldValue = string | number | boolean | null | (string | number)[]

export interface OrganizationInput {
  external_id?: string
  name?: string
  domain_names?: string[]
  tags?: string[]
  details?: string
  notes?: string
  organization_fields?: Record<string, OrganizationFieldValue>
}

export interface NewOrganizationField {
  key: string
  title: string
  type: string
  description?: string
}

/** A description of an organization for error messages. */
export function describeOrganization(externalId: string): string {
  return `organization with external_id ${quote(externalId)}`
}

/** Zendesk compares external_ids without case. */
export const externalIdKey = (externalId: string): string => externalId.toLowerCase()

export class OrganizationsApi {
  constructor(
    private readonly http: ZendeskHttp,
    private readonly jobs: Jobs,
    private readonly writesPerOrganization: RecordWriteTurns
  ) {}

  /**
   * `POST organizations/create_or_update`, matched on external_id; 201 means created. Kept under Zendesk's limit
   * of 5 updates a minute per organization.
   */
  async createOrUpdate(
    organization: OrganizationInput & { external_id: string }
  ): Promise<{ organization: ZendeskOrganization; created: boolean }> {
    const about = await this.writeTurn(organization.external_id)
    const { status, body } = await this.http.post('organizations/create_or_update', about, organizationAnswer, {
      organization
    })
    return { organization: body.organization, created: status === 201 }
  }

  /** `POST organizations` (Create Organization): a new organization, nothing matched. */
  async create(organization: OrganizationInput & { external_id: string }): Promise<ZendeskOrganization> {
    const about = describeOrganization(organization.external_id)
    const { body } = await this.http.post('organizations', about, organizationAnswer, { organization })
    return body.organization
  }

  /** `PUT organizations/{id}`, kept under the limit of 5 updates a minute per organization; a deleted one answers 404. */
  async update(
    organizationId: number,
    organization: OrganizationInput & { external_id: string }
  ): Promise<ZendeskOrganization> {
    const id = idSegment(organizationId, 'organization id')
    const about = await this.writeTurn(organization.external_id)
    const { body } = await this.http.put(`organizations/${id}`, about, organizationAnswer, { organization })
    return body.organization
  }

  /** Waits for the organization's turn under Zendesk's 5 updates a minute per organization; its description. */
  private async writeTurn(externalId: string): Promise<string> {
    const about = describeOrganization(externalId)
    await this.writesPerOrganization.turn(`${this.http.origin} ${externalIdKey(externalId)}`, about)
    return about
  }

  /** Exact (case-insensitive) external_id lookup. */
  async findByExternalId(externalId: string): Promise<ZendeskOrganization | undefined> {
    const { body } = await this.http.get(
      'organizations/search',
      describeOrganization(externalId),
      organizationsAnswer,
      {
        external_id: externalId
      }
    )
    const wanted = externalIdKey(externalId)
    return body.organizations.find((o) => o.external_id && externalIdKey(o.external_id) === wanted)
  }

  /**
   * The organizations with these external_ids, keyed by `externalIdKey`: `show_many` with up to 100 ids per
   * call. An external_id that cannot be listed in `external_ids=` (it has a comma, or is very long) is searched
   * on its own.
   */
  async findManyByExternalIds(externalIds: readonly string[]): Promise<Map<string, ZendeskOrganization>> {
    const { lists, alone } = listsOf(externalIds, BULK_LIMIT)
    const found = new Map<string, ZendeskOrganization>()
    const keep = (org: ZendeskOrganization | undefined) => {
      if (org?.external_id) found.set(externalIdKey(org.external_id), org)
    }
    for (const listed of lists) {
      const { body } = await this.http.get(
        'organizations/show_many',
        listed.length === 1 ? describeOrganization(listed[0]) : `${listed.length} organizations by external_id`,
        organizationsAnswer,
        { external_ids: listed.join(',') }
      )
      body.organizations.forEach(keep)
    }
    for (const id of alone) keep(await this.findByExternalId(id))
    return found
  }

  /** `POST organizations/create_many` (up to 100), followed to one outcome per organization. */
  async createMany(organizations: OrganizationInput[]): Promise<JobItemOutcome[]> {
    if (organizations.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} organizations per create_many call`)
    return this.jobs.bulk(
      'POST',
      'organizations/create_many',
      `bulk creation of ${organizations.length} organizations`,
      { organizations }
    )
  }

  /** `PUT organizations/update_many` in its batch form: each item carries the id of the organization it changes. */
  async updateMany(organizations: (OrganizationInput & { id: number })[]): Promise<JobItemOutcome[]> {
    if (organizations.length > BULK_LIMIT) throw new Error(`At most ${BULK_LIMIT} organizations per update_many call`)
    return this.jobs.bulk('PUT', 'organizations/update_many', `bulk update of ${organizations.length} organizations`, {
      organizations
    })
  }

  async delete(organizationId: number): Promise<void> {
    const id = idSegment(organizationId, 'organization id')
    await this.http.delete(`organizations/${id}`, `organization ${id}`)
  }

  /**
   * `DELETE organizations/destroy_many?ids=` (up to 100 distinct ids), in one job, followed to one outcome per id,
   * in the order given. A refused submission throws.
   */
  async destroyMany(organizationIds: readonly number[]): Promise<JobItemOutcome[]> {
    if (organizationIds.length > BULK_LIMIT) {
      throw new Error(`At most ${BULK_LIMIT} organizations per destroy_many call`)
    }
    const ids = organizationIds.map((id) => idSegment(id, 'organization id'))
    return this.jobs.bulkDelete('organizations/destroy_many', `bulk delete of ${ids.length} organizations`, ids)
  }

  async createField(field: NewOrganizationField): Promise<CustomField> {
    const { body } = await this.http.post(
      'organization_fields',
      `organization field ${quote(field.key)}`,
      organizationFieldAnswer,
      { organization_field: field }
    )
    return body.organization_field
  }

  /** `POST organization_memberships`; Zendesk answers 422 when the user already is a member. */
  async addMembership(userId: number, organizationId: number): Promise<OrganizationMembership> {
    const { body } = await this.http.post(
      'organization_memberships',
      membershipAbout(userId, organizationId),
      membershipAnswer,
      { organization_membership: { user_id: userId, organization_id: organizationId } }
    )
    return body.organization_membership
  }

  /** `POST organization_memberships/create_many`: up to 100 memberships in one job, one result per item. */
  async createManyMemberships(memberships: { user_id: number; organization_id: number }[]): Promise<JobItemOutcome[]> {
    if (memberships.length > BULK_LIMIT) {
      throw new Error(`At most ${BULK_LIMIT} memberships per organization_memberships/create_many call`)
    }
    const about = `bulk creation of ${memberships.length} organization memberships`
    return this.jobs.bulk('POST', 'organization_memberships/create_many', about, {
      organization_memberships: memberships
    })
  }

  /** "Unassign Organization": removes the membership without needing its id; 404 when there is none. */
  async removeMembership(userId: number, organizationId: number): Promise<void> {
    const user = idSegment(userId, 'user id')
    const organization = idSegment(organizationId, 'organization id')
    await this.http.delete(`users/${user}/organizations/${organization}`, membershipAbout(userId, organizationId))
  }

  /** The first `maxPages` pages (100 each) of an organization's memberships. */
  async membershipsOfOrganization(organizationId: number, maxPages: number): Promise<OrganizationMembership[]> {
    const organization = idSegment(organizationId, 'organization id')
    return this.http.listAll(
      `organizations/${organization}/organization_memberships`,
      'organization_memberships',
      `memberships of organization ${organization}`,
      membershipSchema,
      {},
      maxPages
    )
  }

  async membershipsOfUser(userId: number): Promise<OrganizationMembership[]> {
    const user = idSegment(userId, 'user id')
    return this.http.listAll(
      `users/${user}/organization_memberships`,
      'organization_memberships',
      `user ${user}`,
      membershipSchema
    )
  }
}

function membershipAbout(userId: number, organizationId: number): string {
  return `membership of user ${userId} in organization ${organizationId}`
}
