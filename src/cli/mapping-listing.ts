import { existsSync } from 'fs'
import { resolve } from 'path'
import type { HostContext } from './host-routes'
import type { Subscription } from './mapping-file'
import { matches } from './run-events'
import { triggerInWords } from './trigger-words'

/** How many of the events the host received last the mapping list counts matches among and offers as test events. */
export const RECENT_EVENTS = 20

/** A subscription as the mapping list shows it. */
export interface ListedSubscription extends Subscription {
  /** from 1, in the mapping file's order: the page's URL names a mapping by it */
  position: number
  /** the trigger in words; undefined when its FQL does not parse */
  trigger?: string
  /** how many of the recent events its trigger matches */
  recentMatches: number
}

/** The mapping list: the subscriptions, where they are saved, and how many recent events they are counted among. */
export interface SubscriptionListing {
  mappingFile: { path: string; inUse: boolean; exists: boolean }
  recentEvents: number
  subscriptions: ListedSubscription[]
}

export async function subscriptionListing(context: HostContext): Promise<SubscriptionListing> {
  const path = resolve(context.mappingFile ?? context.newMappingFile)
  const recent = (await context.deliveries.recentEvents(RECENT_EVENTS)).map((received) => received.event)
  return {
    mappingFile: { path, inUse: context.mappingFile !== undefined, exists: existsSync(path) },
    recentEvents: recent.length,
    subscriptions: context.runner.subscriptions.map((subscription, index) => ({
      ...subscription,
      position: index + 1,
      trigger: triggerInWords(subscription.subscribe),
      recentMatches: recent.filter((event) => matches(subscription, event)).length
    }))
  }
}
