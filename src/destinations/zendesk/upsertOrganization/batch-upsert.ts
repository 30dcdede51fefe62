import { PayloadValidationError, type Logger } from '@segment/actions-core'
import { BatchResults, chunk, mapWithConcurrency, statusOf } from '../batch/results'
import { BatchLookups } from '../lookups/batch-lookups'
import type { ZendeskClient } from '../client'
import { followJob, type JobItemOutcome, type JobStatus } from '../client/jobs'
import { externalIdKey, type OrganizationInput } from '../client/organizations'
import { BULK_LIMIT } from '../client/users'
import type { Payload } from './generated-types'
import { customFieldTraits, organizationFieldPlans, type OrganizationFieldPlan } from './organization-fields'
import { mergeInputs, organizationInput, validate } from './organization-input'
import { completeUpserts, deleteOrganization, type UpsertStatus } from './operations'

const CONCURRENCY = 4
const ALREADY_TAKEN = /already been taken/i

/** One organization's consecutive upserts within a round, sent to Zendesk as one item. */
interface Run {
  externalId: string
  indexes: number[]
}

/** Work that can go to Zendesk at once: no organization appears twice in a round. */
interface Round {
  deletes: number[]
  runs: Run[]
}

type Input = OrganizationInput & { external_id: string }

interface Saved {
  id?: number
  status: UpsertStatus
}

/**
 * Batch upsert: per round, one show_many lookup of the external_ids (per 100), create_many for new organizations and
 * update_many for existing ones, each job followed to a result per item; then memberships, in bulk. Events
 * for the same organization are merged while they are upserts, and a delete between them starts a new round,
 * so the outcome is that of sending the events one by one in order.
 */
export async function upsertBatch(
  client: ZendeskClient,
  payloads: Payload[],
  batchSize: number,
  logger?: Logger
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const externalIds = new Map<number, string>()
  payloads.forEach((payload, index) => {
    try {
      externalIds.set(index, validate(payload))
    } catch (error) {
      results.fail(index, error)
    }
  })
  const batch = new OrganizationBatch(client, payloads, externalIds, results, Math.min(batchSize, BULK_LIMIT), logger)
  for (const round of planRounds(payloads, externalIds)) await batch.run(round)
  return results
}

function planRounds(payloads: Payload[], externalIds: Map<number, string>): Round[] {
  const segmentsByOrganization = new Map<string, { externalId: string; indexes: number[]; deleted: boolean }[]>()
  for (const [index, externalId] of externalIds) {
    const segments = segmentsByOrganization.get(externalIdKey(externalId)) ?? []
    const last = segments[segments.length - 1]
    const deleted = payloads[index].deleted === true
    if (last && !last.deleted && !deleted) last.indexes.push(index)
    else segments.push({ externalId, indexes: [index], deleted })
    segmentsByOrganization.set(externalIdKey(externalId), segments)
  }
  const rounds: Round[] = []
  for (const segments of segmentsByOrganization.values()) {
    segments.forEach((segment, position) => {
      rounds[position] ??= { deletes: [], runs: [] }
      if (segment.deleted) rounds[position].deletes.push(...segment.indexes)
      else rounds[position].runs.push({ externalId: segment.externalId, indexes: segment.indexes })
    })
  }
  return rounds
}

class OrganizationBatch {
  constructor(
    private readonly client: ZendeskClient,
    private readonly payloads: Payload[],
    private readonly externalIds: Map<number, string>,
    private readonly results: BatchResults<Payload>,
    private readonly bulkSize: number,
    private readonly logger?: Logger
  ) {}

  async run(round: Round): Promise<void> {
    await mapWithConcurrency(round.deletes, CONCURRENCY, async (index) => {
      try {
        this.results.succeed(index, await deleteOrganization(this.client, this.externalId(index)))
      } catch (error) {
        this.results.fail(index, error)
      }
    })
    if (round.runs.length) await this.upsert(round.runs)
  }

  private externalId(index: number): string {
    return this.externalIds.get(index) as string
  }

  private async upsert(allRuns: Run[]): Promise<void> {
    const indexes = allRuns.flatMap((run) => run.indexes)
    let plans: OrganizationFieldPlan[]
    try {
      plans = await organizationFieldPlans(
        this.client.http,
        this.client.organizations,
        indexes.map((i) => customFieldTraits(this.payloads[i].organization_fields, this.payloads[i].url)),
        this.logger
      )
    } catch (error) {
      indexes.forEach((index) => this.results.fail(index, error))
      return
    }
    // Looked up in lists, so an external_id Zendesk refuses fails only its own events.
    const existing = await new BatchLookups().listed(
      allRuns.map((run) => run.externalId),
      BULK_LIMIT,
      (list) => this.client.organizations.findManyByExternalIds(list),
      (externalId) => this.client.organizations.findByExternalId(externalId)
    )
    const runs = allRuns.filter((run) => {
      const lookup = existing.get(externalIdKey(run.externalId))!
      if (!lookup.ok) run.indexes.forEach((index) => this.results.fail(index, lookup.error))
      return lookup.ok
    })
    const planOf = new Map(indexes.map((index, position) => [index, plans[position]]))
    const inputs = new Map(
      runs.map((run) => [
        run,
        mergeInputs(run.indexes.map((i) => organizationInput(this.payloads[i], this.externalId(i), planOf.get(i)!)))
      ])
    )
    const inputOf = (run: Run) => inputs.get(run)!
    const idOf = (run: Run) => {
      const lookup = existing.get(externalIdKey(run.externalId))
      return lookup?.ok ? lookup.value?.id : undefined
    }
    const newRuns = runs.filter((run) => idOf(run) === undefined)
    const existingRuns = runs.filter((run) => idOf(run) !== undefined)

    const saved = new Map<Run, Saved | Error>()
    for (const group of chunk(newRuns, this.bulkSize)) {
      await this.submit(group, saved, 'Created', inputOf, () =>
        this.client.organizations.createMany(group.map(inputOf))
      )
    }
    for (const group of chunk(existingRuns, this.bulkSize)) {
      await this.submit(group, saved, 'Updated', inputOf, () =>
        this.client.organizations.updateMany(group.map((run) => ({ id: idOf(run)!, ...inputOf(run) })))
      )
    }

    const done: { index: number; saved: Saved }[] = []
    for (const run of runs) {
      const outcome = saved.get(run)!
      for (const index of run.indexes) {
        if (outcome instanceof Error) this.results.fail(index, outcome)
        else done.push({ index, saved: outcome })
      }
    }
    const completed = await completeUpserts(
      this.client,
      done.map((event) => ({
        payload: this.payloads[event.index],
        externalId: this.externalId(event.index),
        saved: event.saved,
        fields: planOf.get(event.index)!
      }))
    )
    completed.forEach((result, position) => {
      if (result.ok) this.results.succeed(done[position].index, result.value)
      else this.results.fail(done[position].index, result.error)
    })
  }

  /**
   * Submits one bulk job and records each run's outcome. An account without bulk access (403) gets one
   * create_or_update per organization. An item refused because its external_id was taken meanwhile (or, on
   * update, because the organization was deleted meanwhile) is sent again with create_or_update.
   */
  private async submit(
    group: Run[],
    saved: Map<Run, Saved | Error>,
    status: UpsertStatus,
    inputOf: (run: Run) => Input,
    send: () => Promise<JobStatus>
  ): Promise<void> {
    let outcomes: JobItemOutcome[]
    try {
      outcomes = await followJob(this.client.http, await send(), group.length)
    } catch (error) {
      if (statusOf(error) !== 403) return group.forEach((run) => saved.set(run, error as Error))
      outcomes = group.map(() => ({ ok: false, error: error as Error }))
    }
    const again: Run[] = []
    outcomes.forEach((outcome, position) => {
      const run = group[position]
      if (outcome.ok) saved.set(run, { id: outcome.id, status })
      else if (worthSendingAlone(outcome.error)) again.push(run)
      else saved.set(run, outcome.error)
    })
    await mapWithConcurrency(again, 1, async (run) => {
      try {
        const { organization, created } = await this.client.organizations.createOrUpdate(inputOf(run))
        saved.set(run, { id: organization.id, status: created ? 'Created' : 'Updated' })
      } catch (error) {
        saved.set(run, error as Error)
      }
    })
  }
}

function worthSendingAlone(error: Error): boolean {
  const status = statusOf(error)
  return (
    status === 403 || status === 404 || (error instanceof PayloadValidationError && ALREADY_TAKEN.test(error.message))
  )
}
