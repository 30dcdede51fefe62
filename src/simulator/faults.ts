import type { Faults } from './types'

type CountedFault = 'rateLimit' | 'serverError' | 'htmlPage' | 'slow' | 'answeredTogether' | 'connectionReset'

/** The faults in force; counted ones are used up one matching request at a time. */
export class FaultState {
  private faults: Faults = {}

  set(faults: Faults): void {
    this.faults = JSON.parse(JSON.stringify(faults ?? {}))
  }

  get current(): Readonly<Faults> {
    return this.faults
  }

  /** The fault of this kind if it applies to a request for `path`, counting it down. */
  take<K extends CountedFault>(kind: K, path: string): NonNullable<Faults[K]> | undefined {
    const fault = this.faults[kind]
    if (!fault || fault.count <= 0 || (fault.path && !path.includes(fault.path))) return undefined
    fault.count -= 1
    if (fault.count === 0) delete this.faults[kind]
    return fault as NonNullable<Faults[K]>
  }
}
