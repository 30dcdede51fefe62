/** The error codes of RFC 6749 §5.2 that the token endpoint answers with. */
export type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type'

/** A refused token request: 401 for a client that failed to authenticate, 400 otherwise. Never names a value sent. */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string
  ) {
    super(`${code}: ${description}`)
  }

  get status(): number {
    return this.code === 'invalid_client' ? 401 : 400
  }
}

export const invalidRequest = (description: string) => new OAuthError('invalid_request', description)

export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)
