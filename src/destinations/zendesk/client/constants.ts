/** Zendesk's limit of items per bulk request (`create_many`, `update_many`, `show_many`, …). */
export const BULK_LIMIT = 100

/** A job costs its submission and at least one status poll, so fewer items than this go as one request each. */
export const FEWEST_FOR_A_JOB = 3

/** Pages of an organization's memberships read to settle refused job items before sending them alone. */
export const MEMBERSHIP_PAGES_TO_CHECK = 5

/** Zendesk's limit of queued or running jobs per account: one more bulk request is refused (429 TooManyJobs). */
export const ACTIVE_JOB_LIMIT = 30
