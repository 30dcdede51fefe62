import { ConnectError } from './connection'
import { ok, type HostContext, type HostReply, type Route } from './host-routes'

/** Back to the page, whose connection panel shows how it went. */
const backToPage: HostReply = {
  status: 302,
  body: '',
  contentType: 'text/plain; charset=utf-8',
  headers: { Location: '/#connection' }
}

function withoutConnection(context: HostContext): HostReply {
  return {
    status: 409,
    body: {
      error:
        'This host uses a legacy credential from the environment: set ZENDESK_CLIENT_ID (an OAuth client of the account) instead to connect.',
      account: context.target.account.view()
    }
  }
}

/**
 * The Zendesk connection's routes: what the page shows of it, Connect Zendesk (to Zendesk's consent page and back
 * to `/oauth/callback`) and Disconnect. No answer carries a token.
 */
export function connectionRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/connection',
      about: 'the Zendesk connection: account, who connected it, token expiry, last refresh (never a token)',
      handle: (_request, { target }) => ok(target.account.view())
    },
    {
      method: 'POST',
      path: '/connection/connect',
      about: 'Connect Zendesk: answers { authorizationUrl }, Zendesk’s consent page (authorization code with PKCE)',
      handle: (_request, context) => {
        const { connection } = context.target
        if (!connection) return withoutConnection(context)
        try {
          return ok({ authorizationUrl: connection.authorizationUrl() })
        } catch (error) {
          if (error instanceof ConnectError) return { status: 409, body: { error: error.message } }
          throw error
        }
      }
    },
    {
      method: 'GET',
      path: '/oauth/callback',
      about: 'where Zendesk’s consent page sends the answer (code and state, or error); then back to the page',
      unlisted: true,
      handle: async (request, { target }) => {
        if (!target.connection) return backToPage
        try {
          await target.connection.completeAuthorization(request.query)
        } catch (error) {
          // The connection keeps the problem for the page; anything else is a bug and answers 500.
          if (!(error instanceof ConnectError)) throw error
        }
        return backToPage
      }
    },
    {
      method: 'POST',
      path: '/connection/disconnect',
      about: 'Disconnect: revokes the token at Zendesk and deletes the stored connection; events wait for a new one',
      handle: async (_request, context) => {
        const { connection } = context.target
        if (!connection) return withoutConnection(context)
        const outcome = await connection.disconnect()
        return ok({ ...outcome, account: connection.view() })
      }
    }
  ]
}
