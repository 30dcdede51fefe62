import {
  AccountWindowLimit,
  Pacer,
  PERMANENT_USER_DELETIONS,
  perRecordLimit,
  RecordWriteLimit,
  type WriteLimits
} from '../../src/destinations/zendesk/client/pacing'
import { realClock, realTimers } from '../../src/destinations/zendesk/client/time'

/** Write limits that hold no single-record write back (permanent deletions still counted), for client unit tests. */
export function unpacedWriteLimits(): WriteLimits {
  const { limit, windowMs } = PERMANENT_USER_DELETIONS
  return {
    userWritesPerAccount: new Pacer(0, realClock, realTimers),
    writesPerUser: new RecordWriteLimit(perRecordLimit(0, 'user'), realClock, realTimers),
    writesPerOrganization: new RecordWriteLimit(perRecordLimit(0, 'organization'), realClock, realTimers),
    permanentUserDeletions: new AccountWindowLimit(limit, windowMs, 'permanent user deletions', realClock)
  }
}
