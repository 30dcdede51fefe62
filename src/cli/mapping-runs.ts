import type { SegmentEvent } from '@segment/actions-core'
import { ok, type HostContext, type HostReply, type Route } from './host-routes'
import { checkEditedSubscription, checkEditedSubscriptions } from './mapping-file'
import { RECENT_EVENTS } from './mapping-listing'
import { previewSubscription } from './mapping-preview'
import { withMappingProblems } from './mapping-problems'
import { changesBetween } from './record-changes'
import { simulatorView } from './replay'
import { EventRunner, matches, type EventReport } from './run-events'
import { EventInputError, normaliseEvent } from './segment-events'
import { shippedExamples } from './shipped-examples'
import { isObject } from './objects'

function eventOf(body: Record<string, unknown>): SegmentEvent {
  if (!isObject(body.event)) throw new EventInputError('Paste an event: a JSON object with a "type".')
  return normaliseEvent(body.event)
}

/** Runs a report and says which simulator records it created or changed (nothing on a real account). */
async function withRecords(context: HostContext, run: () => Promise<EventReport>) {
  const { simulator } = context.target
  const before = simulator && simulatorView(simulator.state())
  const report = await run()
  const after = simulator && simulatorView(simulator.state())
  return { report, state: after, changes: before && after ? changesBetween(before, after) : undefined }
}

/** Runs one event through every subscription that is on (or through edited ones, not saved) and reports it all. */
async function sendEvent(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const event = eventOf(body)
  // Edits not saved yet run in a runner of their own, checked as a save checks them.
  const runner =
    body.subscriptions === undefined
      ? context.runner
      : new EventRunner(
          context.definition,
          context.runner.account,
          checkEditedSubscriptions(body.subscriptions, context.definition)
        )
  const ran = await withRecords(context, () => runner.runEvent(event))
  return ok({
    event,
    subscriptions: runner.subscriptions.map((subscription) => ({
      ...subscription,
      matches: matches(subscription, event)
    })),
    ...ran
  })
}

/** Test this mapping: the event through one edited subscription alone, on or off, saved or not. */
async function testSubscription(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const event = eventOf(body)
  const position = typeof body.position === 'number' ? body.position : context.runner.subscriptions.length + 1
  const subscription = checkEditedSubscription(body.subscription, position, context.definition)
  const ran = await withRecords(context, () => context.runner.runAlone(subscription, event))
  return ok({ event, matches: matches(subscription, event), ...ran })
}

/** What each edited subscription does with the event: FQL checks, whether it matches, the mapped payload, field problems. */
async function previewEvent(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const subscriptions = Array.isArray(body.subscriptions) ? body.subscriptions : []
  const examples = (await shippedExamples()).map((example) => example.event)
  return ok({
    subscriptions: subscriptions.map((subscription) =>
      previewSubscription(context.definition, isObject(subscription) ? subscription : {}, body.event, examples)
    )
  })
}

/**
 * The events a mapping can be tested with: the last ones the host received (newest first), then the shipped
 * examples; those its trigger matches come first.
 */
async function testEvents(body: Record<string, unknown>, context: HostContext): Promise<HostReply> {
  const subscribe = typeof body.subscribe === 'string' ? body.subscribe : ''
  const received = (await context.deliveries.recentEvents(RECENT_EVENTS)).map(
    ({ id, description, acceptedAt, event }) => ({
      source: 'received' as const,
      label: `${description} (delivery ${id})`,
      receivedAt: acceptedAt,
      event
    })
  )
  const examples = (await shippedExamples()).map(({ label, event }) => ({ source: 'example' as const, label, event }))
  const events = [...received, ...examples].map((candidate) => ({
    ...candidate,
    matches: matches({ subscribe }, candidate.event)
  }))
  return ok({ events: [...events.filter((e) => e.matches), ...events.filter((e) => !e.matches)] })
}

/** The routes where the page tries events: previews, a send through every mapping, a test of one mapping. */
export function mappingRunRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/mapping/send',
      about: '{ event, subscriptions? } → matches, mapped payloads, Zendesk requests, results, records',
      handle: withMappingProblems(sendEvent)
    },
    {
      method: 'POST',
      path: '/mapping/subscription/test',
      about: '{ event, subscription, position? } → that one mapping alone: mapped payload, Zendesk requests, result',
      handle: withMappingProblems(testSubscription)
    },
    {
      method: 'POST',
      path: '/mapping/preview',
      about:
        '{ event, subscriptions } → per subscription: FQL checks, matches, mapped payload, field problems (sends nothing)',
      handle: async (request, context) => previewEvent(isObject(request.body) ? request.body : {}, context)
    },
    {
      method: 'POST',
      path: '/mapping/test-events',
      about: '{ subscribe } → the last events received and the shipped examples, those the trigger matches first',
      handle: async (request, context) => testEvents(isObject(request.body) ? request.body : {}, context)
    }
  ]
}
