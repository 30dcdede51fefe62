import type { InputField } from '@segment/actions-core'
import { BULK_LIMIT } from '../client/constants'

/** `enable_batching`, saying what a batch does for this action. */
export function enableBatchingField(whatBatchingDoes: string): InputField {
  return {
    label: 'Send in Batches',
    description: `Let the host deliver events in batches: ${whatBatchingDoes} Default: on.`,
    type: 'boolean',
    default: true
  }
}

/** `batch_size` for actions that send bulk requests of `records`. */
export function batchSizeField(records: string): InputField {
  return {
    label: 'Batch Size',
    description: `How many ${records} go in one bulk request (at most ${BULK_LIMIT}, Zendesk's limit). Default: ${BULK_LIMIT}.`,
    type: 'integer',
    minimum: 1,
    maximum: BULK_LIMIT,
    default: BULK_LIMIT,
    unsafe_hidden: true
  }
}

/** The bulk request size mapped for a batch, never above Zendesk's limit. */
export function bulkSize(payloads: { batch_size?: number }[]): number {
  return Math.min(payloads[0]?.batch_size ?? BULK_LIMIT, BULK_LIMIT)
}
