import { parseToken, type TokenPayload } from './compact.js';
import type { TokenHeader } from './header.js';

/** What {@link decode} returns: the parts of a token that has NOT been verified. */
export interface DecodedToken {
  /** The JOSE header, unverified. */
  header: TokenHeader;
  /** The claims, unverified. */
  payload: TokenPayload;
}

/**
 * Reads a token's header and claims without verifying anything, for display and debugging.
 * Malformed input throws a `VerificationError` with code `ERR_TOKEN_MALFORMED`.
 *
 * Security: nothing returned here is trustworthy. Use `verifier.verify(token)` before acting on it.
 *
 * @example
 * const { header, payload } = decode(token);
 * console.log(header.kid, new Date(payload.exp! * 1000));
 */
export function decode(token: string): DecodedToken {
  return parseToken(token);
}
