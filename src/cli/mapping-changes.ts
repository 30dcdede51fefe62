import { resolve } from 'path'
import { ok, type HostContext, type HostReply, type Route } from './host-routes'
import {
  checkEditedSubscription,
  checkEditedSubscriptions,
  fileEntry,
  writeMappingFile,
  type Subscription
} from './mapping-file'
import { subscriptionListing } from './mapping-listing'
import { MappingConflict, withMappingProblems } from './mapping-problems'
import { EventInputError } from './segment-events'
import { isObject } from './objects'

/**
 * Changes the subscriptions the host uses and writes them to its mapping file, one change at a time: `change` sees
 * the subscriptions as the change before left them. Without --mapping the page's own file is created, and the host
 * reads its subscriptions from it from then on. Nothing changes when the file cannot be written.
 */
function changeSubscriptions(
  context: HostContext,
  change: (current: Subscription[]) => Subscription[]
): Promise<{ saved: string; switched: boolean }> {
  const run = context.mappingChanges.then(async () => {
    const next = change(context.runner.subscriptions)
    const path = resolve(context.mappingFile ?? context.newMappingFile)
    await writeMappingFile(path, next)
    const switched = context.mappingFile === undefined
    context.mappingFile = path
    context.runner.subscriptions = next
    return { saved: path, switched }
  })
  context.mappingChanges = run.catch(() => undefined)
  return run
}

const sameEntry = (a: Subscription, b: unknown) =>
  isObject(b) && JSON.stringify(fileEntry(a)) === JSON.stringify(fileEntry(b as unknown as Subscription))

/**
 * The index of the subscription at `position` (from 1), which must still be `was`, the subscription as the page
 * showed it: a change made meanwhile (another tab, a restart with another file) is not overwritten.
 */
function indexOf(current: Subscription[], position: unknown, was: unknown): number {
  if (typeof position !== 'number' || !Number.isInteger(position)) {
    throw new EventInputError('Give the "position" (from 1) of the mapping and "was", the mapping as it was shown.')
  }
  const index = position - 1
  if (current[index] === undefined || !sameEntry(current[index], was)) {
    throw new MappingConflict(
      `Mapping ${position} has changed since the page showed it (another tab, or a restart): reload the page.`
    )
  }
  return index
}

/** Saves one mapping: replaces the one at `position`, or adds it at the end when there is no position. */
async function saveOne(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  let position = 0
  const saved = await changeSubscriptions(context, (current) => {
    const index = body.position === undefined ? current.length : indexOf(current, body.position, body.was)
    position = index + 1
    const subscription = checkEditedSubscription(body.subscription, position, context.definition)
    return [...current.slice(0, index), subscription, ...current.slice(index + 1)]
  })
  return ok({ ...saved, position, ...(await subscriptionListing(context)) })
}

/** Turns one mapping on or off: an off mapping receives no event. */
async function setEnabled(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  if (typeof body.enabled !== 'boolean') throw new EventInputError('Give "enabled": true (on) or false (off).')
  const enabled = body.enabled
  const saved = await changeSubscriptions(context, (current) => {
    const index = indexOf(current, body.position, body.was)
    return current.map((subscription, i) => (i === index ? { ...subscription, enabled } : subscription))
  })
  return ok({ ...saved, ...(await subscriptionListing(context)) })
}

async function removeOne(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const saved = await changeSubscriptions(context, (current) => {
    const index = indexOf(current, body.position, body.was)
    return current.filter((_, i) => i !== index)
  })
  return ok({ ...saved, ...(await subscriptionListing(context)) })
}

/** Replaces every subscription at once. */
async function saveAll(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const subscriptions = checkEditedSubscriptions(body.subscriptions, context.definition)
  const saved = await changeSubscriptions(context, () => subscriptions)
  return ok({ ...saved, subscriptions })
}

/** The routes that change the saved mappings: all at once, or one at a time as the page does. */
export function mappingChangeRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/mapping/save',
      about: '{ subscriptions } → checked, saved to the mapping file, used from then on',
      handle: withMappingProblems(saveAll)
    },
    {
      method: 'POST',
      path: '/mapping/subscription/save',
      about: '{ position?, was?, subscription } → one mapping checked and saved (added without a position)',
      handle: withMappingProblems(saveOne)
    },
    {
      method: 'POST',
      path: '/mapping/subscription/enabled',
      about: '{ position, was, enabled } → one mapping turned on or off and saved (off: it receives no event)',
      handle: withMappingProblems(setEnabled)
    },
    {
      method: 'POST',
      path: '/mapping/subscription/remove',
      about: '{ position, was } → one mapping removed from the mapping file',
      handle: withMappingProblems(removeOne)
    }
  ]
}
