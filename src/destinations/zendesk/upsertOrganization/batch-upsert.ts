import { eachAlone, writeInBulk, type BulkWrite } from '../batch/bulk-writes'
import { bulkSize } from '../batch/fields'
import type { PipelineContext } from '../batch/pipeline'
import { BatchResults, statusOf, type Settled } from '../batch/results'
import { planRounds } from '../batch/rounds'
import { leftUntouched, skippedMissing, unsupportedSyncMode, type SyncMode } from '../batch/sync-modes'
import { BatchLookups } from '../lookups/batch-lookups'
import type { ZendeskClient } from '../client'
import { fieldRefused, refusalOf } from '../client/errors'
import type { JobItemOutcome } from '../client/jobs'
import { describeOrganization, externalIdKey, type OrganizationInput } from '../client/organizations'
import { BULK_LIMIT, FEWEST_FOR_A_JOB } from '../client/constants'
import type { Payload } from './generated-types'
import { customFieldTraits, organizationFieldPlans, type OrganizationFieldPlan } from './organization-fields'
import { mergeInputs, organizationInput, validate } from './organization-input'
import { completeUpserts, deleteOrganizations, type UpsertStatus } from './operations'

/** One organization's consecutive upserts within a round, sent to Zendesk as one item. */
interface Run {
  externalId: string
  indexes: number[]
}

/** Work that can go to Zendesk at once: no organization appears twice in a round, but for repeated deletes. */
interface Round {
  /** The events of each organization's consecutive deletes, deleted together. */
  deletes: number[]
  runs: Run[]
}

type Input = OrganizationInput & { external_id: string }

interface Saved {
  id?: number
  status: UpsertStatus
}

/** What Zendesk did with each run of a round. */
type SavedRuns = Map<Run, Settled<Saved>>

/**
 * Upsert Organization for a batch (perform runs it on one payload). Per round: the deletes, looked up together
 * and sent in destroy_many jobs (one DELETE each when fewer than three); then, for three organizations or more,
 * one show_many lookup of the external_ids (per 100), create_many for new organizations and update_many for
 * existing ones, each job followed to a result per item, and for fewer one create_or_update each; then
 * memberships, in bulk. Events for the same organization are merged while they are upserts, or while they are
 * deletes (each gets the result of deleting it once), and a change from one to the other starts a new round, so
 * the outcome is that of sending the events one by one in order.
 */
export async function upsertOrganizations(
  client: ZendeskClient,
  payloads: Payload[],
  context: PipelineContext
): Promise<BatchResults<Payload>> {
  const results = new BatchResults(payloads)
  const { syncMode = 'upsert' } = context
  if (syncMode === 'mirror') {
    payloads.forEach((_, index) => results.fail(index, unsupportedSyncMode('Upsert Organization', syncMode)))
    return results
  }
  const externalIds = results.checkEach(validate)
  const batch = new OrganizationBatch(client, results, externalIds, context)
  for (const round of roundsOf(payloads, externalIds, syncMode)) await batch.run(round)
  return results
}

function roundsOf(payloads: Payload[], externalIds: Map<number, string>, mode: SyncMode): Round[] {
  const deleted = (index: number) => mode === 'delete' || payloads[index].deleted === true
  const rounds = planRounds(
    externalIds.keys(),
    (index) => externalIdKey(externalIds.get(index)!),
    (first, next) => deleted(first) === deleted(next)
  )
  return rounds.map((groups) => ({
    deletes: groups.filter((group) => deleted(group[0])).flat(),
    runs: groups
      .filter((group) => !deleted(group[0]))
      .map((indexes) => ({ externalId: externalIds.get(indexes[0])!, indexes }))
  }))
}

/** One Upsert Organization call: its events' external_ids, results and context, and how it writes a round. */
class OrganizationBatch {
  private readonly payloads: Payload[]
  private readonly bulkSize: number
  private readonly mode: SyncMode

  constructor(
    private readonly client: ZendeskClient,
    private readonly results: BatchResults<Payload>,
    private readonly externalIds: Map<number, string>,
    private readonly context: PipelineContext
  ) {
    this.payloads = results.payloads
    this.bulkSize = bulkSize(this.payloads)
    this.mode = context.syncMode ?? 'upsert'
  }

  async run(round: Round): Promise<void> {
    if (round.deletes.length) await this.delete(round.deletes)
    if (round.runs.length) await this.upsert(round.runs)
  }

  private async delete(indexes: number[]): Promise<void> {
    const deleted = await deleteOrganizations(
      this.client,
      indexes.map((index) => this.externalId(index)),
      this.bulkSize
    )
    deleted.forEach((outcome, position) => this.results.settle(indexes[position], outcome))
  }

  private externalId(index: number): string {
    return this.externalIds.get(index) as string
  }

  private async upsert(allRuns: Run[]): Promise<void> {
    const indexes = allRuns.flatMap((run) => run.indexes)
    let plans: OrganizationFieldPlan[]
    try {
      plans = await organizationFieldPlans(
        this.client,
        indexes.map((i) => customFieldTraits(this.payloads[i].organization_fields, this.payloads[i].url)),
        this.context.logger
      )
    } catch (error) {
      indexes.forEach((index) => this.results.fail(index, error))
      return
    }
    const planOf = new Map(indexes.map((index, position) => [index, plans[position]]))
    const inputs = new Map(
      allRuns.map((run) => [
        run,
        mergeInputs(run.indexes.map((i) => organizationInput(this.payloads[i], this.externalId(i), planOf.get(i)!)))
      ])
    )
    const inputOf = (run: Run) => inputs.get(run)!
    const saved: SavedRuns = new Map()
    // Update and add modes must know what exists first, so even a few organizations are looked up.
    if (allRuns.length < FEWEST_FOR_A_JOB && this.mode === 'upsert') {
      record(saved, allRuns, await eachAlone(allRuns, (run) => this.writeAlone(run, inputOf(run), undefined)))
    } else await this.inJobs(allRuns, saved, inputOf)

    const done: { index: number; saved: Saved }[] = []
    for (const run of allRuns) {
      const outcome = saved.get(run)!
      for (const index of run.indexes) {
        if (outcome.ok) done.push({ index, saved: outcome.value })
        else this.results.fail(index, outcome.error)
      }
    }
    const completed = await completeUpserts(
      this.client,
      done.map((event) => ({
        payload: this.payloads[event.index],
        externalId: this.externalId(event.index),
        saved: event.saved,
        fields: planOf.get(event.index)!
      })),
      this.context.clockOf
    )
    completed.forEach((outcome, position) => this.results.settle(done[position].index, outcome))
  }

  /** Looks the organizations up, then creates the new ones and updates the others in jobs. */
  private async inJobs(allRuns: Run[], saved: SavedRuns, inputOf: (run: Run) => Input): Promise<void> {
    // Looked up in lists, so an external_id Zendesk refuses fails only its own events.
    const existing = await new BatchLookups().listed(
      allRuns.map((run) => run.externalId),
      BULK_LIMIT,
      (list) => this.client.organizations.findManyByExternalIds(list),
      (externalId) => this.client.organizations.findByExternalId(externalId)
    )
    const runs = allRuns.filter((run) => {
      const lookup = existing.get(externalIdKey(run.externalId))!
      if (!lookup.ok) saved.set(run, lookup)
      return lookup.ok
    })
    const idOf = (run: Run) => {
      const lookup = existing.get(externalIdKey(run.externalId))
      return lookup?.ok ? lookup.value?.id : undefined
    }
    let newRuns = runs.filter((run) => idOf(run) === undefined)
    let existingRuns = runs.filter((run) => idOf(run) !== undefined)
    if (this.mode === 'update') {
      newRuns.forEach((run) => saved.set(run, { ok: false, error: skipped(run.externalId) }))
      newRuns = []
    }
    if (this.mode === 'add') {
      existingRuns.forEach((run) => saved.set(run, { ok: false, error: untouched(run.externalId) }))
      existingRuns = []
    }
    const alone = (run: Run) => this.writeAlone(run, inputOf(run), idOf(run))
    const { organizations } = this.client
    const created = writes('Created', alone, (group) => organizations.createMany(group.map(inputOf)))
    const updated = writes('Updated', alone, (group) =>
      organizations.updateMany(group.map((run) => ({ id: idOf(run)!, ...inputOf(run) })))
    )
    // The lookup chose jobs already: even one organization goes in one.
    const options = { size: this.bulkSize, fewestForAJob: 1 }
    record(saved, newRuns, await writeInBulk(newRuns, created, options))
    record(saved, existingRuns, await writeInBulk(existingRuns, updated, options))
  }

  /**
   * One organization's write as the sync mode allows: upsert is create_or_update; update changes the organization
   * found (one deleted meanwhile is skipped, never created again); add creates it (one whose external_id is taken
   * meanwhile is left untouched, never updated).
   */
  private async writeAlone(run: Run, input: Input, id: number | undefined): Promise<Saved> {
    const { organizations } = this.client
    if (this.mode === 'update') {
      if (id === undefined) throw skipped(run.externalId)
      try {
        return { id: (await organizations.update(id, input)).id, status: 'Updated' }
      } catch (error) {
        throw statusOf(error) === 404 ? skipped(run.externalId) : error
      }
    }
    if (this.mode === 'add') {
      try {
        return { id: (await organizations.create(input)).id, status: 'Created' }
      } catch (error) {
        throw fieldRefused(error, 'external_id', 'DuplicateValue') ? untouched(run.externalId) : error
      }
    }
    const { organization, created } = await organizations.createOrUpdate(input)
    return { id: organization.id, status: created ? 'Created' : 'Updated' }
  }
}

/**
 * Organizations in `create_many` or `update_many` jobs, each run one item. An account without bulk access (403)
 * writes each organization alone. So does an item the job refused: a job item's error code does not say which
 * field was refused (its external_id may have been taken meanwhile, or, on update, the organization deleted
 * meanwhile), and a single write answers for that organization alone.
 */
function writes(
  status: UpsertStatus,
  alone: (run: Run) => Promise<Saved>,
  job: (runs: Run[]) => Promise<JobItemOutcome[]>
): BulkWrite<Run, Saved> {
  return {
    job,
    written: (_, { id }) => ({ id, status }),
    refused: (_, error) => (worthSendingAlone(error) ? 'alone' : { ok: false, error }),
    alone: (runs) => eachAlone(runs, alone),
    withoutJob: {}
  }
}

function record(saved: SavedRuns, runs: Run[], outcomes: Settled<Saved>[]): void {
  runs.forEach((run, position) => saved.set(run, outcomes[position]))
}

const skipped = (externalId: string) => skippedMissing(describeOrganization(externalId))
const untouched = (externalId: string) => leftUntouched(`an ${describeOrganization(externalId)}`, 'organization')

/** A job item refused for what it holds (it has an error code), not found (404) or not permitted (403). */
function worthSendingAlone(error: Error): boolean {
  const status = statusOf(error)
  return status === 403 || status === 404 || refusalOf(error)?.error !== undefined
}
