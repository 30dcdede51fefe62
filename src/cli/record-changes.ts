import type { SimulatorView } from './replay'

/** A record an event created or changed in the simulator. */
export interface RecordChange {
  collection: keyof SimulatorView
  id: string | number
  change: 'new' | 'changed'
}

const COLLECTIONS: (keyof SimulatorView)[] = ['users', 'organizations', 'memberships', 'tickets', 'events']

/** The records that are new or different after than before, collection by collection. */
export function changesBetween(before: SimulatorView, after: SimulatorView): RecordChange[] {
  return COLLECTIONS.flatMap((collection) => {
    const earlier = new Map<unknown, string>(before[collection].map((record) => [record.id, JSON.stringify(record)]))
    return after[collection].flatMap((record): RecordChange[] => {
      const was = earlier.get(record.id)
      if (was === JSON.stringify(record)) return []
      return [{ collection, id: record.id, change: was === undefined ? 'new' : 'changed' }]
    })
  })
}
