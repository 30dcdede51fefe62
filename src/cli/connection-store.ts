import type { StoredConnection } from './connection-file'

/** One host's turn with a shared connection: what it answers, and the connection to store before the turn ends. */
export interface ConnectionTurn<T> {
  answer: T
  store?: StoredConnection
}

/**
 * Where the local host keeps its Zendesk OAuth connection: the owner-only connection file (one host), or the
 * database that several hosts share (`takeTurn`). The client secret is never stored: it stays in the environment.
 */
export interface ConnectionStore {
  /** where the connection is kept, as the page and the log say it (never a credential) */
  readonly location: string
  read(): Promise<StoredConnection | undefined>
  write(connection: StoredConnection): Promise<void>
  remove(): Promise<void>
  /**
   * A store several hosts share: runs `turn` with the connection as stored now, one host at a time per account,
   * and stores what the turn answers to store before the next host's turn begins.
   */
  takeTurn?<T>(turn: (stored: StoredConnection | undefined) => Promise<ConnectionTurn<T>>): Promise<T>
}
