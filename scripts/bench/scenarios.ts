import { customObjects } from './custom-objects'
import { defaultAccount } from './default-account'
import { durableHosts } from './durable-hosts'
import { hostShaped } from './host-shaped'
import { oneProcessStream } from './one-process-stream'
import { underLimit } from './rate-limited'
import type { Scenario } from './scenario'
import { sequential } from './sequential'
import { severalProcesses } from './several-processes'
import { syncModes } from './sync-modes'

/** Every scenario `npm run bench` runs, in order (`--only <name>` runs one). Add a scenario here to run it. */
export const SCENARIOS: Scenario[] = [
  hostShaped,
  sequential,
  underLimit,
  defaultAccount,
  syncModes,
  customObjects,
  severalProcesses,
  oneProcessStream,
  durableHosts
]
