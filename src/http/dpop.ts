import { VerificationError } from '../lib/errors.js';
import { readBounded } from '../lib/read-bounded.js';
import { boundThumbprint } from '../lib/syntax.js';
import type { TokenPayload } from '../token/compact.js';

/**
 * Whether a verified token is bound to this DPoP key: true when its `cnf.jkt` is `jkt`, false
 * when it has no `cnf` (a plain bearer token, sent as such); a token bound to another key is
 * ERR_CLAIM_INVALID, so it is never sent (RFC 9449 §6.1: only that key's holder may use it).
 */
export function checkBoundTo(payload: TokenPayload, jkt: string): boolean {
  if ((payload as { cnf?: unknown }).cnf === undefined) return false;
  if (boundThumbprint(payload) !== jkt) {
    throw new VerificationError(
      'ERR_CLAIM_INVALID',
      'The token is bound ("cnf") to another key than this browser\'s DPoP key: get a token with a proof from this key.',
      { claim: 'cnf' },
    );
  }
  return true;
}

// Enough for any OAuth error object; the body is read no further (RFC 6749 §5.2).
const MAX_ERROR_BODY = 4096;

/**
 * RFC 9449 §8 and §9: the server wants a nonce — a 401 with `WWW-Authenticate: DPoP
 * error="use_dpop_nonce"` from a resource server, or a 400 `{"error":"use_dpop_nonce"}` from an
 * authorization server. Reads a copy of the body, at most 4 KiB; the caller still gets it whole.
 */
export async function saysUseDpopNonce(response: Response): Promise<boolean> {
  if (response.status === 401) {
    const challenge = response.headers.get('www-authenticate') ?? '';
    return /^\s*dpop\b/i.test(challenge) && /\berror\s*=\s*"?use_dpop_nonce"?/i.test(challenge);
  }
  if (response.status !== 400 || response.body === null) return false;
  const text = (await readBounded(response.clone(), { limit: MAX_ERROR_BODY })) ?? '';
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body === 'object' && body !== null && body.error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}
