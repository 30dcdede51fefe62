import { APIError, PayloadValidationError, type ExecuteInput, type SyncModeDefinition } from '@segment/actions-core'

/** The sync mode actions-core read from the mapping; a batch without one upserts. */
export type SyncMode = NonNullable<ExecuteInput<unknown, unknown>['syncMode']>

/** The sync modes of an action that writes `records` (e.g. `users`): upsert (the default), update, add, delete. */
export function syncModesOf(records: string, deleteLabel: string): SyncModeDefinition {
  return {
    label: `How to sync ${records}`,
    description: `Create or update ${records} (upsert, the default), only update existing ones, only add new ones, or delete them.`,
    default: 'upsert',
    choices: [
      { label: `Create new ${records} and update existing ones`, value: 'upsert' },
      { label: `Update existing ${records} only`, value: 'update' },
      { label: `Add new ${records} only`, value: 'add' },
      { label: deleteLabel, value: 'delete' }
    ]
  }
}

/** Update mode met a record Zendesk does not have: `record` says which, e.g. `user with external_id "u1"`. */
export function skippedMissing(record: string, detail?: string): Error {
  return new APIError(
    `Skipped: Zendesk has no ${record}, and Update mode creates nothing${detail ? ` (${detail})` : ''}`,
    404
  )
}

/** Add mode met a record Zendesk has already: `aRecord` says which, e.g. `a user with external_id "u1"`. */
export function leftUntouched(aRecord: string, kind: string): Error {
  return new APIError(`Left untouched: Zendesk already has ${aRecord}, and Add mode changes no existing ${kind}`, 409)
}

/** `mirror`, which actions-core knows and no action here offers. */
export function unsupportedSyncMode(action: string, mode: string): Error {
  return new PayloadValidationError(
    `Sync mode ${mode} is not supported by ${action}: use upsert, update, add or delete`
  )
}
