import { createHash } from 'crypto'
import { newCredential } from './credentials'
import { invalidGrant, invalidRequest } from './errors'

/** Documented: an authorization code is valid for 120 seconds. */
export const CODE_LIFETIME_MS = 120_000

/** What a person allowed on the consent page, bound to the client, redirect URL and PKCE challenge it was asked with. */
export interface AuthorizationGrant {
  clientIdentifier: string
  redirectUri: string
  scope: string
  /** the S256 code_challenge; null when the client sent none (confidential clients may skip PKCE) */
  codeChallenge: string | null
  userId: number
}

interface StoredCode extends AuthorizationGrant {
  expiresAt: number
}

export interface Redemption {
  clientIdentifier: string
  redirectUri: unknown
  codeVerifier: unknown
}

/** RFC 7636 S256: base64url(sha256(verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** Authorization codes not yet exchanged. */
export class CodeStore {
  private readonly codes = new Map<string, StoredCode>()

  constructor(private readonly now: () => number) {}

  issue(grant: AuthorizationGrant): string {
    const code = newCredential('authorizationCode')
    this.codes.set(code, { ...grant, expiresAt: this.now() + CODE_LIFETIME_MS })
    return code
  }

  /**
   * The grant behind a code, for one token request only: the code is gone after it, whatever its outcome. It
   * must be unexpired, asked by the client it was issued to, with the same redirect URL and the PKCE verifier.
   */
  redeem(code: string, redemption: Redemption): AuthorizationGrant {
    const stored = this.codes.get(code)
    this.codes.delete(code)
    if (!stored || this.now() >= stored.expiresAt) {
      throw invalidGrant('The authorization code is unknown, expired or already used.')
    }
    if (stored.clientIdentifier !== redemption.clientIdentifier || stored.redirectUri !== redemption.redirectUri) {
      throw invalidGrant('The authorization code was issued to another client or redirect URL.')
    }
    if (stored.codeChallenge !== null) {
      if (typeof redemption.codeVerifier !== 'string' || redemption.codeVerifier === '') {
        throw invalidRequest('code_verifier is required: the authorization request carried a code_challenge')
      }
      if (s256(redemption.codeVerifier) !== stored.codeChallenge) {
        throw invalidGrant('The code verifier does not match the code challenge.')
      }
    }
    const { clientIdentifier, redirectUri, scope, codeChallenge, userId } = stored
    return { clientIdentifier, redirectUri, scope, codeChallenge, userId }
  }

  clear(): void {
    this.codes.clear()
  }
}
