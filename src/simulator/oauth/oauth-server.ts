import { ClientRegistry } from './clients'
import { CodeStore } from './codes'
import { lifetimesFor } from './lifetimes'
import { tokenAnswer, TokenStore } from './tokens'
import type { OAuthIssueOptions, OAuthTokenAnswer, SimulatorOAuthClient } from './types'

/** The account's OAuth side: its clients, the authorization codes waiting to be exchanged and the issued tokens. */
export class OAuthServer {
  readonly clients = new ClientRegistry()
  readonly codes: CodeStore
  readonly tokens: TokenStore

  /** `now`: the simulator's clock, in milliseconds */
  constructor(
    readonly now: () => number,
    clients: SimulatorOAuthClient[] = []
  ) {
    this.codes = new CodeStore(now)
    this.tokens = new TokenStore(now)
    for (const client of clients) this.clients.add(client)
  }

  /** A token pair as the consent page and an authorization code would give `userId`, without either. */
  issue(clientIdentifier: string, userId: number, options: OAuthIssueOptions = {}): OAuthTokenAnswer {
    const client = this.clients.find(clientIdentifier)
    if (!client) throw new Error(`No OAuth client ${clientIdentifier} in the simulated account`)
    const lifetimes = lifetimesFor(client, {
      expiresIn: options.expiresIn,
      refreshTokenExpiresIn: options.refreshTokenExpiresIn
    })
    const scope = options.scope ?? 'read write'
    return tokenAnswer(this.tokens.issue({ clientIdentifier, userId, scope, withRefreshToken: true, lifetimes }))
  }

  /** Every token and code is forgotten; the clients stay. */
  revokeAll(): void {
    this.codes.clear()
    this.tokens.clear()
  }
}
