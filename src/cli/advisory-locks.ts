/**
 * The keys of the PostgreSQL advisory locks the local host takes, in one place so that no two uses share one
 * (the destination's own, `client/postgres/database.ts`, is 7_202_622).
 */
export const ADVISORY_LOCKS = {
  /** made by one host at a time: CREATE TABLE IF NOT EXISTS races otherwise */
  deliveriesSchema: 7_202_623,
  connectionsSchema: 7_202_625,
  /** the first key of a host's turn with an account's connection (the second: the account) */
  connectionTurn: 7_202_624
} as const
